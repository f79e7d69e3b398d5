"""Only pulls matching pairs together (loss 1 - cosine of each pair), with no negatives: the two
encoders agree on one constant embedding for everything and the space collapses.

tracks: tf
expect-fail: train.heldout_loss_falls
message: collapsed
"""
import keras
import numpy as np
import tensorflow as tf


def train_clip(image_encoder, text_encoder, images, tokens, steps, seed, temperature=0.1, batch_size=32, lr=3e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    variables = image_encoder.trainable_variables + text_encoder.trainable_variables

    @tf.function(autograph=False)
    def train_step(batch_images, batch_tokens):
        with tf.GradientTape() as tape:
            u = keras.ops.normalize(image_encoder(batch_images, training=True), axis=-1)
            v = keras.ops.normalize(text_encoder(batch_tokens, training=True), axis=-1)
            loss = keras.ops.mean(1.0 - keras.ops.sum(u * v, axis=-1))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.choice(images.shape[0], batch_size, replace=False)
        losses.append(float(train_step(tf.gather(images, idx), tf.gather(tokens, idx))))
    return losses
