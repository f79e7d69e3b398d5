"""The discriminator takes the pair but slices out the image channel before its first convolution:
it judges the output alone and ignores the condition (an unconditional GAN in disguise).

tracks: tf
expect-fail: models.discriminator_is_conditional
message: condition
"""


def build_discriminator(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None, None, 2)),
        keras.layers.Lambda(lambda pair: pair[..., 1:]),
        keras.layers.Conv2D(8, 4, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2D(1, 3, padding="same"),
    ])
