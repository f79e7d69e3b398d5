"""Only the generators are trained: the discriminator step is missing, so G_ab and G_ba chase two
fixed random critics.

tracks: torch
expect-fail: train.all_networks_updated
message: d_a's weights did not change
"""


def train_cyclegan(g_ab, g_ba, d_a, d_b, images_a, images_b, steps, seed, batch_size=16, lr=2e-3):
    torch.manual_seed(seed)
    images_a, images_b = images_a.float().to(DEVICE), images_b.float().to(DEVICE)
    opt_g = torch.optim.Adam(itertools.chain(g_ab.parameters(), g_ba.parameters()), lr=lr, betas=(0.5, 0.999))
    g_losses, d_losses = [], []
    for _ in range(steps):
        real_a = images_a[torch.randint(0, len(images_a), (batch_size,), device=DEVICE)]
        real_b = images_b[torch.randint(0, len(images_b), (batch_size,), device=DEVICE)]
        g_loss = generator_objective(g_ab, g_ba, d_a, d_b, real_a, real_b)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        g_losses.append(g_loss.item())
        d_losses.append(0.0)
    return g_losses, d_losses
