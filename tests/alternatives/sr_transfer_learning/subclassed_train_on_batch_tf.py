"""Another model style and training idiom: a subclassed keras.Model holding its convolutions in a
list, built by one call before loading; fine-tuning with compile() (after freezing, so the frozen
layers stay frozen) and train_on_batch instead of a GradientTape loop.

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf


class SubclassedSR(keras.Model):
    def __init__(self):
        super().__init__()
        self.convs = [keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
                      keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
                      keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
                      keras.layers.Conv2D(1, 3, padding="same")]

    def call(self, x):
        h = x
        for conv in self.convs:
            h = conv(h)
        return x + h


def load_pretrained(path):
    model = SubclassedSR()
    model(np.zeros((1, 8, 8, 1), np.float32))  # creates the weights
    with np.load(path) as stored:
        for i, conv in enumerate(model.convs, start=1):
            conv.set_weights([stored[f"conv{i}_kernel"], stored[f"conv{i}_bias"]])
    return model


def freeze_for_finetuning(model, n_frozen):
    for conv in model.convs[:n_frozen]:
        conv.trainable = False
    return list(model.trainable_weights)


def finetune(model, lr_up, hr, steps, seed, batch_size=16, lr=1e-3):
    rng = np.random.default_rng(seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
    losses = []
    for _ in range(steps):
        idx = rng.integers(0, lr_up.shape[0], batch_size)
        losses.append(float(model.train_on_batch(tf.gather(lr_up, idx), tf.gather(hr, idx))))
    return losses
