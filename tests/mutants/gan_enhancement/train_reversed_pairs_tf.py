"""Input and target swapped: the generator is trained to map the well-exposed image to the dark one
(it learns to darken), then is applied to dark inputs.

tracks: tf
expect-fail: train.ssim_beats_baselines
message: the output stays dark
"""


def train_enhancer(generator, discriminator, low, high, steps, seed, l1_weight=100.0, batch_size=16, lr=2e-3):
    rng = np.random.default_rng(seed)
    opt_g = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_g.build(generator.trainable_variables)
    opt_d.build(discriminator.trainable_variables)

    @tf.function(autograph=False)
    def train_step(x, y):
        with tf.GradientTape() as tape:
            fake = generator(x, training=True)
            d_loss = discriminator_loss(discriminator(tf.concat([x, y], -1), training=True),
                                        discriminator(tf.concat([x, fake], -1), training=True))
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            fake = generator(x, training=True)
            g_loss = generator_loss(discriminator(tf.concat([x, fake], -1), training=True), fake, y, l1_weight)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        opt_g.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    d_losses, g_losses = [], []
    for _ in range(steps):
        idx = rng.integers(0, low.shape[0], batch_size)
        d_loss, g_loss = train_step(tf.gather(high, idx), tf.gather(low, idx))
        d_losses.append(float(d_loss))
        g_losses.append(float(g_loss))
    return d_losses, g_losses
