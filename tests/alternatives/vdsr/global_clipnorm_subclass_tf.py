"""Another idiom: tf.clip_by_global_norm for the clipping function, a subclassed keras.Model for the
network, and the optimizer's own global_clipnorm= in a custom train loop.

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf


def clip_by_global_norm(grads, clip_norm):
    clipped, _ = tf.clip_by_global_norm(grads, clip_norm)
    return clipped


class SubclassedVDSR(keras.Model):
    def __init__(self, depth, width):
        super().__init__()
        self.hidden = [keras.layers.Conv2D(width, 3, padding="same", activation="leaky_relu",
                                           kernel_initializer="he_normal") for _ in range(depth - 1)]
        self.out = keras.layers.Conv2D(1, 3, padding="same",
                                       kernel_initializer=keras.initializers.RandomNormal(stddev=1e-3))

    def call(self, x):
        h = x
        for layer in self.hidden:
            h = layer(h)
        return x + self.out(h)


def build_vdsr(seed, depth=5, width=16):
    keras.utils.set_random_seed(seed)
    model = SubclassedVDSR(depth, width)
    model(keras.ops.zeros((1, 8, 8, 1)))   # creates the weights
    return model


def train_vdsr(model, lr_up, hr, steps, seed, learning_rate=0.5, clip_norm=0.02, batch_size=8):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9, global_clipnorm=clip_norm)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.integers(0, hr.shape[0], batch_size)
        losses.append(float(train_step(tf.gather(lr_up, idx), tf.gather(hr, idx))))
    return losses
