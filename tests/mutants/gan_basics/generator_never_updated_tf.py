"""Only the discriminator is trained: the generator's gradients are computed but never applied.

tracks: tf
expect-fail: train.both_networks_updated
message: generator's weights did not change
"""


def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    keras.utils.set_random_seed(seed)
    real = tf.cast(real_images, tf.float32) * 2.0 - 1.0
    opt_d = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)

    @tf.function(autograph=False)
    def step(batch, z):
        fake = generator(z, training=True)
        with tf.GradientTape() as tape:
            d_loss = discriminator_loss(discriminator(batch, training=True), discriminator(fake, training=True))
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))
        g_loss = generator_loss(discriminator(generator(z, training=True), training=True))
        return d_loss, g_loss

    d_losses, g_losses = [], []
    for _ in range(steps):
        idx = tf.random.uniform((batch_size,), 0, real.shape[0], dtype=tf.int32)
        d_loss, g_loss = step(tf.gather(real, idx), tf.random.normal((batch_size, latent_dim)))
        d_losses.append(float(d_loss))
        g_losses.append(float(g_loss))
    return d_losses, g_losses
