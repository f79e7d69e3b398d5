"""Hard-codes the paper's learning rate 2e-4 (tuned for 200 epochs of 256x256 photos) instead of
the lr argument: after the grader's 150 steps the generators have barely moved, and the translated
products look like neither style.

tracks: torch
expect-fail: train.translations_judged_target_style
message: neither style
"""


def train_cyclegan(g_ab, g_ba, d_a, d_b, images_a, images_b, steps, seed, batch_size=16, lr=2e-3):
    torch.manual_seed(seed)
    images_a, images_b = images_a.float().to(DEVICE), images_b.float().to(DEVICE)
    opt_g = torch.optim.Adam(itertools.chain(g_ab.parameters(), g_ba.parameters()), lr=2e-4, betas=(0.5, 0.999))  # the paper's rate, ignoring lr
    opt_d = torch.optim.Adam(itertools.chain(d_a.parameters(), d_b.parameters()), lr=2e-4, betas=(0.5, 0.999))  # the paper's rate, ignoring lr
    for net in (g_ab, g_ba, d_a, d_b):
        net.train()
    g_losses, d_losses = [], []
    for _ in range(steps):
        real_a = images_a[torch.randint(0, len(images_a), (batch_size,), device=DEVICE)]
        real_b = images_b[torch.randint(0, len(images_b), (batch_size,), device=DEVICE)]

        g_loss = generator_objective(g_ab, g_ba, d_a, d_b, real_a, real_b)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

        with torch.no_grad():
            fake_b, fake_a = g_ab(real_a), g_ba(real_b)
        d_loss = (discriminator_loss(d_a(real_a), d_a(fake_a))
                  + discriminator_loss(d_b(real_b), d_b(fake_b)))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        g_losses.append(g_loss.item())
        d_losses.append(d_loss.item())
    return g_losses, d_losses
