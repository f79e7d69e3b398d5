"""adv_weight ignored: the adversarial term is weighted by a hard-coded 1.0, 100 times the 0.01 asked for.
The reconstruction term still dominates the outcome, so only a probe of the argument shows it.

tracks: torch
expect-fail: train.adv_weight_matters
message: adv_weight argument is ignored
"""
import numpy as np


def train_inpainter(generator, discriminator, images, masks, steps, seed, adv_weight=0.01,
                    batch_size=16, lr=4e-3):
    rng = np.random.default_rng(seed)
    images, masks = images.to(DEVICE), masks.to(DEVICE)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    generator.train()
    discriminator.train()
    rec_losses, d_losses = [], []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(images), batch_size), device=DEVICE)
        x, m = images[idx], masks[idx]
        masked = x * (1 - m)
        pred = generator(torch.cat([masked, m], dim=1))
        fake = composite(pred, masked, m)

        real_logits, fake_logits = discriminator(x), discriminator(fake.detach())
        d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        rec = masked_l1(pred, x, m)
        adv_logits = discriminator(fake)
        g_loss = rec + 1.0 * F.binary_cross_entropy_with_logits(adv_logits, torch.ones_like(adv_logits))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

        rec_losses.append(rec.item())
        d_losses.append(d_loss.item())
    return rec_losses, d_losses
