"""Never clips the pixels to [0, 1]: the optimised "image" drifts outside the valid range.

tracks: tf
expect-fail: transfer.returns_image
message: clamp the pixels
"""
import keras
import tensorflow as tf


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    content_target = extractor(content, training=False)[CONTENT_LAYER]
    style_grams = [gram_matrix(f) for f in extractor(style, training=False)]
    image = tf.Variable(content)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            features = extractor(image, training=False)
            loss = content_loss(features[CONTENT_LAYER], content_target)
            loss += style_weight * tf.add_n([style_loss(f, g) for f, g in zip(features, style_grams)])
        optimizer.apply_gradients([(tape.gradient(loss, image), image)])
        return loss

    losses = [float(step()) for _ in range(steps)]
    return tf.convert_to_tensor(image), losses
