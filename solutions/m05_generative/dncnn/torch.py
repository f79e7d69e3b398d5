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
check = checker("dncnn", "torch", globals())

# %% [markdown]
# ## Part 1: blind noise
#
# One DnCNN serves every noise level ("blind" denoising) only if it is trained on all of them. Give
# **every image its own noise level** $\sigma_i$, drawn uniformly from `sigma_range = [lo, hi]`, and add
# white Gaussian noise of that standard deviation (not variance):
#
# $$y_i = x_i + \sigma_i\,\varepsilon_i,\qquad \sigma_i \sim \mathcal U(\text{lo}, \text{hi}),\quad \varepsilon_i \sim \mathcal N(0, I)$$
#
# Do **not** clip $y$ to [0, 1]: the residual the network learns, $y - x$, must be exactly the Gaussian
# noise $\sigma_i\varepsilon_i$ (clipping would make it depend on the image near black and white).
# Use a `torch.Generator` seeded with `seed`, so the same seed always gives the same noise.

# %% tags=["solution"]
def add_blind_noise(images, sigma_range, seed):
    """Add white Gaussian noise with a random standard deviation per image.

    Args:
        images: torch.Tensor, float32, (N, C, H, W) (NCHW), clean images in [0, 1].
        sigma_range: [lo, hi], two floats; image i gets noise of std sigma_i ~ Uniform(lo, hi).
        seed: int; the same seed gives the same sigmas and noise, independent of torch's global RNG.
    Returns:
        torch.Tensor with the shape, dtype and device of `images`: images + sigma_i * N(0, 1) noise,
        drawn independently for every element, NOT clipped (values may leave [0, 1]).
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: torch.Generator(device=...).manual_seed(seed); torch.rand of shape (N, 1, 1, 1) for the sigmas, torch.randn for the noise.
    lo, hi = sigma_range
    generator = torch.Generator(device=images.device).manual_seed(int(seed))
    shape = (images.shape[0],) + (1,) * (images.dim() - 1)          # one sigma per image, broadcast
    sigma = lo + (hi - lo) * torch.rand(shape, generator=generator, device=images.device, dtype=images.dtype)
    noise = torch.randn(images.shape, generator=generator, device=images.device, dtype=images.dtype)
    return images + sigma * noise
    ### END SOLUTION


# %% tags=["check"]
check("add_blind_noise")

# %% [markdown]
# ## Part 2: the network predicts the noise
#
# DnCNN (Zhang et al., 2017) is a plain stack of 3x3 convolutions at full resolution, with no pooling
# and no skip connections inside: `Conv + ReLU`, then `depth - 2` times `Conv (+ BatchNorm) + ReLU`,
# then a last `Conv` to one channel. Its output is the **noise estimate** $\hat n = R(y)$, so the last
# layer has **no activation**: noise is negative as often as positive, and a sigmoid or ReLU could not
# produce it. Here: depth 5, 16 channels, `padding=1` so the output has the input's size; BatchNorm
# is left out (see the lesson).
# The grader accepts at most 50,000 parameters (this model has about 7,000) and requires the same
# seed to give the same initial weights.

# %% tags=["solution"]
class DnCNN(nn.Module):
    """Residual denoiser: forward(y) returns the estimated NOISE, not the clean image.

    forward(y): y is a float32 tensor (N, 1, H, W) (NCHW), any H and W, noisy images (roughly [0, 1],
    not clipped). Returns a float32 tensor (N, 1, H, W), unbounded (no output activation).
    """

    def __init__(self, depth=5, features=16):
        super().__init__()
        ### BEGIN SOLUTION (about 6 lines) Hint: a list of layers, nn.Conv2d(..., 3, padding=1) and nn.ReLU(), wrapped in nn.Sequential.
        layers = [nn.Conv2d(1, features, 3, padding=1), nn.ReLU()]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(features, features, 3, padding=1), nn.ReLU()]
        layers.append(nn.Conv2d(features, 1, 3, padding=1))      # the noise estimate: no activation
        self.layers = nn.Sequential(*layers)
        ### END SOLUTION

    def forward(self, y):
        ### BEGIN SOLUTION (about 1 line)
        return self.layers(y)
        ### END SOLUTION


def build_dncnn(seed, depth=5, features=16):
    """A freshly initialised DnCNN on DEVICE.

    Args:
        seed: int; the same seed gives the same initial weights.
        depth, features: number of conv layers and channels of the hidden ones.
    Returns:
        torch.nn.Module mapping noisy (N, 1, H, W) float32 to the estimated noise (N, 1, H, W) float32.
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.manual_seed before creating the layers.
    torch.manual_seed(seed)
    return DnCNN(depth, features).to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 3: denoising is a subtraction
#
# The denoised image is the input minus the predicted noise, clipped to the valid range:
#
# $$\hat x = \operatorname{clip}\big(y - R(y),\ 0,\ 1\big)$$
#
# Run the model in inference mode (`model.eval()`, `torch.no_grad()`).

