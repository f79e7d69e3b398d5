"""The generator's adversarial term labels its fakes 0, copied from the discriminator's loss: the
generator then helps D instead of fooling it.

tracks: tf
expect-fail: losses.generator_loss_values
message: labels the fakes 0
"""


def generator_loss(fake_logits, fake, target, l1_weight):
    adversarial = tf.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits))
    return adversarial + l1_weight * tf.reduce_mean(tf.abs(fake - target))
