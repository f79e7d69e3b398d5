"""The seed's Keras recipe: `discriminator.trainable = False` before building the combined model,
and the discriminator is never trained on its own, so the generator chases a fixed random critic.

tracks: tf
expect-fail: train.both_networks_updated
message: discriminator's weights did not change
"""


def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    keras.utils.set_random_seed(seed)
    discriminator.trainable = False
    z_in = keras.Input((latent_dim,))
    combined = keras.Model(z_in, discriminator(generator(z_in)))
    combined.compile(optimizer=keras.optimizers.Adam(lr, beta_1=0.5),
                     loss=keras.losses.BinaryCrossentropy(from_logits=True))
    d_losses, g_losses = [], []
    for _ in range(steps):
        z = tf.random.normal((batch_size, latent_dim))
        g_losses.append(float(combined.train_on_batch(z, tf.ones((batch_size, 1)))))
        d_losses.append(0.0)
    discriminator.trainable = True
    return d_losses, g_losses
