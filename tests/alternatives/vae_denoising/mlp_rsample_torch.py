"""A fully connected VAE (no convolutions) whose training-time sample uses
torch.distributions.Normal(mu, std).rsample() (reparameterised, unlike .sample()), trained with
torch's global RNG seeded once (torch.manual_seed) and the decoder's logits in
binary_cross_entropy_with_logits.

tracks: torch
"""
import torch
from torch import nn
from torch.nn import functional as F


def reparameterize(mu, logvar, seed=None):
    std = torch.exp(0.5 * logvar)
    if seed is None:
        return torch.distributions.Normal(mu, std).rsample()
    generator = torch.Generator(device=mu.device).manual_seed(int(seed))
    return mu + std * torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)


class MlpVAE(nn.Module):
    def __init__(self, latent_dim):
        super().__init__()
        self.latent_dim = latent_dim
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(256, 256), nn.LeakyReLU(0.2))
        self.heads = nn.Linear(256, 2 * latent_dim)
        self.logits = nn.Sequential(nn.Linear(latent_dim, 256), nn.LeakyReLU(0.2), nn.Linear(256, 256),
                                    nn.Unflatten(1, (1, 16, 16)))

    def encode(self, x):
        mu, logvar = self.heads(self.body(x)).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z):
        return torch.sigmoid(self.logits(z))

    def forward(self, x):
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar)), mu, logvar


def build_vae(seed, latent_dim=8):
    torch.manual_seed(seed)
    return MlpVAE(latent_dim).to(DEVICE)


def train_vae(model, clean, sigma, steps, seed, beta=1.0, batch_size=64, lr=3e-3):
    torch.manual_seed(seed)
    clean = clean.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        target = clean[torch.randint(0, len(clean), (batch_size,), device=DEVICE)]
        noisy = (target + sigma * torch.randn_like(target)).clamp(0.0, 1.0)
        mu, logvar = model.encode(noisy)
        logits = model.logits(reparameterize(mu, logvar))
        rec = F.binary_cross_entropy_with_logits(logits, target, reduction="none").flatten(1).sum(1)
        loss = (rec + beta * kl_divergence(mu, logvar)).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
