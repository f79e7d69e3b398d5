"""Conv2DTranspose(kernel 3, stride 2) with the default padding="valid": 16x16 becomes 33x33, not 32x32.

tracks: tf
expect-fail: build.output_shape
message: does not restore the input size
"""
import keras


def build_denoiser(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None, None, 1)),
        keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2D(32, 3, padding="same", activation="leaky_relu"),
        keras.layers.Conv2DTranspose(1, 3, strides=2, activation="sigmoid"),
    ])
