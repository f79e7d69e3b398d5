"""The model returns the raw head output: no sigmoid on objectness and box channels, no softmax
on the classes, so its output is not in the documented prediction layout.

tracks: tf
expect-fail: detector.detector_output_format
message: sigmoid
"""
import keras
from keras import layers


def build_detector(grid, num_classes, seed, width=16):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1))
    x = inputs
    for filters in (width // 2, width, 2 * width):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
    return keras.Model(inputs, layers.Conv2D(5 + num_classes, 1)(x))