# %% tags=["solution"]
def denoise(model, noisy):
    """Denoise images with a residual (noise-predicting) model.

    Args:
        model: a module from build_dncnn (trained or not).
        noisy: torch.Tensor float32 (N, 1, H, W) (NCHW), noisy images (values may leave [0, 1]).
    Returns:
        torch.Tensor float32 (N, 1, H, W) in [0, 1]: clip(noisy - model(noisy), 0, 1).
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: model.eval(); with torch.no_grad(): ...; .clamp(0, 1).
    model.eval()
    with torch.no_grad():
        noisy = noisy.to(DEVICE)
        return (noisy - model(noisy)).clamp(0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("denoise")

# %% [markdown]
# ## Part 4: blind training
#
# Each step: sample a minibatch of clean patches, corrupt it with `add_blind_noise` (fresh noise and
# fresh sigmas every step), and minimise the mean squared error between the model's output and the
# **noise** $y - x$ (not the clean image):
#
# $$\mathcal L(\theta) = \frac{1}{N}\sum_i \big\lVert R_\theta(y_i) - (y_i - x_i)\big\rVert^2$$
#
# Adam with learning rate 5e-3 and batch size 16 train this small model in a few hundred steps. The
# grader trains your model with your function, then measures on product shots it never saw, at several
# noise levels, whether the model's output is the noise and whether subtracting it beats the best
# Gaussian filter (its width tuned per level, with hindsight).
#
# What the grader enforces here: it calls `train_dncnn(model, 512 clean 24x24 patches, [0.05, 0.3],
# steps=250, seed)` and counts the optimizer updates: exactly `steps` (one minibatch each, not epochs)
# earn the first point; the returned losses are checked for format only (one finite float per step).
# On its own held-out shots it measures the error of the model's output against the noise (it must
# fall below 0.8x its value before training), and requires the denoised shots to beat the tuned
# Gaussian filter at sigma 0.1 and 0.2 and stay within 1 dB of it at 0.3. Then it shuffles the values
# inside every weight tensor and denoises again: the gain over the noisy input must collapse (to at
# most +2 dB at sigma 0.2), so the result has to come from the network's forward pass, not from a
# classical filter switched on after training.

# %% tags=["solution"]
def train_dncnn(model, clean, sigma_range, steps, seed, batch_size=16, lr=5e-3):
    """Train `model` in place to predict the noise of images with a random noise level each.

    Args:
        model: the module from build_dncnn.
        clean: torch.Tensor float32 (N, 1, H, W) (NCHW), clean training patches in [0, 1].
        sigma_range: [lo, hi], the range of noise standard deviations to train on.
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches, the sigmas and the noise.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss (MSE against the noise) of each step.
    """
    ### BEGIN SOLUTION (about 14 lines) Hint: numpy default_rng(seed) for batch indices and noise seeds; F.mse_loss(model(noisy), noisy - clean_batch).
    rng = np.random.default_rng(seed)
    clean = clean.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        target = clean[torch.as_tensor(rng.integers(0, len(clean), batch_size), device=DEVICE)]
        noisy = add_blind_noise(target, sigma_range, int(rng.integers(2**31 - 1)))
        loss = F.mse_loss(model(noisy), noisy - target)  # the target is the NOISE
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train one model on product shots with noise levels from 0.05 to 0.3, then denoise shots it has never
# seen at three noise levels with that same model. The Gaussian filter's width is tuned per level
# (with hindsight); the network needs no knob: it reads the noise level off the image.

# %% tags=["demo"]
from scipy import ndimage

from fixtures.dncnn import product_shots
from graders import metrics, plots

sigma_range = [0.05, 0.3]
train_clean = torch.as_tensor(product_shots(512, size=24, seed=0)[:, None])
test_clean = product_shots(8, size=32, seed=1)

model = build_dncnn(seed=0)
losses = train_dncnn(model, train_clean, sigma_range, steps=250, seed=0)

rows = [test_clean]
for k, sigma in enumerate([0.05, 0.15, 0.3]):
    noisy = test_clean + sigma * np.random.default_rng(k).standard_normal(test_clean.shape).astype(np.float32)
    denoised = denoise(model, torch.as_tensor(noisy[:, None])).cpu().numpy()[:, 0]
    blur = max((ndimage.gaussian_filter(noisy, (0, w, w)) for w in np.arange(0.3, 2.6, 0.1)),
               key=lambda b: metrics.psnr(np.clip(b, 0, 1), test_clean, 1.0))
    print(f"sigma {sigma:.2f}: noisy {metrics.psnr(np.clip(noisy, 0, 1), test_clean, 1.0):5.2f} dB, "
          f"best Gaussian filter {metrics.psnr(np.clip(blur, 0, 1), test_clean, 1.0):5.2f} dB, "
          f"DnCNN {metrics.psnr(denoised, test_clean, 1.0):5.2f} dB")
    rows += [np.clip(noisy, 0, 1), denoised]
plots.loss_curve({"train MSE (noise)": losses}, smooth=10)
plt.show()
plots.image_grid(np.concatenate(rows), ncols=8,
                 title="clean / noisy and denoised at sigma 0.05, 0.15, 0.3")
plt.show()
