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
check = checker("denoising_autoencoder", "torch", globals())

# %% [markdown]
# ## Part 1: the corruption
#
# A denoising autoencoder is trained on pairs (noisy input, clean target) that you make yourself
# from clean images. Add white Gaussian noise of standard deviation `sigma` (not variance) to every
# pixel, independently for every pixel *and every image*, then clip to the valid range [0, 1]:
#
# $$\tilde x = \operatorname{clip}(x + \sigma\,\varepsilon,\ 0,\ 1),\qquad \varepsilon \sim \mathcal N(0, 1)$$
#
# Use a `torch.Generator` seeded with `seed`, so the same seed always gives the same noise whatever
# the global random state is.

# %% tags=["solution"]
def add_noise(images, sigma, seed):
    """Corrupt images with clipped additive white Gaussian noise.

    Args:
        images: torch.Tensor, float32, any shape, e.g. (N, 1, H, W) (NCHW), values in [0, 1].
        sigma: float, the noise's standard deviation (0.1 = 10% of the intensity range).
        seed: int; the same seed gives the same noise, independent of torch's global RNG.
    Returns:
        torch.Tensor with the shape, dtype and device of `images`, values in [0, 1]:
        clip(images + sigma * N(0, 1) noise drawn independently for every element, 0, 1).
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: torch.Generator(device=...).manual_seed(seed), torch.randn(..., generator=...), .clamp.
    generator = torch.Generator(device=images.device).manual_seed(int(seed))
    noise = torch.randn(images.shape, generator=generator, device=images.device, dtype=images.dtype)
    return (images + sigma * noise).clamp(0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("add_noise")

# %% [markdown]
# ## Part 2: the autoencoder
#
# A small convolutional encoder-decoder:
#
# - **encoder**: `Conv2d(1, 16, 3, stride=2, padding=1)` + LeakyReLU(0.2) halves the resolution
#   (32x32 -> 16x16), then `Conv2d(16, 32, 3, padding=1)` + LeakyReLU(0.2);
# - **decoder**: `ConvTranspose2d(32, 1, 4, stride=2, padding=1)` brings back the full resolution,
#   then a **sigmoid** keeps the output in [0, 1] like the images.
#
# Mind the transposed convolution's output size, $(H_{in}-1)\cdot s - 2p + k$ (+ `output_padding`):
# kernel 4, stride 2, padding 1 doubles it exactly; kernel 3, stride 2, padding 1 gives 31 from 16.
# Keep it fully convolutional (no `Linear` layer), so it denoises images of any size whose height
# and width are multiples of 8.
#
# LeakyReLU rather than ReLU: with the high learning rate used here, plain ReLUs tend to "die"
# (stay at zero for every input) and the model then lands well below its potential on some seeds.

# %% tags=["solution"]
class DenoisingAutoencoder(nn.Module):
    """Convolutional denoising autoencoder.

    forward(x): x is a float32 tensor (N, 1, H, W) (NCHW), H and W multiples of 8, values in [0, 1]
    (noisy). Returns a float32 tensor (N, 1, H, W), values in [0, 1] for any input (sigmoid output).
    """

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION (about 9 lines) Hint: self.encoder and self.decoder as nn.Sequential; end with nn.Sigmoid().
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.LeakyReLU(0.2),   # (N, 16, H/2, W/2)
            nn.Conv2d(16, 32, 3, padding=1), nn.LeakyReLU(0.2),             # (N, 32, H/2, W/2)
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1),      # (N, 1, H, W)
            nn.Sigmoid(),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION (about 1 line)
        return self.decoder(self.encoder(x))
        ### END SOLUTION


def build_denoiser(seed):
    """A freshly initialised DenoisingAutoencoder on DEVICE.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        torch.nn.Module mapping (N, 1, H, W) float32 in [0, 1] to (N, 1, H, W) float32 in [0, 1].
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.manual_seed before creating the layers.
    torch.manual_seed(seed)
    return DenoisingAutoencoder().to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 3: training
