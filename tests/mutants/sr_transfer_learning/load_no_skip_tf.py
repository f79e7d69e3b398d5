"""Forgets the skip connection: the model outputs conv4(...) instead of x + conv4(...), only the
missing detail.

tracks: tf
expect-fail: load.matches_stored_network
message: skip connection
"""
import keras
import numpy as np


def load_pretrained(path):
    inputs = keras.Input(shape=(None, None, 1))
    h = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1")(inputs)
    h = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv2")(h)
    h = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv3")(h)
    outputs = keras.layers.Conv2D(1, 3, padding="same", name="conv4")(h)
    model = keras.Model(inputs, outputs)
    with np.load(path) as stored:
        for i in range(1, 5):
            model.get_layer(f"conv{i}").set_weights([stored[f"conv{i}_kernel"], stored[f"conv{i}_bias"]])
    return model
