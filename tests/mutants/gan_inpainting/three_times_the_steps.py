"""Trains three times the steps asked for and returns every third loss, so both lists have the
right length: a better inpainter bought with a budget the exercise does not give.

tracks: torch tf
kind: gaming
expect-fail: train.returns_losses
message: used as epochs
"""
_train_reference = train_inpainter


def train_inpainter(generator, discriminator, images, masks, steps, seed, adv_weight=0.01, batch_size=16, lr=4e-3):
    rec_losses, d_losses = _train_reference(generator, discriminator, images, masks, 3 * steps, seed, adv_weight,
                                            batch_size, lr)
    return rec_losses[::3], d_losses[::3]
