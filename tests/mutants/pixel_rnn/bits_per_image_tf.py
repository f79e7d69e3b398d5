"""Sums the BCE over each image's pixels and averages over the batch only: bits per image, not
bits per dimension.

tracks: tf
expect-fail: bits_per_dim.coin_flip_costs_one_bit
message: bits per image
"""


def bits_per_dim(logits, x):
    bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits)
    return tf.reduce_mean(tf.reduce_sum(bce, axis=[1, 2, 3])) / math.log(2)
