"""The discriminator's targets are swapped: real patches pushed to 0, fakes to 1.

tracks: tf
expect-fail: losses.discriminator_loss_values
message: swapped
"""


def discriminator_loss(real_scores, fake_scores):
    return 0.5 * (tf.reduce_mean(tf.square(real_scores)) + tf.reduce_mean(tf.square(fake_scores - 1.0)))
