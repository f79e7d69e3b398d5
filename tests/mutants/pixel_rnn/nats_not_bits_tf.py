"""Returns the BCE in nats: forgets to divide by ln 2, so a coin flip costs 0.693 instead of 1 bit.

tracks: tf
expect-fail: bits_per_dim.coin_flip_costs_one_bit
message: divide by ln 2
"""


def bits_per_dim(logits, x):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits))
