"""LSGAN/BCE confusion: the generator's adversarial term is the non-saturating BCE of the DCGAN
recipe, while the discriminator (and the exercise) use least squares on raw scores.

tracks: tf
expect-fail: losses.generator_adversarial_loss_values
message: non-saturating BCE
"""


def generator_adversarial_loss(fake_scores):
    return keras.losses.BinaryCrossentropy(from_logits=True)(tf.ones_like(fake_scores), fake_scores)
