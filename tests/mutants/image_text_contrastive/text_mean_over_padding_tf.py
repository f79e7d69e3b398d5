"""Embedding without mask_zero: GlobalAveragePooling1D averages over the padding too.

tracks: tf
expect-fail: encoders.padding_ignored
message: padding
"""
import keras


def build_text_encoder(vocab_size, embed_dim, seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(vocab_size, 32),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(embed_dim),
        keras.layers.UnitNormalization(axis=-1),
    ])
