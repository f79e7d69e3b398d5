"""Text->image cross-entropy only: the loss forgets the image->text direction.

tracks: tf
expect-fail: info_nce.loss_matches_formula
message: one direction
"""
import keras


def info_nce(image_emb, text_emb, temperature):
    logits = keras.ops.matmul(keras.ops.normalize(image_emb, axis=-1),
                              keras.ops.transpose(keras.ops.normalize(text_emb, axis=-1))) / temperature
    targets = keras.ops.arange(keras.ops.shape(logits)[0])
    return keras.ops.mean(keras.losses.sparse_categorical_crossentropy(targets, keras.ops.transpose(logits),
                                                                       from_logits=True))
