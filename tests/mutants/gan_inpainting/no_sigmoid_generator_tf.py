"""Leaves the generator's last layer linear: its output is not confined to [0, 1] like an image.

tracks: tf
expect-fail: models.generator_shape_and_range
message: sigmoid
"""
import keras


def build_generator(seed):
    keras.utils.set_random_seed(seed)
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=(None, None, 2)),
        layers.Conv2D(16, 3, padding="same", activation="leaky_relu"),
        layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu"),
        layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu"),
        layers.Conv2D(16, 3, dilation_rate=2, padding="same", activation="leaky_relu"),
        layers.Conv2D(16, 3, dilation_rate=2, padding="same", activation="leaky_relu"),
        layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="leaky_relu"),
        layers.Conv2DTranspose(1, 4, strides=2, padding="same"),
    ])
