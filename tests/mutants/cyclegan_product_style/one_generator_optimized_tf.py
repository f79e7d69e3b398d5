"""The generators' optimizer gets only g_ab's weights: G_ba never learns, and the cycle and
identity terms only train one direction.

tracks: tf
expect-fail: train.all_networks_updated
message: g_ba's weights did not change
"""


def train_cyclegan(g_ab, g_ba, d_a, d_b, images_a, images_b, steps, seed, batch_size=16, lr=2e-3):
    keras.utils.set_random_seed(seed)
    images_a, images_b = tf.cast(images_a, tf.float32), tf.cast(images_b, tf.float32)
    g_vars = g_ab.trainable_variables
    d_vars = d_a.trainable_variables + d_b.trainable_variables
    opt_g = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)

    @tf.function(autograph=False)
    def step(real_a, real_b):
        with tf.GradientTape() as tape:
            g_loss = generator_objective(g_ab, g_ba, d_a, d_b, real_a, real_b)
        opt_g.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        fake_b, fake_a = g_ab(real_a, training=True), g_ba(real_b, training=True)
        with tf.GradientTape() as tape:
            d_loss = (discriminator_loss(d_a(real_a, training=True), d_a(fake_a, training=True))
                      + discriminator_loss(d_b(real_b, training=True), d_b(fake_b, training=True)))
        opt_d.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        return g_loss, d_loss

    g_losses, d_losses = [], []
    for _ in range(steps):
        idx_a = tf.random.uniform((batch_size,), 0, images_a.shape[0], dtype=tf.int32)
        idx_b = tf.random.uniform((batch_size,), 0, images_b.shape[0], dtype=tf.int32)
        g_loss, d_loss = step(tf.gather(images_a, idx_a), tf.gather(images_b, idx_b))
        g_losses.append(float(g_loss))
        d_losses.append(float(d_loss))
    return g_losses, d_losses
