"""Applies the sigmoid and uses BinaryCrossentropy(from_logits=False): exact enough for small
logits, but Keras clips probabilities to [1e-7, 1 - 1e-7], so a logit of -200 costs 16.

tracks: tf
expect-fail: losses.large_logits_are_stable
message: clips probabilities
"""


def discriminator_loss(real_logits, fake_logits):
    bce = keras.losses.BinaryCrossentropy()
    return bce(tf.ones_like(real_logits), tf.sigmoid(real_logits)) + bce(tf.zeros_like(fake_logits), tf.sigmoid(fake_logits))


def generator_loss(fake_logits):
    return keras.losses.BinaryCrossentropy()(tf.ones_like(fake_logits), tf.sigmoid(fake_logits))
