"""Greedy decoding that keeps whatever the model emits after the first <eos> (no <pad> fill).

tracks: tf
expect-fail: model.decode_is_greedy
message: must be <pad>
"""


def greedy_decode(model, images, max_len):
    tokens = tf.fill([tf.shape(images)[0], 1], tf.constant(BOS, tf.int64))
    for _ in range(max_len):
        logits = model([images, tokens], training=False)[:, -1]
        tokens = tf.concat([tokens, tf.argmax(logits, axis=-1)[:, None]], axis=1)
    return tokens[:, 1:]
