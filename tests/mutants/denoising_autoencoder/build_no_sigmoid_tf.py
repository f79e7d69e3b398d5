"""Leaves the decoder's last layer linear (no sigmoid): outputs are not confined to [0, 1].

tracks: tf
expect-fail: build.output_range
message: end the decoder with a sigmoid
"""
import keras


def build_denoiser(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None, None, 1)),
        keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2D(32, 3, padding="same", activation="leaky_relu"),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same"),
    ])
