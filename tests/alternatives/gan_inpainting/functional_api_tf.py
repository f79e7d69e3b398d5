"""Other Keras idioms: functional-API models (nearest-neighbour UpSampling2D + Conv2D in the
decoder), tf.where for compositing, tf.math.divide_no_nan for the masked L1, and separate
tf.function steps for D and then G (G's adversarial term sees the freshly updated D).

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf


def masked_l1(pred, target, mask):
    return tf.math.divide_no_nan(tf.reduce_sum(tf.abs(pred - target) * mask), tf.reduce_sum(mask))


def composite(pred, masked_input, mask):
    return tf.where(mask > 0.5, pred, masked_input)


def build_generator(seed):
    keras.utils.set_random_seed(seed)
    L = keras.layers
    inputs = keras.Input(shape=(None, None, 2))
    h = L.Conv2D(16, 3, padding="same")(inputs)
    h = L.LeakyReLU(0.2)(h)
    for _ in range(2):
        h = L.LeakyReLU(0.2)(L.Conv2D(16, 4, strides=2, padding="same")(h))
    for _ in range(2):
        h = L.LeakyReLU(0.2)(L.Conv2D(16, 3, dilation_rate=2, padding="same")(h))
    h = L.LeakyReLU(0.2)(L.Conv2D(16, 3, padding="same")(L.UpSampling2D(2)(h)))
    outputs = L.Conv2D(1, 3, padding="same", activation="sigmoid")(L.UpSampling2D(2)(h))
    return keras.Model(inputs, outputs)


def build_discriminator(seed):
    keras.utils.set_random_seed(seed)
    L = keras.layers
    inputs = keras.Input(shape=(None, None, 1))
    h = L.LeakyReLU(0.2)(L.Conv2D(16, 4, strides=2, padding="same")(inputs))
    h = L.LeakyReLU(0.2)(L.Conv2D(32, 4, strides=2, padding="same")(h))
    return keras.Model(inputs, L.GlobalAveragePooling2D()(L.Conv2D(1, 3, padding="same")(h)))


def train_inpainter(generator, discriminator, images, masks, steps, seed, adv_weight=0.01, batch_size=16, lr=4e-3):
    rng = np.random.default_rng(seed)
    opt_g = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)

    def bce(logits, label):
        return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.fill(tf.shape(logits), label), logits=logits))

    @tf.function
    def d_step(x, m):
        masked = x * (1.0 - m)
        fake = composite(generator(tf.concat([masked, m], -1), training=False), masked, m)
        with tf.GradientTape() as tape:
            loss = bce(discriminator(x, training=True), 1.0) + bce(discriminator(fake, training=True), 0.0)
        opt_d.apply_gradients(zip(tape.gradient(loss, discriminator.trainable_variables), discriminator.trainable_variables))
        return loss

    @tf.function
    def g_step(x, m):
        masked = x * (1.0 - m)
        with tf.GradientTape() as tape:
            pred = generator(tf.concat([masked, m], -1), training=True)
            rec = masked_l1(pred, x, m)
            loss = rec + adv_weight * bce(discriminator(composite(pred, masked, m), training=False), 1.0)
        opt_g.apply_gradients(zip(tape.gradient(loss, generator.trainable_variables), generator.trainable_variables))
        return rec

    rec_losses, d_losses = [], []
    for _ in range(steps):
        idx = rng.integers(0, images.shape[0], batch_size)
        x, m = tf.gather(images, idx), tf.gather(masks, idx)
        d_losses.append(float(d_step(x, m)))
        rec_losses.append(float(g_step(x, m)))
    return rec_losses, d_losses
