"""Computes the style targets from the content image (a copy-paste slip): the content image then
minimises both losses already, the gradients vanish and the content image comes back unchanged.

tracks: tf
expect-fail: transfer.pixels_not_weights
message: the result is the content image
"""
import keras
import tensorflow as tf


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    content_features = extractor(content, training=False)
    content_target = content_features[CONTENT_LAYER]
    style_grams = [gram_matrix(f) for f in content_features]
    image = tf.Variable(content)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            features = extractor(image, training=False)
            loss = content_loss(features[CONTENT_LAYER], content_target)
            loss += style_weight * tf.add_n([style_loss(f, g) for f, g in zip(features, style_grams)])
        optimizer.apply_gradients([(tape.gradient(loss, image), image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return loss

    losses = [float(step()) for _ in range(steps)]
    return tf.convert_to_tensor(image), losses
