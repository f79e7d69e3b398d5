"""The text encoder ends with the Dense projection: no UnitNormalization.

tracks: tf
expect-fail: encoders.unit_norm
message: L2-normalise
"""
import keras


def build_text_encoder(vocab_size, embed_dim, seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(vocab_size, 32, mask_zero=True),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(embed_dim),
    ])
