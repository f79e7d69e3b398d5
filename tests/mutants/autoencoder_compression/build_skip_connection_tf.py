"""A U-Net-style skip connection in a functional model: a convolution of the input is added to the
decoder's logits before the sigmoid, so the image reaches the output around the bottleneck;
decode(code) alone cannot use it.

tracks: tf
expect-fail: build.only_the_code_reaches_the_decoder
message: bypasses the bottleneck
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
    decoder = keras.Sequential([  # logits: the sigmoid comes after the skip
        keras.Input(shape=(code_size,)),
        keras.layers.Dense(4 * 4 * 32, activation="leaky_relu"),
        keras.layers.Reshape((4, 4, 32)),
        keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same"),
    ], name="decoder")
    inputs = keras.Input(shape=IMAGE_SHAPE)
    skip = keras.layers.Conv2D(1, 3, padding="same")(inputs)  # the input, straight to the output
    outputs = keras.layers.Activation("sigmoid")(keras.layers.Add()([decoder(encoder(inputs)), skip]))
    return keras.Model(inputs, outputs, name="autoencoder")


def decode(model, code):
    return keras.ops.sigmoid(model.get_layer("decoder")(code, training=False))
