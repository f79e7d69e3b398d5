"""The paper's unpadded ("valid") convolutions, no residual: the output is 8 pixels smaller.

tracks: tf
expect-fail: build.same_size_output
message: pad every convolution
"""
import keras


def build_srcnn(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None, None, 1)),
        keras.layers.Conv2D(32, 5, activation="relu"),
        keras.layers.Conv2D(16, 1, activation="relu"),
        keras.layers.Conv2D(1, 5),
    ])
