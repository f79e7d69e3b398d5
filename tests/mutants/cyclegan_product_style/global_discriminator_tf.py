"""One score per image (Flatten + Dense) instead of a PatchGAN's grid of patch scores.

tracks: tf
expect-fail: models.discriminator_patch_scores
message: PatchGAN
"""


def build_discriminator(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((16, 16, 3)),
        layers.Conv2D(16, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2D(32, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Flatten(), layers.Dense(1),
    ])
