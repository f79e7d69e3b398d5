"""BCE written as -log(sigmoid(x)) by hand: exact for moderate logits, inf once sigmoid underflows.

tracks: tf
expect-fail: losses.large_logits_are_stable
message: underflows
"""


def generator_loss(fake_logits, fake, target, l1_weight):
    adversarial = -tf.reduce_mean(tf.math.log(tf.sigmoid(fake_logits)))
    return adversarial + l1_weight * tf.reduce_mean(tf.abs(fake - target))


def discriminator_loss(real_logits, fake_logits):
    return (-tf.reduce_mean(tf.math.log(tf.sigmoid(real_logits)))
            - tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(fake_logits))))
