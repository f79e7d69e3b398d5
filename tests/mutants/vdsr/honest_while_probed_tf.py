"""Honest only while probed: clipped SGD for runs of at most 2 steps (the grader's one-step probe), Adam
without clipping for longer runs, which learns faster.

tracks: tf
kind: gaming
expect-fail: step.clipped_at_full_budget
message: some steps after the first were not clipped SGD steps
"""
import keras
import numpy as np
import tensorflow as tf

_train_reference = train_vdsr


def train_vdsr(model, lr_up, hr, steps, seed, learning_rate=0.5, clip_norm=0.02, batch_size=8):
    if steps <= 2:
        return _train_reference(model, lr_up, hr, steps, seed, learning_rate, clip_norm, batch_size)
    rng = np.random.default_rng(seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
    losses = []
    for _ in range(steps):
        idx = rng.integers(0, lr_up.shape[0], batch_size)
        losses.append(float(model.train_on_batch(tf.gather(lr_up, idx), tf.gather(hr, idx))))
    return losses
