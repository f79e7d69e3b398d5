"""Uses tf.nn.depth_to_space for the pixel shuffle, and a generator written as a keras.Model subclass.

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf
from keras import layers


def pixel_shuffle(x, scale):
    return tf.nn.depth_to_space(x, scale)


class SubPixelGenerator(keras.Model):
    def __init__(self, scale, width):
        super().__init__()
        self.head = layers.Conv2D(width, 3, padding="same")
        self.body = [layers.Conv2D(width, 3, padding="same"), layers.Conv2D(width, 3, padding="same")]
        self.stages = [layers.Conv2D(4 * width, 3, padding="same") for _ in range(int(np.log2(scale)))]
        self.tail = layers.Conv2D(1, 3, padding="same", kernel_initializer="zeros")
        self.bicubic = layers.UpSampling2D(scale, interpolation="bicubic")

    def call(self, x):
        act = lambda t: keras.ops.leaky_relu(t, 0.2)
        f = act(self.head(x))
        h = f + self.body[1](act(self.body[0](f)))
        for conv in self.stages:
            h = act(tf.nn.depth_to_space(conv(h), 2))
        return self.bicubic(x) + self.tail(h)


def build_generator(scale, seed, width=16):
    keras.utils.set_random_seed(seed)
    model = SubPixelGenerator(scale, width)
    model(np.zeros((1, 4, 4, 1), np.float32))
    return model
