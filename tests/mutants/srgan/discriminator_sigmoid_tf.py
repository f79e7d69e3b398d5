"""Ends the discriminator with Dense(1, activation="sigmoid"): probabilities, but the losses expect logits.

tracks: tf
expect-fail: models.discriminator_logits
message: drop the final sigmoid
"""
import keras
from keras import layers


def build_discriminator(seed):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((None, None, 1))
    detail = layers.Subtract()([inputs, layers.AveragePooling2D(3, strides=1, padding="same")(inputs)])
    h = layers.LeakyReLU(0.2)(layers.Conv2D(16, 3, strides=2, padding="same")(detail))
    h = layers.LeakyReLU(0.2)(layers.Conv2D(32, 3, strides=2, padding="same")(h))
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling2D()(h)))
