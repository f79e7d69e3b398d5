"""The functional API, no BatchNorm, Dropout before the classifier: another architecture, just as
correct.

tracks: tf
"""
import keras
from keras import layers


def build_cnn(num_classes=10, seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(16, 16, 1))
    x = layers.Conv2D(12, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(24, 3, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Dropout(0.25)(layers.Flatten()(x))
    return keras.Model(inputs, layers.Dense(num_classes)(x))
