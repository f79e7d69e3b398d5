"""Feeds the real images in [0, 1] while the generator's tanh produces [-1, 1]: the generator learns
grey backgrounds (0 maps to mid-grey), and its digits are off.

tracks: torch
expect-fail: train.samples_in_range
message: rescaled from [0, 1] to [-1, 1]
"""


def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    torch.manual_seed(seed)
    real = real_images.float().to(DEVICE)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    d_losses, g_losses = [], []
    for _ in range(steps):
        batch = real[torch.randint(0, len(real), (batch_size,), device=DEVICE)]
        fake = generator(torch.randn(batch_size, latent_dim, device=DEVICE))
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
