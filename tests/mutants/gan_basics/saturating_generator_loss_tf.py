"""The original minimax generator loss: minimise log(1 - D(G(z))), which saturates when D wins.

tracks: tf
expect-fail: losses.generator_loss_values
message: saturating
"""


def generator_loss(fake_logits):
    return tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(fake_logits)))
