"""Returns the output channels-first (N, 1, H, W), as PyTorch would, although Keras works in NHWC.

tracks: tf
expect-fail: build.output_shape
message: channels first
"""
import keras


def build_denoiser(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None, None, 1)),
        keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2D(32, 3, padding="same", activation="leaky_relu"),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),
        keras.layers.Permute((3, 1, 2)),
    ])
