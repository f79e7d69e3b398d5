"""Ignores `seed` when building the discriminator: its initial weights depend on the global RNG state.

tracks: tf
expect-fail: models.seeded_and_small
message: seed the RNG
"""
import keras


def build_discriminator(seed):
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=(None, None, 1)),
        layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu"),
        layers.Conv2D(32, 4, strides=2, padding="same", activation="leaky_relu"),
        layers.Conv2D(1, 3, padding="same"),
        layers.GlobalAveragePooling2D(),
    ])
