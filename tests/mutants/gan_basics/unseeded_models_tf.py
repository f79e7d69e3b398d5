"""Ignores the seed: two builds with the same seed give different networks.

tracks: tf
expect-fail: models.seeded_construction
message: seed the framework
"""


def build_discriminator(seed=0):
    return keras.Sequential([
        keras.Input((16, 16, 1)),
        layers.Conv2D(16, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2D(32, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Flatten(),
        layers.Dense(1),
    ])
