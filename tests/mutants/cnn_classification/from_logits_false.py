"""SparseCategoricalCrossentropy() with its default from_logits=False on a model that outputs
logits: Keras takes the raw scores for probabilities.

tracks: tf
expect-fail: train.training_loss_falls
message: from_logits=True
"""
import keras
import numpy as np
import tensorflow as tf


def train_cnn(model, images, labels, steps, seed, batch_size=64):
    keras.utils.set_random_seed(seed)
    optimizer = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-2, decay_steps=steps))
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        batch = rng.permutation(images.shape[0])[:batch_size]
        losses.append(float(train_step(tf.gather(images, batch), tf.gather(labels, batch))))
    return losses
