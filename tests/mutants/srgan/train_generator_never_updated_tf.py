"""Computes the generator's gradients but never applies them,
so the generator stays at its initial weights.

tracks: tf
expect-fail: train.returns_losses
message: generator's weights did not change
"""
import keras
import numpy as np
import tensorflow as tf


def train_srgan(generator, discriminator, low_res, high_res, steps, seed, adv_weight=1e-3,
                batch_size=16, learning_rate=1e-3):
    rng = np.random.default_rng(seed)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    opt_g = keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.5)
    weight = tf.constant(adv_weight, tf.float32)

    @tf.function(autograph=False)
    def step(lr_batch, hr_batch):
        sr = generator(lr_batch, training=True)
        with tf.GradientTape() as tape:
            real_logits = discriminator(hr_batch, training=True)
            fake_logits = discriminator(sr, training=True)
            d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            sr = generator(lr_batch, training=True)
            g_loss = generator_loss(discriminator(sr, training=True), sr, hr_batch, weight)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        return g_loss, d_loss

    g_losses, d_losses = [], []
    for _ in range(steps):
        idx = rng.integers(0, low_res.shape[0], batch_size)
        g_loss, d_loss = step(tf.gather(low_res, idx), tf.gather(high_res, idx))
        g_losses.append(float(g_loss))
        d_losses.append(float(d_loss))
    return g_losses, d_losses
