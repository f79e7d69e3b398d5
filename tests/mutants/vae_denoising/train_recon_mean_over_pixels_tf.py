"""Averages the reconstruction over the pixels (keras.losses.binary_crossentropy's mean over the last
axis, then the mean of the batch) while the KL is summed over the latent dims: the KL weighs 256x
too much and the posterior collapses onto the prior (the model ignores its input).

tracks: tf
expect-fail: train.posterior_informative
message: averaged over the pixels
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
            reconstruction = keras.ops.mean(keras.losses.binary_crossentropy(target, recon))
            loss = reconstruction + beta * keras.ops.mean(kl_divergence(mu, logvar))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return [float(train_step(tf.gather(clean, rng.integers(0, clean.shape[0], batch_size)))) for _ in range(steps)]
