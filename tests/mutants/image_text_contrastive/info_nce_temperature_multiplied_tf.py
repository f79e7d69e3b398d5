"""Multiplies the similarities by the temperature instead of dividing: with tau = 0.1 the logits
shrink tenfold and every softmax is nearly uniform.

tracks: tf
expect-fail: info_nce.loss_matches_formula
message: divide by the temperature
"""
import keras


def info_nce(image_emb, text_emb, temperature):
    logits = keras.ops.matmul(keras.ops.normalize(image_emb, axis=-1),
                              keras.ops.transpose(keras.ops.normalize(text_emb, axis=-1))) * temperature
    targets = keras.ops.arange(keras.ops.shape(logits)[0])
    i2t = keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True)
    t2i = keras.losses.sparse_categorical_crossentropy(targets, keras.ops.transpose(logits), from_logits=True)
    return (keras.ops.mean(i2t) + keras.ops.mean(t2i)) / 2
