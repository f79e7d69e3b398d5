"""Masks only the first layer and uses plain 3x3 convolutions after it: the hidden layers mix in
features from the pixels below and to the right.

tracks: tf
expect-fail: build.causal
message: earlier position
"""


def build_pixelcnn(seed, channels=16, n_layers=2):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input(shape=(None, None, 1)), MaskedConv2D(channels, 7, "A", activation="relu")]
    for _ in range(n_layers):
        layers.append(keras.layers.Conv2D(channels, 3, padding="same", activation="relu"))
    layers.append(keras.layers.Conv2D(1, 1))
    return keras.Sequential(layers)
