"""Uses mask B in the first layer too: every logit sees the pixel it is meant to predict (a
wonderful training loss, useless samples).

tracks: tf
expect-fail: build.causal
message: first layer needs mask A
"""


def build_pixelcnn(seed, channels=16, n_layers=2):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input(shape=(None, None, 1)), MaskedConv2D(channels, 7, "B", activation="relu")]
    for _ in range(n_layers):
        layers.append(MaskedConv2D(channels, 3, "B", activation="relu"))
    layers.append(keras.layers.Conv2D(1, 1))
    return keras.Sequential(layers)
