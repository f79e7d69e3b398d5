"""Writes BCE by hand as -log(sigmoid(x)): sigmoid(-200) is 0 in float32 and the loss is inf.

tracks: tf
expect-fail: losses.large_logits_are_stable
message: underflows
"""


def discriminator_loss(real_logits, fake_logits):
    return (-tf.reduce_mean(tf.math.log(tf.sigmoid(real_logits)))
            - tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(fake_logits))))


def generator_loss(fake_logits):
    return -tf.reduce_mean(tf.math.log(tf.sigmoid(fake_logits)))
