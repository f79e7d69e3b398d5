"""Scores the reconstruction against the noisy input instead of the clean digit (a plain VAE on noisy
data): the model learns to reproduce the noise's grey background.

tracks: tf
expect-fail: train.heldout_reconstruction
message: The target is the CLEAN batch
"""
import keras
import numpy as np
import tensorflow as tf


def train_vae(model, clean, sigma, steps, seed, beta=1.0, batch_size=64, lr=3e-3):
    rng = np.random.default_rng(seed)
    noise_seed = keras.random.SeedGenerator(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    optimizer.build(model.trainable_variables)

    @tf.function(autograph=False)
    def train_step(target):
        noisy = keras.ops.clip(target + sigma * keras.random.normal(keras.ops.shape(target), seed=noise_seed), 0.0, 1.0)
        with tf.GradientTape() as tape:
            recon, mu, logvar = model(noisy, training=True)
            reconstruction = keras.ops.mean(keras.ops.sum(keras.ops.binary_crossentropy(noisy, recon), axis=(1, 2, 3)))
            loss = reconstruction + beta * keras.ops.mean(kl_divergence(mu, logvar))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return [float(train_step(tf.gather(clean, rng.integers(0, clean.shape[0], batch_size)))) for _ in range(steps)]
