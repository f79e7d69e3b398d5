"""The discriminator's gradients are computed but never applied (only the generator's optimizer
steps): D stays at its random initialisation and the "GAN" is plain L1 regression.

tracks: tf
expect-fail: train.returns_loss_history
message: discriminator's weights did not change
"""


def train_enhancer(generator, discriminator, low, high, steps, seed, l1_weight=100.0, batch_size=16, lr=2e-3):
    rng = np.random.default_rng(seed)
    opt_g = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_g.build(generator.trainable_variables)

    @tf.function(autograph=False)
    def train_step(x, y):
        d_loss = discriminator_loss(discriminator(tf.concat([x, y], -1)),
                                    discriminator(tf.concat([x, generator(x)], -1)))
        with tf.GradientTape() as tape:
            fake = generator(x, training=True)
            g_loss = generator_loss(discriminator(tf.concat([x, fake], -1), training=True), fake, y, l1_weight)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        opt_g.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    d_losses, g_losses = [], []
    for _ in range(steps):
        idx = rng.integers(0, low.shape[0], batch_size)
        d_loss, g_loss = train_step(tf.gather(low, idx), tf.gather(high, idx))
        d_losses.append(float(d_loss))
        g_losses.append(float(g_loss))
    return d_losses, g_losses
