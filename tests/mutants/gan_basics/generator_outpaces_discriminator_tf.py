"""Unbalanced updates: the discriminator steps only every 5th iteration while the generator steps
every iteration with a 5x learning rate. The generator exploits a stale critic and collapses onto
a few digits.

tracks: tf
expect-fail: train.samples_differ
message: mode collapse
"""


def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    keras.utils.set_random_seed(seed)
    real = tf.cast(real_images, tf.float32) * 2.0 - 1.0
    opt_g = keras.optimizers.Adam(learning_rate=5 * lr, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)

    @tf.function(autograph=False)
    def d_step(batch, z):
        with tf.GradientTape() as tape:
            d_loss = discriminator_loss(discriminator(batch, training=True),
                                        discriminator(generator(z, training=True), training=True))
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))
        return d_loss

    @tf.function(autograph=False)
    def g_step(z):
        with tf.GradientTape() as tape:
            g_loss = generator_loss(discriminator(generator(z, training=True), training=True))
        grads = tape.gradient(g_loss, generator.trainable_variables)
        opt_g.apply_gradients(zip(grads, generator.trainable_variables))
        return g_loss

    d_losses, g_losses = [], []
    d_loss = 0.0
    for i in range(steps):
        z = tf.random.normal((batch_size, latent_dim))
        if i % 5 == 0:
            idx = tf.random.uniform((batch_size,), 0, real.shape[0], dtype=tf.int32)
            d_loss = float(d_step(tf.gather(real, idx), z))
        g_losses.append(float(g_step(z)))
        d_losses.append(d_loss)
    return d_losses, g_losses
