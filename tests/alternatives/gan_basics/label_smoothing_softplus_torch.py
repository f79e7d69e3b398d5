"""Losses written with F.softplus, and a training loop with one-sided label smoothing (real
targets 0.9) and a fresh generator pass for the G step instead of reusing the detached batch.

tracks: torch
"""


def discriminator_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def generator_loss(fake_logits):
    return F.softplus(-fake_logits).mean()


def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    gen = torch.Generator(device=DEVICE).manual_seed(seed)
    real = real_images.to(DEVICE).float().mul(2).sub(1)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    d_hist, g_hist = [], []
    for _ in range(steps):
        idx = torch.randint(0, real.shape[0], (batch_size,), generator=gen, device=DEVICE)
        with torch.no_grad():
            fake = generator(torch.randn(batch_size, latent_dim, generator=gen, device=DEVICE))
        real_logits, fake_logits = discriminator(real[idx]), discriminator(fake)
        d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, 0.9))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()

        for p in discriminator.parameters():
            p.requires_grad_(False)
        g_loss = generator_loss(discriminator(generator(torch.randn(batch_size, latent_dim, generator=gen, device=DEVICE))))
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        for p in discriminator.parameters():
            p.requires_grad_(True)
        d_hist.append(d_loss.item())
        g_hist.append(g_loss.item())
    return d_hist, g_hist
