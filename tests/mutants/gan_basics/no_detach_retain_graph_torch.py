"""No fake.detach() in the discriminator step, "fixed" with retain_graph=True and one zero_grad for
both networks at the start of the step: D's loss flows into the generator's gradients, so the
generator steps on L_G + (the fake term of L_D), pulled back towards what D wants. No crash, and
the samples can still look fine.

tracks: torch
expect-fail: train.generator_step_uses_its_loss
message: detach
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
        opt_d.zero_grad()
        opt_g.zero_grad()
        d_loss = discriminator_loss(discriminator(batch), discriminator(fake))
        d_loss.backward(retain_graph=True)
        opt_d.step()
        g_loss = generator_loss(discriminator(fake))
        g_loss.backward()
        opt_g.step()
        d_losses.append(d_loss.item())
        g_losses.append(g_loss.item())
    return d_losses, g_losses
