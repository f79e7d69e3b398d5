# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
# Models and tensors live on `DEVICE` (the GPU when there is one).

# %% tags=["setup"]
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from graders.notebook import checker

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
check = checker("vae_denoising", "torch", globals())

# %% [markdown]
# ## Part 1: the reparameterisation trick
#
# The encoder outputs, for every image, the mean $\mu$ and the **log-variance** $\log\sigma^2$ of a
# diagonal Gaussian $q(z\mid x) = \mathcal N(\mu, \operatorname{diag}\sigma^2)$. Sampling $z$ from it
# with `torch.normal(mu, std)` or `Normal(mu, std).sample()` gives a number with no gradient back to
# $\mu$ and $\sigma$. Write the sample as a differentiable function of them and of parameter-free noise:
#
# $$z = \mu + \exp\!\big(\tfrac12\log\sigma^2\big)\odot\varepsilon,\qquad \varepsilon\sim\mathcal N(0, I)$$
#
# `exp(0.5 * logvar)` is the standard deviation (not `exp(logvar)`, the variance, and not `logvar`
# itself). With an integer `seed`, draw $\varepsilon$ from a `torch.Generator` seeded with it, so the
# same seed gives the same $\varepsilon$ whatever the global random state is; with `seed=None` (inside
# the model, during training) draw it from torch's global RNG, fresh at every call.

# %% tags=["solution"]
def reparameterize(mu, logvar, seed=None):
    """Draw z ~ N(mu, exp(logvar)) as a differentiable function of mu and logvar.

    Args:
        mu: torch.Tensor float32 (N, D), the posterior means.
        logvar: torch.Tensor float32 (N, D), the posterior log-variances log(sigma^2), any real value.
        seed: int, or None. An int fixes eps (the same seed and shape give the same eps, independent of
            the global RNG); None draws eps from torch's global RNG.
    Returns:
        torch.Tensor float32 (N, D) on mu's device: mu + exp(0.5 * logvar) * eps, eps ~ N(0, I) drawn
        independently for every element; gradients flow to mu and logvar.
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: torch.randn(mu.shape, generator=torch.Generator(device=mu.device).manual_seed(seed), ...) or torch.randn_like(mu).
    if seed is None:
        eps = torch.randn_like(mu)
    else:
        generator = torch.Generator(device=mu.device).manual_seed(int(seed))
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
    return mu + torch.exp(0.5 * logvar) * eps
    ### END SOLUTION


# %% tags=["check"]
check("reparameterize")

# %% [markdown]
# ## Part 2: the KL term
#
# The VAE maximises the evidence lower bound (ELBO); as a loss, per image,
#
# $$\mathcal L(x) = \underbrace{-\,\mathbb E_{q(z\mid x)}\log p(x\mid z)}_{\text{reconstruction}}
#   + \beta\,\underbrace{\mathrm{KL}\big(q(z\mid x)\,\|\,\mathcal N(0, I)\big)}_{\text{keeps } q \text{ close to the prior}}$$
#
# For a diagonal Gaussian against the standard normal the KL has a closed form, **summed** over the
# $D$ latent dimensions:
#
# $$\mathrm{KL} = -\tfrac12 \sum_{j=1}^{D}\big(1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2\big)
#   = \tfrac12 \sum_{j=1}^{D}\big(\mu_j^2 + \sigma_j^2 - 1 - \log\sigma_j^2\big) \;\ge 0$$
#
# It is 0 exactly when $\mu = 0$ and $\sigma = 1$. Return one value per image: reduce over the
# latent axis only, never over the batch.

# %% tags=["solution"]
def kl_divergence(mu, logvar):
    """KL(N(mu, diag(exp(logvar))) || N(0, I)) per example.

    Args:
        mu: torch.Tensor float32 (N, D); logvar: torch.Tensor float32 (N, D), log-variances.
    Returns:
        torch.Tensor float32 (N,): 0.5 * sum over the D latent dims of (mu^2 + exp(logvar) - 1 - logvar),
        one non-negative value per example (not averaged over the batch).
    """
    ### BEGIN SOLUTION (about 1 line) Hint: sum over dim=1.
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)
    ### END SOLUTION


# %% tags=["check"]
check("kl_divergence")

# %% [markdown]
# ## Part 3: the model
#
# A small convolutional VAE for 16x16 grey digits, NCHW:
#
# - **encoder** `x (N, 1, 16, 16) -> (mu, logvar)`, each `(N, latent_dim)`:
#   `Conv2d(1, 16, 3, stride=2, padding=1)` (16 -> 8) and `Conv2d(16, 32, 3, stride=2, padding=1)`
#   (8 -> 4), LeakyReLU(0.2) after each, `Flatten`, then **two** `Linear(512, latent_dim)` heads,
#   one for `mu` and one for `logvar` (no activation: both are any real numbers);
# - **decoder** `z (N, latent_dim) -> image (N, 1, 16, 16)`: `Linear(latent_dim, 512)` + LeakyReLU,
#   `Unflatten` to (32, 4, 4), `ConvTranspose2d(32, 16, 4, stride=2, padding=1)` + LeakyReLU (4 -> 8),
#   `ConvTranspose2d(16, 1, 4, stride=2, padding=1)` (8 -> 16) and a **sigmoid**: images in [0, 1];
# - `forward(x)` returns `(reconstruction, mu, logvar)`, the reconstruction decoding a sample
#   `z = reparameterize(mu, logvar)` (a fresh sample at every call).
#
# The grader accepts at most 200,000 parameters (this design has about 26,000) and the same seed
# must give the same initial weights.

# %% tags=["solution"]
class VAE(nn.Module):
    """Convolutional VAE for (N, 1, 16, 16) images in [0, 1].

    encode(x): x float32 (N, 1, 16, 16) (NCHW) -> (mu, logvar), float32 (N, latent_dim) each.
    decode(z): z float32 (N, latent_dim) -> images float32 (N, 1, 16, 16) in [0, 1] (sigmoid).
    forward(x) -> (decode(reparameterize(mu, logvar)), mu, logvar).
    """

    def __init__(self, latent_dim=8):
        super().__init__()
        ### BEGIN SOLUTION (about 14 lines) Hint: nn.Sequential for encoder and decoder; nn.Linear heads fc_mu and fc_logvar.
        self.latent_dim = latent_dim
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.LeakyReLU(0.2),    # (N, 16, 8, 8)
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.2),   # (N, 32, 4, 4)
            nn.Flatten(),                                                   # (N, 512)
        )
        self.fc_mu = nn.Linear(32 * 4 * 4, latent_dim)
        self.fc_logvar = nn.Linear(32 * 4 * 4, latent_dim)
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, 32 * 4 * 4), nn.LeakyReLU(0.2),
            nn.Unflatten(1, (32, 4, 4)),
            nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # (N, 16, 8, 8)
            nn.ConvTranspose2d(16, 1, 4, stride=2, padding=1),                      # (N, 1, 16, 16)
            nn.Sigmoid(),
        )
        ### END SOLUTION

    def encode(self, x):
        ### BEGIN SOLUTION (about 2 lines)
        h = self.encoder(x)
        return self.fc_mu(h), self.fc_logvar(h)
        ### END SOLUTION

    def decode(self, z):
        ### BEGIN SOLUTION (about 1 line)
        return self.decoder(z)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION (about 3 lines)
        mu, logvar = self.encode(x)
        z = reparameterize(mu, logvar)
        return self.decode(z), mu, logvar
        ### END SOLUTION


def build_vae(seed, latent_dim=8):
    """A freshly initialised VAE on DEVICE.

    Args:
        seed: int; the same seed gives the same initial weights.
        latent_dim: int, the size D of z.
    Returns:
        VAE (torch.nn.Module); model(x) maps (N, 1, 16, 16) float32 in [0, 1] to
        (reconstruction (N, 1, 16, 16) in [0, 1], mu (N, D), logvar (N, D)).
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.manual_seed before creating the layers.
    torch.manual_seed(seed)
    return VAE(latent_dim).to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 4: training on noisy/clean pairs
