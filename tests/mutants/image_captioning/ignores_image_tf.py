"""The decoder never sees the image (features zeroed): a language model that writes the same caption for every image.

tracks: tf
expect-fail: train.uses_the_image
message: do not describe the image
"""


def build_captioner(vocab_size, seed):
    keras.utils.set_random_seed(seed)
    images = keras.Input(shape=(32, 32, 3))
    tokens = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(images)
    x = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)
    features = keras.layers.Dense(128)(keras.layers.Flatten()(x))
    features = keras.layers.Lambda(lambda f: 0.0 * f)(features)
    embedded = keras.layers.Embedding(vocab_size, 32)(tokens)
    x = keras.layers.Concatenate()([embedded, RepeatOverTime()([features, tokens])])
    x = keras.layers.LSTM(64, return_sequences=True)(x)
    return keras.Model([images, tokens], keras.layers.Dense(vocab_size)(x))
