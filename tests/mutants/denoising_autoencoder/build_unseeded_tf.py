"""Ignores `seed`: the initial weights depend on whatever state the global RNG is in.

tracks: tf
expect-fail: build.small_and_seeded
message: seed the RNG
"""
import keras


def build_denoiser(seed):
    return keras.Sequential([
        keras.Input(shape=(None, None, 1)),
        keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2D(32, 3, padding="same", activation="leaky_relu"),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),
    ])
