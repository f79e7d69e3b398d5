"""Residual learning (as in DnCNN) with the functional API: the encoder-decoder predicts the noise,
the model subtracts it from its input and clips to [0, 1].

tracks: tf
"""
import keras


def build_denoiser(seed):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(None, None, 1))
    h = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu")(inputs)
    h = keras.layers.Conv2D(32, 3, padding="same", activation="leaky_relu")(h)
    noise = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same")(h)
    denoised = keras.layers.Subtract()([inputs, noise])
    outputs = keras.layers.Activation(lambda t: keras.ops.clip(t, 0.0, 1.0))(denoised)
    return keras.Model(inputs, outputs)
