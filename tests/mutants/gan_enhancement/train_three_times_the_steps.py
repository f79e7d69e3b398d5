"""Trains three times the steps asked for and returns every third loss, so both lists have the
right length: a sharper generator bought with a budget the exercise does not give.

tracks: torch tf
kind: gaming
expect-fail: train.returns_loss_history
message: used as epochs
"""
_train_reference = train_enhancer


def train_enhancer(generator, discriminator, low, high, steps, seed, l1_weight=100.0, batch_size=16, lr=2e-3):
    d_losses, g_losses = _train_reference(generator, discriminator, low, high, 3 * steps, seed, l1_weight,
                                          batch_size, lr)
    return d_losses[::3], g_losses[::3]
