"""Ends the network with a sigmoid, as if it produced an image: the noise estimate can never be negative.

tracks: tf
expect-fail: build.unbounded_output
message: no sigmoid
"""
import keras


def build_dncnn(seed, depth=5, features=16):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input(shape=(None, None, 1)), keras.layers.Conv2D(features, 3, padding="same", activation="relu")]
    for _ in range(depth - 2):
        layers.append(keras.layers.Conv2D(features, 3, padding="same", activation="relu"))
    layers.append(keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid"))
    return keras.Sequential(layers)
