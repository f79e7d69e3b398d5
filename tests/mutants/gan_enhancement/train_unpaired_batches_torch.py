"""The inputs and the targets of a minibatch are drawn with two separate index draws, so low[i] is
trained towards some other image's high[j]: the pairs are no longer aligned.

tracks: torch
expect-fail: train.ssim_beats_baselines
message: aligned pairs
"""


def train_enhancer(generator, discriminator, low, high, steps, seed, l1_weight=100.0, batch_size=16, lr=2e-3):
    rng = np.random.default_rng(seed)
    low, high = low.float().to(DEVICE), high.float().to(DEVICE)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    d_losses, g_losses = [], []
    for _ in range(steps):
        x = low[torch.as_tensor(rng.integers(0, len(low), batch_size), device=DEVICE)]
        y = high[torch.as_tensor(rng.integers(0, len(high), batch_size), device=DEVICE)]
        fake = generator(x)
        d_loss = discriminator_loss(discriminator(torch.cat([x, y], 1)),
                                    discriminator(torch.cat([x, fake.detach()], 1)))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = generator_loss(discriminator(torch.cat([x, fake], 1)), fake, y, l1_weight)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        d_losses.append(d_loss.item())
        g_losses.append(g_loss.item())
    return d_losses, g_losses
