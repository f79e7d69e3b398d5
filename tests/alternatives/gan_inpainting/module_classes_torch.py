"""Other PyTorch idioms: nn.Module classes with nearest-neighbour upsampling + convolution in the
decoder, torch.where for compositing, the masked L1 from a boolean selection, one discriminator
pass over the concatenated real and fake batch, and the discriminator frozen (requires_grad False)
during the generator step.

tracks: torch
"""
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def masked_l1(pred, target, mask):
    hole = mask > 0.5
    if not hole.any():
        return pred.sum() * 0.0
    return (pred - target).abs()[hole].mean()


def composite(pred, masked_input, mask):
    return torch.where(mask > 0.5, pred, masked_input)


class Generator(nn.Module):
    def __init__(self, ch=16):
        super().__init__()
        act = nn.LeakyReLU(0.2)
        self.encoder = nn.Sequential(
            nn.Conv2d(2, ch, 3, padding=1), act,
            nn.Conv2d(ch, ch, 4, stride=2, padding=1), act,
            nn.Conv2d(ch, ch, 4, stride=2, padding=1), act)
        self.middle = nn.Sequential(
            nn.Conv2d(ch, ch, 3, padding=2, dilation=2), act,
            nn.Conv2d(ch, ch, 3, padding=2, dilation=2), act)
        self.decoder = nn.Sequential(
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(ch, ch, 3, padding=1), act,
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(ch, 1, 3, padding=1))

    def forward(self, x):
        return torch.sigmoid(self.decoder(self.middle(self.encoder(x))))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(16, 32, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(32, 1, 3, padding=1))

    def forward(self, x):
        return self.features(x).mean(dim=(2, 3))


def build_generator(seed):
    torch.manual_seed(seed)
    return Generator().to(DEVICE)


def build_discriminator(seed):
    torch.manual_seed(seed)
    return Discriminator().to(DEVICE)


def train_inpainter(generator, discriminator, images, masks, steps, seed, adv_weight=0.01, batch_size=16, lr=4e-3):
    gen = torch.Generator().manual_seed(seed)
    images, masks = images.to(DEVICE), masks.to(DEVICE)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    labels = torch.cat([torch.ones(batch_size, 1), torch.zeros(batch_size, 1)]).to(DEVICE)
    rec_losses, d_losses = [], []
    for _ in range(steps):
        idx = torch.randint(len(images), (batch_size,), generator=gen).to(DEVICE)
        x, m = images[idx], masks[idx]
        masked = x * (1 - m)
        pred = generator(torch.cat([masked, m], dim=1))
        fake = composite(pred, masked, m)

        discriminator.requires_grad_(True)
        d_loss = 2 * F.binary_cross_entropy_with_logits(discriminator(torch.cat([x, fake.detach()])), labels)
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()

        discriminator.requires_grad_(False)
        rec = masked_l1(pred, x, m)
        g_loss = rec + adv_weight * F.binary_cross_entropy_with_logits(discriminator(fake), labels[:batch_size])
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        rec_losses.append(rec.item())
        d_losses.append(d_loss.item())
    discriminator.requires_grad_(True)
    return rec_losses, d_losses