#
# A plain VAE reconstructs its own input. For denoising, feed it a **noisy** image and score the
# reconstruction against the **clean** one:
#
# $$\mathcal L = \underbrace{\textstyle\sum_{\text{pixels}} \mathrm{BCE}\big(\hat x, x_{clean}\big)}_{\text{summed over the 256 pixels}}
#   + \beta\,\mathrm{KL}\big(q(z \mid x_{noisy})\,\|\,\mathcal N(0, I)\big),\qquad
#   x_{noisy} = \operatorname{clip}(x_{clean} + \sigma\varepsilon, 0, 1)$$
#
# averaged over the batch. Both terms are **sums per image** (pixels and latent dimensions): with
# `F.binary_cross_entropy`'s default mean over pixels, the KL would weigh 256 times too much and the
# model would ignore its input (posterior collapse). Draw fresh noise every step, from a
# `torch.Generator` seeded with `seed` (or `torch.manual_seed(seed)` at the start); Adam with
# learning rate 3e-3 and batches of 64 train this model in a few hundred steps.

# **What the grader checks.** It trains your model with `train_vae` for 200 steps and counts the
# optimizer updates: exactly `steps` (one minibatch each; `steps` are not epochs). It measures the
# reconstruction of held-out noisy digits itself, before and after training (the list of losses you
# return is checked for its format only). `beta` must weigh the KL term: the grader also trains with
# `beta=4`, and the held-out posteriors' mean KL must fall to at most 0.7 times the `beta=1` model's
# (it falls to about 0.2 times), and with `beta=0` (5 steps) every weight array must change.

