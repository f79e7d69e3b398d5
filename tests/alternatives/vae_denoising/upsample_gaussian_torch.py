"""Nearest-neighbour upsampling + convolution in the decoder instead of transposed convolutions, and
a Gaussian likelihood (squared error summed over pixels, scaled by 1 / (2 s^2) with s = 0.2)
instead of the Bernoulli one (BCE). KL computed as the mean over the batch of the per-example KL.

tracks: torch
"""
import torch
from torch import nn

S2 = 0.2**2


def build_vae(seed, latent_dim=8):
    torch.manual_seed(seed)
    model = VAE(latent_dim)
    model.decoder = nn.Sequential(
        nn.Linear(latent_dim, 32 * 4 * 4), nn.LeakyReLU(0.2), nn.Unflatten(1, (32, 4, 4)),
        nn.Upsample(scale_factor=2), nn.Conv2d(32, 16, 3, padding=1), nn.LeakyReLU(0.2),
        nn.Upsample(scale_factor=2), nn.Conv2d(16, 1, 3, padding=1), nn.Sigmoid(),
    )
    return model.to(DEVICE)


def train_vae(model, clean, sigma, steps, seed, beta=1.0, batch_size=64, lr=3e-3):
    generator = torch.Generator(device=DEVICE).manual_seed(int(seed))
    torch.manual_seed(seed)
    clean = clean.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        target = clean[torch.randint(0, len(clean), (batch_size,), generator=generator, device=DEVICE)]
        noisy = (target + sigma * torch.randn(target.shape, generator=generator, device=DEVICE)).clamp(0.0, 1.0)
        recon, mu, logvar = model(noisy)
        nll = ((recon - target) ** 2).sum(dim=(1, 2, 3)) / (2 * S2)
        loss = nll.mean() + beta * kl_divergence(mu, logvar).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
