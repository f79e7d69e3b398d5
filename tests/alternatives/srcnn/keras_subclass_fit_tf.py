"""Other Keras idioms: tensordot colour conversion, tf.image.resize, a subclassed residual
keras.Model trained with compile + train_on_batch, tf ops for the PSNR, and super_resolve
upscaling in YCbCr (linear, so the same result).

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf


def rgb_to_ycbcr(images):
    return tf.tensordot(images, tf.constant(RGB_TO_YCBCR.T), axes=1) + YCBCR_OFFSET


def ycbcr_to_rgb(images):
    inverse = tf.constant(np.linalg.inv(RGB_TO_YCBCR.astype(np.float64)).T.astype(np.float32))
    return tf.tensordot(images - YCBCR_OFFSET, inverse, axes=1)


def bicubic_upscale(images, scale):
    size = (images.shape[1] * scale, images.shape[2] * scale)
    return tf.clip_by_value(tf.image.resize(images, size, method="bicubic"), 0.0, 1.0)


def psnr_shaved(sr, hr, border):
    h, w = sr.shape[1], sr.shape[2]
    diff = tf.cast(sr[:, border:h - border, border:w - border], tf.float64) - \
        tf.cast(hr[:, border:h - border, border:w - border], tf.float64)
    return -10.0 * float(np.log10(tf.reduce_mean(diff * diff).numpy()))


class ResidualSRCNN(keras.Model):
    def __init__(self):
        super().__init__()
        self.extract = keras.layers.Conv2D(32, 5, padding="same", activation="leaky_relu")
        self.map = keras.layers.Conv2D(16, 1, activation="leaky_relu")
        self.reconstruct = keras.layers.Conv2D(1, 5, padding="same", kernel_initializer="zeros")

    def call(self, x):
        return x + self.reconstruct(self.map(self.extract(x)))


def build_srcnn(seed):
    keras.utils.set_random_seed(seed)
    model = ResidualSRCNN()
    model(np.zeros((1, 8, 8, 1), np.float32))  # creates the weights
    return model


def train_srcnn(model, upscaled, target, steps, seed, batch_size=16, learning_rate=3e-3):
    rng = np.random.default_rng(seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    losses = []
    for _ in range(steps):
        idx = rng.integers(0, upscaled.shape[0], batch_size)
        losses.append(float(model.train_on_batch(tf.gather(upscaled, idx), tf.gather(target, idx))))
    return losses


def super_resolve(model, low_res, scale):
    ycc = bicubic_upscale(rgb_to_ycbcr(low_res), scale)
    y = model(ycc[..., :1], training=False)
    return tf.clip_by_value(ycbcr_to_rgb(tf.concat([y, ycc[..., 1:]], axis=-1)), 0.0, 1.0)
