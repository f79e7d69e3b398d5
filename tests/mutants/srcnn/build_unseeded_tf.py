"""Ignores `seed`: the initial weights depend on whatever state the global RNG is in.

tracks: tf
expect-fail: build.small_and_seeded
message: seed the RNG
"""
import keras


def build_srcnn(seed):
    inputs = keras.Input(shape=(None, None, 1))
    h = keras.layers.Conv2D(32, 5, padding="same", activation="leaky_relu")(inputs)
    h = keras.layers.Conv2D(16, 1, activation="leaky_relu")(h)
    return keras.Model(inputs, keras.layers.Add()([inputs, keras.layers.Conv2D(1, 5, padding="same")(h)]))
