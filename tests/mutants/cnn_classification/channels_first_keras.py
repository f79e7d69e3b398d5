"""A Keras model declared for channels-first images (N, 1, 16, 16), as in PyTorch: with Keras'
default channels_last it reads 16 channels of 1x16 pixels.

tracks: tf
expect-fail: build.output_shape
message: Keras images are NHWC
"""
import keras
from keras import layers


def build_cnn(num_classes=10, seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(1, 16, 16)),
        layers.Conv2D(8, 3, padding="same", use_bias=False),
        layers.BatchNormalization(momentum=0.9),
        layers.ReLU(),
        layers.MaxPooling2D((1, 2)),
        layers.Conv2D(16, 3, padding="same", use_bias=False),
        layers.BatchNormalization(momentum=0.9),
        layers.ReLU(),
        layers.MaxPooling2D((1, 2)),
        layers.Flatten(),
        layers.Dense(num_classes),
    ])
