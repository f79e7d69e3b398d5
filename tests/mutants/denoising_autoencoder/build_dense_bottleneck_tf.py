"""The seed answer's design: a Flatten + Dense bottleneck for 32x32 inputs only. It is far too big
(over 100k weights) and works on no other image size.

tracks: tf
expect-fail: build.small_and_seeded
message: parameters
"""
import keras


def build_denoiser(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(32, 32, 1)),
        keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="leaky_relu"),
        keras.layers.Dense(16 * 16 * 16, activation="leaky_relu"),
        keras.layers.Reshape((16, 16, 16)),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),
    ])
