"""The idiomatic Keras way to fit a GAN (what the seed's `gan.fit(noise)` should have been): a
keras.Model subclass with its own train_step, two optimizers, and fit() on a dataset of real
images. Losses written with tf.nn.sigmoid_cross_entropy_with_logits.

tracks: tf
"""


def discriminator_loss(real_logits, fake_logits):
    real = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(real_logits), logits=real_logits)
    fake = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits)
    return tf.reduce_mean(real) + tf.reduce_mean(fake)


def generator_loss(fake_logits):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(fake_logits), logits=fake_logits))


class GAN(keras.Model):
    def __init__(self, generator, discriminator, latent_dim):
        super().__init__()
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    def train_step(self, real):
        n = tf.shape(real)[0]
        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        fake = self.generator(z, training=True)
        with tf.GradientTape() as tape:
            d_loss = discriminator_loss(self.discriminator(real, training=True), self.discriminator(fake, training=True))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            g_loss = generator_loss(self.discriminator(self.generator(z, training=True), training=True))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        return {"d_loss": d_loss, "g_loss": g_loss}


class _PerStep(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.d, self.g = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.d.append(float(logs["d_loss"]))
        self.g.append(float(logs["g_loss"]))


def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    keras.utils.set_random_seed(seed)
    gan = GAN(generator, discriminator, latent_dim)
    gan.seed_generator = keras.random.SeedGenerator(seed)
    gan.compile(keras.optimizers.Adam(lr, beta_1=0.5), keras.optimizers.Adam(lr, beta_1=0.5))
    data = (tf.data.Dataset.from_tensor_slices(tf.cast(real_images, tf.float32) * 2.0 - 1.0)
            .shuffle(2048, seed=seed).repeat().batch(batch_size, drop_remainder=True))
    log = _PerStep()
    gan.fit(data, steps_per_epoch=steps, epochs=1, shuffle=False, verbose=0, callbacks=[log])
    return log.d, log.g
