"""Trains the reference GAN, then the "generator" answers with real training digits (picked by
the noise vector) plus a little noise, so that no sample is an exact copy: the samples stay the
same when the grader shuffles the generator's weights.

tracks: torch
kind: gaming
expect-fail: train.samples_look_like_digits
message: do not come from the generator's weights
"""
_build_generator_reference, _train_reference = build_generator, train_gan


class _Memorised(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner, self.pool = inner, None

    def forward(self, z):
        out = self.inner(z)
        if self.pool is None:
            return out
        pick = (z[:, 0].abs() * 1e4).long() % len(self.pool)
        return (self.pool[pick] + 0.2 * torch.randn_like(out)).clamp(-1, 1) + 0 * out


def build_generator(latent_dim=16, seed=0):
    return _Memorised(_build_generator_reference(latent_dim, seed))


def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    losses = _train_reference(generator.inner, discriminator, real_images, latent_dim, steps, seed, batch_size, lr)
    generator.pool = real_images.float().to(DEVICE) * 2 - 1
    return losses
