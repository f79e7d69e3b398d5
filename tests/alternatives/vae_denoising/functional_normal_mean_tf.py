"""Functional-API encoder and decoder models inside a keras.Model subclass; the sample drawn with
keras.random.normal(shape, mean=mu, stddev=std), which on the TensorFlow backend is mu + std * eps
(differentiable in mu and std); the loss with keras.losses.BinaryCrossentropy(reduction="sum")
divided by the batch size.

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf


def reparameterize(mu, logvar, seed=None):
    return keras.random.normal(keras.ops.shape(mu), mean=mu, stddev=keras.ops.exp(0.5 * logvar), seed=seed)


class FunctionalVAE(keras.Model):
    def __init__(self, latent_dim, seed, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        x = keras.Input((16, 16, 1))
        h = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu")(x)
        h = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="leaky_relu")(h)
        h = keras.layers.Flatten()(h)
        self.encoder = keras.Model(x, [keras.layers.Dense(latent_dim)(h), keras.layers.Dense(latent_dim)(h)])
        z = keras.Input((latent_dim,))
        g = keras.layers.Dense(4 * 4 * 32, activation="leaky_relu")(z)
        g = keras.layers.Reshape((4, 4, 32))(g)
        g = keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="leaky_relu")(g)
        g = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid")(g)
        self.decoder = keras.Model(z, g)

    def encode(self, x, training=False):
        mu, logvar = self.encoder(x, training=training)
        return mu, logvar

    def decode(self, z, training=False):
        return self.decoder(z, training=training)

    def call(self, x, training=False):
        mu, logvar = self.encode(x, training=training)
        return self.decode(reparameterize(mu, logvar, self.seed_generator), training=training), mu, logvar


def build_vae(seed, latent_dim=8):
    keras.utils.set_random_seed(seed)
    model = FunctionalVAE(latent_dim, seed)
    model(keras.ops.zeros((1, 16, 16, 1)))
    return model


def train_vae(model, clean, sigma, steps, seed, beta=1.0, batch_size=64, lr=3e-3):
    rng = np.random.default_rng(seed)
    noise_seed = keras.random.SeedGenerator(seed + 1)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    optimizer.build(model.trainable_variables)
    bce = keras.losses.BinaryCrossentropy(reduction="sum")

    @tf.function(autograph=False)
    def train_step(target):
        noisy = keras.ops.clip(target + keras.random.normal(keras.ops.shape(target), stddev=sigma, seed=noise_seed), 0, 1)
        with tf.GradientTape() as tape:
            recon, mu, logvar = model(noisy, training=True)
            n = keras.ops.cast(keras.ops.shape(target)[0], "float32")
            # BinaryCrossentropy averages over the last axis (the single channel), then sums: the sum over pixels.
            loss = bce(target, recon) / n + beta * keras.ops.mean(kl_divergence(mu, logvar))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return [float(train_step(tf.gather(clean, rng.integers(0, clean.shape[0], batch_size)))) for _ in range(steps)]
