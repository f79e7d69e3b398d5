"""Trains on uniform noise, torch.rand in [0, 1), instead of the standard normal z ~ N(0, I) the
generator is sampled with: at sampling time half of every z lies where the generator never trained.

tracks: torch
expect-fail: train.samples_look_like_digits
message: N(0, I)
"""


def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    torch.manual_seed(seed)
    real = real_images.float().to(DEVICE) * 2 - 1
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    d_losses, g_losses = [], []
    for _ in range(steps):
        batch = real[torch.randint(0, len(real), (batch_size,), device=DEVICE)]
        fake = generator(torch.rand(batch_size, latent_dim, device=DEVICE))
        d_loss = discriminator_loss(discriminator(batch), discriminator(fake.detach()))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = generator_loss(discriminator(fake))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        d_losses.append(d_loss.item())
        g_losses.append(g_loss.item())
    return d_losses, g_losses