#
# Each step: sample a minibatch of clean patches, corrupt it with `add_noise` (fresh noise every step,
# so the model never sees the same noisy image twice), and minimise the mean squared error between the
# model's output on the **noisy** batch and the **clean** batch. Adam with learning rate 5e-3 and
# batch size 16 train this model in a few hundred steps.
#
# The grader trains your model with your function, then measures PSNR and SSIM of its output on
# noisy patches cut from *other* photographs than the training ones, compares them with the noisy
# input's, and measures how much of the noise your model leaves on flat grey images. What the check
# enforces:
#
# - **at most 100,000 parameters** (Part 2) and **exactly `steps` optimizer steps** (the grader counts
#   the optimizer's updates; `steps` is not a number of epochs);
# - PSNR gain over the noisy input of at least +5 dB at sigma 0.2 (+3.5 dB at 0.15, hidden), SSIM gain
#   of at least +0.2 (+0.15), at most 30% (35%) of the noise left on flat grey images;
# - the output must **come from the model's weights**: with the values inside every weight tensor
#   shuffled, the PSNR gain must fall to at most +2 dB (a filter switched on after training does
#   not), and a gain above +13 dB (+12 dB) is not what a model of this size and budget reaches;
# - the list you return is checked for its format only (one float per step); the points go to
#   what the grader measures. The feedback also shows the best-tuned Gaussian blur for comparison.

# %% tags=["solution"]
def train_denoiser(model, clean, sigma, steps, seed, batch_size=16, lr=5e-3):
    """Train `model` in place to map noisy images to clean ones.

    Args:
        model: the module from build_denoiser.
        clean: torch.Tensor float32 (N, 1, H, W) (NCHW), clean training images in [0, 1].
        sigma: float, standard deviation of the Gaussian noise to train on.
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches and the noise.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss (MSE) of each step.
    """
    ### BEGIN SOLUTION (about 13 lines) Hint: numpy default_rng(seed) for the batch indices and per-step noise seeds; F.mse_loss(model(noisy), clean_batch).
    rng = np.random.default_rng(seed)
    clean = clean.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(clean), batch_size), device=DEVICE)
        target = clean[idx]
        noisy = add_noise(target, sigma, int(rng.integers(2**31 - 1)))
        loss = F.mse_loss(model(noisy), target)  # the target is the CLEAN batch
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
# Train on patches of the training photographs, then denoise patches of photographs the model has
# never seen. The last row is a Gaussian blur of the noisy input (1.3 pixels wide), the classical
# baseline: with this tiny model and a few hundred steps the autoencoder is about as good as a
# well-tuned blur; it pulls ahead with more capacity and training (try `steps=2000`).

# %% tags=["demo"]
from scipy import ndimage

from fixtures import images
from graders import metrics, plots

sigma = 0.2
train_clean = torch.as_tensor(images.patches(512, size=32, split="train", seed=0)[:, None])
test_clean = images.patches(8, size=32, split="test", seed=1)
test_noisy = images.add_gaussian_noise(test_clean, sigma, seed=2)

model = build_denoiser(seed=0)
losses = train_denoiser(model, train_clean, sigma, steps=300, seed=0)
model.eval()
with torch.no_grad():
    denoised = model(torch.as_tensor(test_noisy[:, None], device=DEVICE)).cpu().numpy()[:, 0]
blurred = np.stack([ndimage.gaussian_filter(im, 1.3) for im in test_noisy])

for name, im in [("noisy", test_noisy), ("denoised", denoised), ("Gaussian blur", blurred)]:
    print(f"{name:>13}: PSNR {metrics.psnr(im, test_clean, 1.0):5.2f} dB, "
          f"SSIM {metrics.ssim(im[..., None], test_clean[..., None], 1.0):.3f}")
plots.loss_curve({"train MSE": losses}, smooth=10)
plt.show()
plots.image_grid(np.concatenate([test_clean, test_noisy, denoised, blurred]), ncols=8,
                 title="rows: clean / noisy / denoised / Gaussian blur")
plt.show()
