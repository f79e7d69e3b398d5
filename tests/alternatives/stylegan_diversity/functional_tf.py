"""AdaIN through tf.nn.moments, pixel norm through tf.math.l2_normalize, and a mapping network with
the activation inside Dense: other internals, the same semantics.

tracks: tf
"""
import keras
import tensorflow as tf


def adain(x, scale, bias, eps=1e-5):
    mean, var = tf.nn.moments(x, axes=[1, 2], keepdims=True)
    return tf.nn.batch_normalization(x, mean, var, bias[:, None, None, :], scale[:, None, None, :], eps)


class PixelNorm(keras.layers.Layer):
    def call(self, z):
        # z / sqrt(mean(z^2)) == sqrt(d) * z / ||z||
        d = keras.ops.cast(keras.ops.shape(z)[-1], z.dtype)
        return tf.math.l2_normalize(z, axis=-1, epsilon=1e-14) * keras.ops.sqrt(d)


def build_mapping(seed, z_dim, w_dim, depth):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((z_dim,)), PixelNorm()]   # Keras 3's leaky_relu has slope 0.2
                            + [keras.layers.Dense(w_dim, activation="leaky_relu", kernel_initializer="he_normal")
                               for _ in range(depth)])
