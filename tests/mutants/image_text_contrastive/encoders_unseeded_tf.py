"""Ignores `seed`: the image encoder's initial weights depend on the global RNG state.

tracks: tf
expect-fail: encoders.small_and_seeded
message: seed the RNG
"""
import keras


def build_image_encoder(embed_dim, seed):
    return keras.Sequential([
        keras.Input(shape=(None, None, 3)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.GlobalMaxPooling2D(),
        keras.layers.Dense(embed_dim),
        keras.layers.UnitNormalization(axis=-1),
    ])
