"""Another Keras idiom: a Sequential-free generator whose decoder is UpSampling2D + Conv2D with an
additive skip, losses written with keras.losses.BinaryCrossentropy(from_logits=True) and keras.ops,
separate tf.function steps for D and G, data batched with tf.data.

tracks: tf
"""


def build_generator(seed):
    keras.utils.set_random_seed(seed)
    layers = keras.layers
    x = keras.Input(shape=(None, None, 1))
    skip = layers.Conv2D(12, 3, padding="same", activation="leaky_relu")(x)
    down = layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu")(skip)
    up = layers.Conv2D(12, 3, padding="same", activation="leaky_relu")(layers.UpSampling2D(2, interpolation="bilinear")(down))
    out = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(layers.Add()([skip, up]))
    return keras.Model(x, out)


_bce = keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_logits, fake_logits):
    return _bce(keras.ops.ones_like(real_logits), real_logits) + _bce(keras.ops.zeros_like(fake_logits), fake_logits)


def generator_loss(fake_logits, fake, target, l1_weight):
    return _bce(keras.ops.ones_like(fake_logits), fake_logits) + l1_weight * keras.ops.mean(keras.ops.abs(fake - target))


def train_enhancer(generator, discriminator, low, high, steps, seed, l1_weight=100.0, batch_size=16, lr=2e-3):
    opt_g = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_g.build(generator.trainable_variables)
    opt_d.build(discriminator.trainable_variables)

    @tf.function
    def d_step(x, y):
        fake = generator(x, training=False)
        with tf.GradientTape() as tape:
            loss = discriminator_loss(discriminator(keras.ops.concatenate([x, y], axis=-1), training=True),
                                      discriminator(keras.ops.concatenate([x, fake], axis=-1), training=True))
        opt_d.apply_gradients(zip(tape.gradient(loss, discriminator.trainable_variables), discriminator.trainable_variables))
        return loss

    @tf.function
    def g_step(x, y):
        with tf.GradientTape() as tape:
            fake = generator(x, training=True)
            loss = generator_loss(discriminator(keras.ops.concatenate([x, fake], axis=-1), training=True),
                                  fake, y, l1_weight)
        opt_g.apply_gradients(zip(tape.gradient(loss, generator.trainable_variables), generator.trainable_variables))
        return loss

    data = (tf.data.Dataset.from_tensor_slices((low, high)).shuffle(1024, seed=seed).repeat()
            .batch(batch_size, drop_remainder=True).take(steps))
    d_losses, g_losses = [], []
    for x, y in data:
        d_losses.append(float(d_step(x, y)))
        g_losses.append(float(g_step(x, y)))
    return d_losses, g_losses
