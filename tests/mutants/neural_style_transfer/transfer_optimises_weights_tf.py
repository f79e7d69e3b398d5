"""Optimises the network instead of the pixels: unfreezes the extractor and applies the gradients to
its weights, so the weights move and the image never changes.

tracks: tf
expect-fail: transfer.pixels_not_weights
message: optimise the pixels of the image, not the network
"""
import keras
import tensorflow as tf


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    content_target = extractor(content, training=False)[CONTENT_LAYER]
    style_grams = [gram_matrix(f) for f in extractor(style, training=False)]
    extractor.trainable = True
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            features = extractor(content, training=True)
            loss = content_loss(features[CONTENT_LAYER], content_target)
            loss += style_weight * tf.add_n([style_loss(f, g) for f, g in zip(features, style_grams)])
        grads = tape.gradient(loss, extractor.trainable_variables)
        optimizer.apply_gradients(zip(grads, extractor.trainable_variables))
        losses.append(float(loss))
    return content, losses
