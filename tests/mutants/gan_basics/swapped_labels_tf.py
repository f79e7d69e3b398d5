"""Labels real images 0 and fakes 1 in the discriminator loss.

tracks: tf
expect-fail: losses.discriminator_loss_values
message: labels are swapped
"""


def discriminator_loss(real_logits, fake_logits):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(tf.zeros_like(real_logits), real_logits) + bce(tf.ones_like(fake_logits), fake_logits)
