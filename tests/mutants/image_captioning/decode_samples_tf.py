"""Samples the next token from the logits instead of taking the argmax: not greedy, not deterministic.

tracks: tf
expect-fail: model.decode_is_greedy
message: deterministic
"""


def greedy_decode(model, images, max_len):
    tokens = tf.fill([tf.shape(images)[0], 1], tf.constant(BOS, tf.int64))
    for _ in range(max_len):
        logits = model([images, tokens], training=False)[:, -1]
        tokens = tf.concat([tokens, tf.random.categorical(logits, 1, dtype=tf.int64)], axis=1)
    return tokens[:, 1:]