# %% tags=["solution"]
def train_vae(model, clean, sigma, steps, seed, beta=1.0, batch_size=64, lr=3e-3):
    """Train `model` in place as a denoising VAE.

    Args:
        model: the VAE from build_vae.
        clean: torch.Tensor float32 (M, 1, 16, 16) (NCHW), clean training digits in [0, 1].
        sigma: float, standard deviation of the Gaussian noise added (then clipped to [0, 1]).
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches, the noise and the reparameterisation draws.
        beta: float, the KL weight (1.0 is the plain ELBO; 0.0 trains on the reconstruction only).
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the batch-mean loss (reconstruction + beta * KL) of each step.
    """
    ### BEGIN SOLUTION (about 16 lines) Hint: noisy = (target + sigma * randn).clamp(0, 1); F.binary_cross_entropy(..., reduction="sum") / batch; kl_divergence(...).mean().
    torch.manual_seed(seed)
    generator = torch.Generator(device=DEVICE).manual_seed(int(seed))
    clean = clean.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        idx = torch.randint(0, len(clean), (batch_size,), generator=generator, device=DEVICE)
        target = clean[idx]
        noise = torch.randn(target.shape, generator=generator, device=DEVICE)
        noisy = (target + sigma * noise).clamp(0.0, 1.0)
        recon, mu, logvar = model(noisy)
        reconstruction = F.binary_cross_entropy(recon, target, reduction="sum") / batch_size  # CLEAN target
        loss = reconstruction + beta * kl_divergence(mu, logvar).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## Part 5: denoising
#
# At test time, use the **mean** of the posterior: encode the noisy images, decode `mu` (no sampling),
# so the same input always gives the same output, in inference mode (`model.eval()`, `torch.no_grad()`).

# %% tags=["solution"]
def denoise(model, noisy):
    """Denoise images with a trained VAE by decoding the posterior mean.

    Args:
        model: a VAE from build_vae.
        noisy: torch.Tensor float32 (N, 1, 16, 16) (NCHW) in [0, 1].
    Returns:
        torch.Tensor float32 (N, 1, 16, 16) in [0, 1]: decode(mu(noisy)); deterministic.
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: model.eval(); with torch.no_grad(): mu, _ = model.encode(...).
    model.eval()
    with torch.no_grad():
        mu, _ = model.encode(noisy.to(DEVICE))
        return model.decode(mu)
    ### END SOLUTION


# %% tags=["check"]
check("denoise")

# %% [markdown]
# ## Part 6: sampling from the prior
#
# A VAE is also a generative model: decode $z \sim \mathcal N(0, I)$, the prior the KL term pulled the
# posteriors towards. Draw the `n` latent vectors from a generator seeded with `seed`.

#
# **What the grader checks.** 400 samples of your trained model are judged by a small digit
# classifier: their Fréchet distance in its feature space to held-out digits must lie between 2 and 16
# (below 2 is closer than any decoder of this size gets: real digits score about 0.7), and at least 6
# classes must be covered. The samples must be new digits: half of them must lie at an RMS pixel distance
# of at least 0.08 from every public digit (copies are at 0; decoded samples at about 0.12). And they must
# come from the decoder: with the values inside every weight tensor shuffled, the Fréchet distance must
# rise to at least 25.

# %% tags=["solution"]
def sample(model, n, seed):
    """Generate images by decoding z ~ N(0, I).

    Args:
        model: a VAE from build_vae (its latent size is model.latent_dim).
        n: int, number of images; seed: int, the same seed gives the same images.
    Returns:
        torch.Tensor float32 (n, 1, 16, 16) (NCHW) in [0, 1].
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: torch.randn((n, model.latent_dim), generator=...), then model.decode in eval mode.
    generator = torch.Generator(device=DEVICE).manual_seed(int(seed))
    z = torch.randn((n, model.latent_dim), generator=generator, device=DEVICE)
    model.eval()
    with torch.no_grad():
        return model.decode(z)
    ### END SOLUTION


# %% tags=["check"]
check("sample")

# %% [markdown]
# ## See it work
#
# Train on noisy training digits, then denoise held-out digits the model has never seen, and
# generate new digits from the prior. Try `beta=0` (a denoising autoencoder with noise in the
# middle: good reconstructions, poor samples) and `beta=4` (blurrier reconstructions, smoother
# latent space).

# %% tags=["demo"]
from fixtures import digits
from graders import metrics, plots

sigma = 0.4
train_clean, _ = digits.load_digits("train")
test_clean = digits.sample(16, split="test", seed=1)[0]
test_noisy = np.clip(test_clean + sigma * np.random.default_rng(2).standard_normal(test_clean.shape), 0, 1)
test_noisy = test_noisy.astype(np.float32)

model = build_vae(seed=0, latent_dim=8)
losses = train_vae(model, torch.as_tensor(train_clean[:, None]), sigma, steps=600, seed=0)
denoised = denoise(model, torch.as_tensor(test_noisy[:, None])).cpu().numpy()[:, 0]
generated = sample(model, 16, seed=3).cpu().numpy()[:, 0]

for name, im in [("noisy", test_noisy), ("denoised", denoised)]:
    print(f"{name:>9}: PSNR {metrics.psnr(im, test_clean, 1.0):5.2f} dB")
plots.loss_curve({"loss (BCE + KL)": losses}, smooth=20)
plt.show()
plots.image_grid(np.concatenate([test_clean, test_noisy, denoised]), ncols=16,
                 title="rows: clean / noisy / denoised (decoded posterior mean)")
plt.show()
plots.image_grid(generated, ncols=16, title="samples from the prior z ~ N(0, I)")
plt.show()
