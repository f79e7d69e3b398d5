"""The seed's discriminator: Flatten and Dense(1) give one logit per image, not a PatchGAN map of
one logit per patch.

tracks: tf
expect-fail: models.discriminator_patch_logits
message: one logit per patch
"""


def build_discriminator(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(32, 32, 2)),
        keras.layers.Conv2D(8, 4, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(1),
    ])
