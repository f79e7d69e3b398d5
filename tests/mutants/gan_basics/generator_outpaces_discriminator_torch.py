"""Unbalanced updates: the discriminator steps only every 5th iteration while the generator steps
every iteration with a 5x learning rate. The generator exploits a stale critic and collapses onto
a few digits.

tracks: torch
expect-fail: train.samples_differ
message: mode collapse
"""


def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    torch.manual_seed(seed)
    real = real_images.float().to(DEVICE) * 2 - 1
    opt_g = torch.optim.Adam(generator.parameters(), lr=5 * lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    d_losses, g_losses = [], []
    for i in range(steps):
        batch = real[torch.randint(0, len(real), (batch_size,), device=DEVICE)]
        fake = generator(torch.randn(batch_size, latent_dim, device=DEVICE))
        d_loss = discriminator_loss(discriminator(batch), discriminator(fake.detach()))
        if i % 5 == 0:
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
