"""build_generator ignores its seed (no keras.utils.set_random_seed): two builds with the same seed
differ.

tracks: tf
expect-fail: models.small_and_seeded
message: seed
"""


def build_generator(seed):
    layers = keras.layers
    x = keras.Input(shape=(None, None, 1))
    skip = layers.Conv2D(8, 3, padding="same", activation="leaky_relu")(x)
    down = layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu")(skip)
    up = layers.Conv2DTranspose(8, 4, strides=2, padding="same", activation="leaky_relu")(down)
    out = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(layers.Concatenate()([skip, up]))
    return keras.Model(x, out)
