"""The style loss on the last layer only: the overall style ratio can still look fine, but the first
layers' style (colours, fine texture) barely transfers.

tracks: tf
expect-fail: transfer.style_transferred
message: summed over all layers
"""


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    keras.utils.set_random_seed(seed)
    content_target = extractor(content, training=False)[CONTENT_LAYER]
    style_gram = gram_matrix(extractor(style, training=False)[-1])
    image = tf.Variable(content)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            features = extractor(image, training=False)
            loss = content_loss(features[CONTENT_LAYER], content_target)
            loss += style_weight * style_loss(features[-1], style_gram)
        optimizer.apply_gradients([(tape.gradient(loss, image), image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return loss

    losses = [float(step()) for _ in range(steps)]
    return tf.convert_to_tensor(image), losses
