"""Leaves out the sigmoid at the end of the decoder (a linear last layer): reconstructions are not
confined to [0, 1].

tracks: tf
expect-fail: build.reconstruction_shape_and_range
message: sigmoid
"""
import keras
import numpy as np


def build_autoencoder(seed, ratio):
    code_size = int(np.prod(IMAGE_SHAPE)) // ratio
    keras.utils.set_random_seed(seed)
    encoder = keras.Sequential([
        keras.Input(shape=IMAGE_SHAPE),
        keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(code_size),
    ], name="encoder")
    decoder = keras.Sequential([
        keras.Input(shape=(code_size,)),
        keras.layers.Dense(4 * 4 * 32, activation="leaky_relu"),
        keras.layers.Reshape((4, 4, 32)),
        keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same"),
    ], name="decoder")
    return keras.Sequential([encoder, decoder], name="autoencoder")
