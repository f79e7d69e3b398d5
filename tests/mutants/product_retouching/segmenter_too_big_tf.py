"""A segmenter far over the parameter budget (64-channel layers).

tracks: tf
expect-fail: segment.segmenter_small_and_seeded
message: parameters
"""
import keras


def build_segmenter(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None, None, 3)),
        BorderContext(),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(64, 3, padding="same", dilation_rate=2, activation="relu"),
        keras.layers.Conv2D(1, 3, padding="same"),
    ])
