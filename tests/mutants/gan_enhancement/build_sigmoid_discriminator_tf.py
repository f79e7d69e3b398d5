"""The discriminator ends with a sigmoid (as in the seed's Keras example) while the losses expect
logits: the sigmoid is applied twice.

tracks: tf
expect-fail: models.discriminator_patch_logits
message: probabilities
"""


def build_discriminator(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None, None, 2)),
        keras.layers.Conv2D(8, 4, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu"),
        keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ])
