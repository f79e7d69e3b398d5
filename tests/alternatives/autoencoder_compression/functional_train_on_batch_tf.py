"""Encoder and decoder as functional keras.Models joined with the functional API, trained with
compile + train_on_batch; the thumbnail with tf.image.resize (area, then bicubic).

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf


def build_autoencoder(seed, ratio):
    keras.utils.set_random_seed(seed)
    code_size = 256 // ratio
    x_in = keras.Input(shape=(16, 16, 1))
    h = keras.layers.Conv2D(16, 3, strides=2, padding="same")(x_in)
    h = keras.layers.LeakyReLU(0.2)(h)
    h = keras.layers.Conv2D(32, 3, strides=2, padding="same")(h)
    h = keras.layers.LeakyReLU(0.2)(h)
    encoder = keras.Model(x_in, keras.layers.Dense(code_size)(keras.layers.Flatten()(h)), name="encoder")
    z_in = keras.Input(shape=(code_size,))
    h = keras.layers.Reshape((4, 4, 32))(keras.layers.Dense(512, activation="leaky_relu")(z_in))
    h = keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="leaky_relu")(h)
    out = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid")(h)
    decoder = keras.Model(z_in, out, name="decoder")
    images = keras.Input(shape=(16, 16, 1))
    return keras.Model(images, decoder(encoder(images)), name="autoencoder")


def train_autoencoder(model, images, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
    x = np.asarray(images)
    losses = []
    for _ in range(steps):
        batch = x[rng.integers(0, len(x), batch_size)]
        losses.append(float(model.train_on_batch(batch, batch)))
    return losses


def thumbnail(images, ratio):
    f = int(round(np.sqrt(ratio)))
    h, w = images.shape[1], images.shape[2]
    small = tf.image.resize(images, (h // f, w // f), method="area")
    return tf.clip_by_value(tf.image.resize(small, (h, w), method="bicubic"), 0.0, 1.0)
