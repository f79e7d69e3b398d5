"""Trains three times the steps asked for and returns every third loss, so both lists have the
right length: better samples bought with a budget the exercise does not give.

tracks: torch tf
kind: gaming
expect-fail: train.returns_loss_history
message: used as epochs
"""
_train_reference = train_gan


def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    d_losses, g_losses = _train_reference(generator, discriminator, real_images, latent_dim, 3 * steps, seed,
                                          batch_size, lr)
    return d_losses[::3], g_losses[::3]
