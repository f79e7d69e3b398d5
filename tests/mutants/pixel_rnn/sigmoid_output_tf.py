"""Ends the network with a sigmoid but keeps a loss that expects logits: the "logits" are stuck in
(0, 1), so every pixel gets a probability between 0.5 and 0.73.

tracks: tf
expect-fail: train.heldout_bits_per_dim
message: probabilities
"""


def build_pixelcnn(seed, channels=16, n_layers=2):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input(shape=(None, None, 1)), MaskedConv2D(channels, 7, "A", activation="relu")]
    for _ in range(n_layers):
        layers.append(MaskedConv2D(channels, 3, "B", activation="relu"))
    layers.append(keras.layers.Conv2D(1, 1, activation="sigmoid"))
    return keras.Sequential(layers)
