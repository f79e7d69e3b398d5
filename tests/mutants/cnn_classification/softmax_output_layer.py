"""Ends the model with a softmax, as the seed answers do (Dense(10, activation="softmax")), while
the loss expects logits.

tracks: torch tf
expect-fail: build.outputs_logits
message: drop the final softmax
"""
_build_cnn_reference = build_cnn

if "torch" in globals():
    from torch import nn

    def build_cnn(num_classes=10, seed=0):
        return nn.Sequential(_build_cnn_reference(num_classes, seed), nn.Softmax(dim=1)).to(DEVICE)
else:
    import keras

    def build_cnn(num_classes=10, seed=0):
        return keras.Sequential([_build_cnn_reference(num_classes, seed), keras.layers.Softmax()])
