"""Swaps the discriminator's labels: real images labelled 0 and composites 1.

tracks: torch
expect-fail: train.discriminator_learned
message: real/fake labels swapped
"""
import numpy as np
import torch
import torch.nn.functional as F


def train_inpainter(generator, discriminator, images, masks, steps, seed, adv_weight=0.01, batch_size=16, lr=4e-3):
    rng = np.random.default_rng(seed)
    images, masks = images.to(DEVICE), masks.to(DEVICE)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    rec_losses, d_losses = [], []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(images), batch_size), device=DEVICE)
        x, m = images[idx], masks[idx]
        masked = x * (1 - m)
        pred = generator(torch.cat([masked, m], dim=1))
        fake = composite(pred, masked, m)
        real_logits, fake_logits = discriminator(x), discriminator(fake.detach())
        d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits)))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        rec = masked_l1(pred, x, m)
        adv_logits = discriminator(fake)
        g_loss = rec + adv_weight * F.binary_cross_entropy_with_logits(adv_logits, torch.zeros_like(adv_logits))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        rec_losses.append(rec.item())
        d_losses.append(d_loss.item())
    return rec_losses, d_losses
