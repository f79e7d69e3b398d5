"""Discriminator ends with Dense(1, activation="sigmoid") (as in the seed's Keras example) while
the loss uses from_logits=True: the sigmoid is applied twice.

tracks: tf
expect-fail: models.discriminator_logits
message: probabilities
"""


def build_discriminator(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((16, 16, 1)),
        layers.Conv2D(16, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2D(32, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Flatten(),
        layers.Dense(1, activation="sigmoid"),
    ])
