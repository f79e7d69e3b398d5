"""Treats `steps` as epochs: runs the reference loop for 4x the steps asked for (each updating the
generator and the discriminator) and returns only the first `steps` losses of each.

tracks: tf
kind: gaming
expect-fail: train.returns_losses
message: used as epochs
"""
_train_reference = train_srgan


def train_srgan(generator, discriminator, low_res, high_res, steps, seed, adv_weight=1e-3,
                batch_size=16, learning_rate=1e-3):
    g_losses, d_losses = _train_reference(generator, discriminator, low_res, high_res, 4 * steps, seed, adv_weight,
                                          batch_size, learning_rate)
    return list(g_losses[:steps]), list(d_losses[:steps])
