"""No fake.detach() in the discriminator step: D's backward pass runs through (and frees) the
generator's graph, so the generator step that reuses `fake` fails.

tracks: torch
expect-fail: train.returns_loss_history
message: detach the fake images
"""


def train_enhancer(generator, discriminator, low, high, steps, seed, l1_weight=100.0, batch_size=16, lr=2e-3):
    rng = np.random.default_rng(seed)
    low, high = low.float().to(DEVICE), high.float().to(DEVICE)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    d_losses, g_losses = [], []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(low), batch_size), device=DEVICE)
        x, y = low[idx], high[idx]
        fake = generator(x)
        d_loss = discriminator_loss(discriminator(torch.cat([x, y], 1)), discriminator(torch.cat([x, fake], 1)))
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
