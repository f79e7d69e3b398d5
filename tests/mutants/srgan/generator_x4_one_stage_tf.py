"""Builds one x2 upsampling stage whatever the scale: at x4 the output is only twice the input's size.

tracks: tf
expect-fail: models.generator_shapes
message: x4 needs two x2 upsampling stages
"""
import keras
from keras import layers


def build_generator(scale, seed, width=16):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((None, None, 1))
    h = layers.LeakyReLU(0.2)(layers.Conv2D(width, 3, padding="same")(inputs))
    h = layers.LeakyReLU(0.2)(PixelShuffle(2)(layers.Conv2D(4 * width, 3, padding="same")(h)))
    detail = layers.Conv2D(1, 3, padding="same")(h)
    return keras.Model(inputs, layers.Add()([layers.UpSampling2D(2, interpolation="bicubic")(inputs), detail]))
