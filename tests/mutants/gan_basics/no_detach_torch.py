"""No fake.detach() in the discriminator step: D's backward pass runs through (and frees) the
generator's graph, so the generator step that reuses `fake` fails.

tracks: torch
expect-fail: train.both_networks_updated
message: detach the fake images
"""


def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    torch.manual_seed(seed)
    real = real_images.float().to(DEVICE) * 2 - 1
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    d_losses, g_losses = [], []
    for _ in range(steps):
        batch = real[torch.randint(0, len(real), (batch_size,), device=DEVICE)]
        fake = generator(torch.randn(batch_size, latent_dim, device=DEVICE))
        d_loss = discriminator_loss(discriminator(batch), discriminator(fake))
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
