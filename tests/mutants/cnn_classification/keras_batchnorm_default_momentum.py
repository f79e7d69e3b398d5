"""Keras BatchNormalization with its default momentum=0.99: the running statistics average about
100 batches, so after a short training run they still remember the first, random ones and the
model does much worse in inference mode than in training.

tracks: tf
expect-fail: train.training_loss_falls
message: BatchNorm's running statistics
"""
import keras
from keras import layers


def build_cnn(num_classes=10, seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(16, 16, 1)),
        layers.Conv2D(8, 3, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Conv2D(16, 3, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(num_classes),
    ])
