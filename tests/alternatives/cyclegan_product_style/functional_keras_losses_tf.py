"""Functional-API networks (a pointwise generator with LeakyReLU, a PatchGAN), losses written with
keras.losses.MeanSquaredError / MeanAbsoluteError, and a single tape (persistent) for both updates.

tracks: tf
"""


def build_generator(seed=0):
    keras.utils.set_random_seed(seed)
    x_in = keras.Input((None, None, 3))
    x = layers.LeakyReLU(0.1)(layers.Conv2D(24, 1)(x_in))
    x = layers.LeakyReLU(0.1)(layers.Conv2D(24, 1)(x))
    return keras.Model(x_in, layers.Activation("tanh")(layers.Conv2D(3, 1)(x)))


def build_discriminator(seed=0):
    keras.utils.set_random_seed(seed)
    x_in = keras.Input((None, None, 3))
    x = layers.LeakyReLU(0.2)(layers.Conv2D(16, 4, strides=2, padding="same")(x_in))
    x = layers.LeakyReLU(0.2)(layers.Conv2D(32, 4, strides=2, padding="same")(x))
    return keras.Model(x_in, layers.Conv2D(1, 3, padding="same")(x))


_mse, _mae = keras.losses.MeanSquaredError(), keras.losses.MeanAbsoluteError()


def discriminator_loss(real_scores, fake_scores):
    return 0.5 * (_mse(tf.ones_like(real_scores), real_scores) + _mse(tf.zeros_like(fake_scores), fake_scores))


def generator_adversarial_loss(fake_scores):
    return _mse(tf.ones_like(fake_scores), fake_scores)


def cycle_consistency_loss(real_a, reconstructed_a, real_b, reconstructed_b, weight=10.0):
    return weight * (_mae(real_a, reconstructed_a) + _mae(real_b, reconstructed_b))


def identity_loss(real_a, same_a, real_b, same_b, weight=5.0):
    return weight * (_mae(real_a, same_a) + _mae(real_b, same_b))


def train_cyclegan(g_ab, g_ba, d_a, d_b, images_a, images_b, steps, seed, batch_size=16, lr=2e-3):
    keras.utils.set_random_seed(seed)
    images_a, images_b = tf.cast(images_a, tf.float32), tf.cast(images_b, tf.float32)
    g_vars = g_ab.trainable_variables + g_ba.trainable_variables
    d_vars = d_a.trainable_variables + d_b.trainable_variables
    opt_g = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)

    @tf.function
    def step(real_a, real_b):
        with tf.GradientTape(persistent=True) as tape:
            g_loss = generator_objective(g_ab, g_ba, d_a, d_b, real_a, real_b)
            fake_b = tf.stop_gradient(g_ab(real_a, training=True))
            fake_a = tf.stop_gradient(g_ba(real_b, training=True))
            d_loss = (discriminator_loss(d_a(real_a, training=True), d_a(fake_a, training=True))
                      + discriminator_loss(d_b(real_b, training=True), d_b(fake_b, training=True)))
        g_grads = tape.gradient(g_loss, g_vars)
        d_grads = tape.gradient(d_loss, d_vars)
        del tape
        opt_g.apply_gradients(zip(g_grads, g_vars))
        opt_d.apply_gradients(zip(d_grads, d_vars))
        return g_loss, d_loss

    g_losses, d_losses = [], []
    for _ in range(steps):
        idx_a = tf.random.uniform((batch_size,), 0, images_a.shape[0], dtype=tf.int32)
        idx_b = tf.random.uniform((batch_size,), 0, images_b.shape[0], dtype=tf.int32)
        g_loss, d_loss = step(tf.gather(images_a, idx_a), tf.gather(images_b, idx_b))
        g_losses.append(float(g_loss))
        d_losses.append(float(d_loss))
    return g_losses, d_losses
