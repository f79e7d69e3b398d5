"""Swaps the discriminator's labels (real HR 0, super-resolved 1): the trained discriminator prefers
blurry images.

tracks: torch
expect-fail: train.close_to_content_only
message: labels swapped
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_srgan(generator, discriminator, low_res, high_res, steps, seed, adv_weight=1e-3,
                batch_size=16, learning_rate=1e-3):
    rng = np.random.default_rng(seed)
    low_res, high_res = low_res.to(DEVICE), high_res.to(DEVICE)
    opt_g = torch.optim.Adam(generator.parameters(), lr=learning_rate, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=learning_rate, betas=(0.5, 0.999))
    generator.train()
    discriminator.train()
    g_losses, d_losses = [], []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(low_res), batch_size), device=DEVICE)
        lr_batch, hr_batch = low_res[idx], high_res[idx]
        sr = generator(lr_batch)

        real_logits, fake_logits = discriminator(hr_batch), discriminator(sr.detach())
        d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits)))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        g_loss = generator_loss(discriminator(sr), sr, hr_batch, adv_weight)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

        g_losses.append(g_loss.item())
        d_losses.append(d_loss.item())
    return g_losses, d_losses
