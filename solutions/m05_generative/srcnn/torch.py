# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
# Models and tensors live on `DEVICE` (the GPU when there is one). Images are float32 in [0, 1],
# NCHW: (N, C, H, W).

# %% tags=["setup"]
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from graders.notebook import checker

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
check = checker("srcnn", "torch", globals())

# %% [markdown]
# ## Part 1: luminance and chrominance
#
# Super-resolution papers (SRCNN, VDSR, ESPCN, EDSR...) super-resolve and score only the
# **luminance** Y of the YCbCr colour space: the eye is most sensitive to luminance detail, and the
# two chroma channels Cb and Cr are simply upscaled with bicubic interpolation. The convention is
# ITU-R BT.601 in **studio range**, as MATLAB's `rgb2ycbcr`, for R, G, B in [0, 1]:
#
# $$\begin{pmatrix}Y\\C_b\\C_r\end{pmatrix} = \frac{1}{255}\left[\begin{pmatrix}16\\128\\128\end{pmatrix}
# + \begin{pmatrix}65.481 & 128.553 & 24.966\\ -37.797 & -74.203 & 112.0\\ 112.0 & -93.786 & -18.214\end{pmatrix}
# \begin{pmatrix}R\\G\\B\end{pmatrix}\right]$$
#
# so Y lies in [16/255, 235/255] and Cb, Cr in [16/255, 240/255]. (OpenCV's `COLOR_RGB2YCrCb` is
# the *full-range* JPEG variant, Y = 0.299 R + 0.587 G + 0.114 B, with the channels in the order
# Y, Cr, Cb: a PSNR measured on it is not comparable with the papers'.)
#
# Write the conversion and its inverse for NCHW batches. The matrix and offset are given.

# %% tags=["solution"]
RGB_TO_YCBCR = torch.tensor([[65.481, 128.553, 24.966],
                             [-37.797, -74.203, 112.0],
                             [112.0, -93.786, -18.214]]) / 255.0
YCBCR_OFFSET = torch.tensor([16.0, 128.0, 128.0]) / 255.0


def rgb_to_ycbcr(images):
    """RGB -> YCbCr (BT.601, studio range).

    Args:
        images: torch.Tensor float32 (N, 3, H, W) (NCHW), channels R, G, B in [0, 1].
    Returns:
        torch.Tensor float32 (N, 3, H, W), channels Y, Cb, Cr: Y in [16/255, 235/255],
        Cb and Cr in [16/255, 240/255]. Same device as `images`.
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: torch.einsum("ij,njhw->nihw", matrix, images) + offset[None, :, None, None].
    matrix = RGB_TO_YCBCR.to(images.device, images.dtype)
    offset = YCBCR_OFFSET.to(images.device, images.dtype)
    return torch.einsum("ij,njhw->nihw", matrix, images) + offset[None, :, None, None]
    ### END SOLUTION


def ycbcr_to_rgb(images):
    """YCbCr -> RGB, the exact inverse of rgb_to_ycbcr (no clipping).

    Args:
        images: torch.Tensor float32 (N, 3, H, W) (NCHW), channels Y, Cb, Cr.
    Returns:
        torch.Tensor float32 (N, 3, H, W), channels R, G, B (in [0, 1] when the input came from
        rgb_to_ycbcr of an image in [0, 1]; not clipped).
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: subtract the offset, then apply torch.linalg.inv(matrix).
    inverse = torch.linalg.inv(RGB_TO_YCBCR.double()).to(images.device, images.dtype)
    offset = YCBCR_OFFSET.to(images.device, images.dtype)
    return torch.einsum("ij,njhw->nihw", inverse, images - offset[None, :, None, None])
    ### END SOLUTION


# %% tags=["check"]
check("ycbcr")

# %% [markdown]
# ## Part 2: the bicubic baseline
#
# Bicubic interpolation is both the baseline to beat and SRCNN's first step: the network does not
# enlarge the image, it *restores* a bicubic-upscaled one. Each output pixel is a weighted sum of
# 4x4 input pixels, with the cubic convolution kernel of Keys (1981); pixel centres are aligned
# (`align_corners=False`: output pixel $i$ samples input position $(i + 0.5)/s - 0.5$). Bicubic
# overshoots at edges, so clip the result to [0, 1].

# %% tags=["solution"]
def bicubic_upscale(images, scale):
    """Enlarge images by an integer factor with bicubic interpolation.

    Args:
        images: torch.Tensor float32 (N, C, h, w) (NCHW), values in [0, 1]; any C.
        scale: int, the enlargement factor (2, 3, 4...).
    Returns:
        torch.Tensor float32 (N, C, h * scale, w * scale), values clipped to [0, 1].
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: F.interpolate(..., scale_factor=scale, mode="bicubic", align_corners=False), then .clamp.
    up = F.interpolate(images, scale_factor=scale, mode="bicubic", align_corners=False)
    return up.clamp(0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("bicubic")

# %% [markdown]
# ## Part 3: PSNR with a shaved border
#
# Super-resolution results are reported as PSNR on Y, $10\log_{10}(1/\mathrm{MSE})$ dB for values in
# [0, 1], after **shaving** `border` pixels off each side of the image (the convention: `border` =
# the scale factor). Near the border the interpolation and the network's zero padding see
# pixels that do not exist, and every method fails there in its own way; shaving keeps the
# comparison about the image content.
#
# Compute one MSE over all the remaining values of the batch (as `graders.metrics.psnr` does).
# Careful with `border = 0`: `x[..., 0:-0]` is empty.

# %% tags=["solution"]
def psnr_shaved(sr, hr, border):
    """PSNR in dB between two batches of images after removing `border` pixels on each side.

    Args:
        sr, hr: torch.Tensor float32 (N, C, H, W) (NCHW), values in [0, 1] (data range 1).
        border: int >= 0, pixels removed at the top, bottom, left and right (0: none).
    Returns:
        Python float: 10 * log10(1 / MSE), the MSE taken over all values of the shaved batch.
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: slice [..., border:H - border, border:W - border]; torch.log10; compute in float64.
    h, w = sr.shape[-2:]
    sr = sr[..., border:h - border, border:w - border].double()
    hr = hr[..., border:h - border, border:w - border].double()
    mse = torch.mean((sr - hr) ** 2)
    return float(10 * torch.log10(1.0 / mse))
    ### END SOLUTION


# %% tags=["check"]
check("psnr")

# %% [markdown]
# ## Part 4: SRCNN
#
# SRCNN (Dong et al., 2014) is three convolutions, each with a meaning: **patch extraction**
# (9x9, 64 filters), **non-linear mapping** (1x1, 32 filters) and **reconstruction** (5x5, 1 filter),
# with ReLUs in between, applied to the bicubic-upscaled Y channel. Ours is scaled down to train in
# seconds on a CPU:
#
# - `Conv2d(1, 32, 5, padding=2)` + LeakyReLU(0.1): patch extraction;
# - `Conv2d(32, 16, 1)` + LeakyReLU(0.1): non-linear mapping;
# - `Conv2d(16, 1, 5, padding=2)`: reconstruction.
#
# "Same" padding keeps the output the size of the input (the paper used no padding and a smaller
# target). One change from the paper, **residual learning** (as in VDSR, 2016): the convolutions
# predict only the detail that bicubic misses, and the model returns `x + convs(x)`. Initialise the
# reconstruction layer with tiny weights (Gaussian, standard deviation 1e-3, as the paper
# initialised all its layers) and a zero bias, so the untrained model is the bicubic image plus
# almost nothing: it then trains in a few hundred steps, where the plain SRCNN needs far more.

# %% tags=["solution"]
class SRCNN(nn.Module):
    """Residual SRCNN on luminance.

    forward(x): x float32 (N, 1, H, W) (NCHW), the bicubic-upscaled Y channel (about [0, 1]), any
    H and W. Returns float32 (N, 1, H, W): x plus the predicted missing detail (not clipped).
    """

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION (about 5 lines) Hint: three nn.Conv2d layers named extract, map, reconstruct; nn.init.normal_ and nn.init.zeros_.
        self.extract = nn.Conv2d(1, 32, 5, padding=2)      # patch extraction (9x9x64 in the paper)
        self.map = nn.Conv2d(32, 16, 1)                     # non-linear mapping (1x1x32)
        self.reconstruct = nn.Conv2d(16, 1, 5, padding=2)  # reconstruction (5x5x1)
        nn.init.normal_(self.reconstruct.weight, std=1e-3)  # start close to bicubic (the paper's init)
        nn.init.zeros_(self.reconstruct.bias)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION (about 3 lines) Hint: F.leaky_relu(..., 0.1) after the first two convolutions.
        h = F.leaky_relu(self.extract(x), 0.1)
        h = F.leaky_relu(self.map(h), 0.1)
        return x + self.reconstruct(h)  # residual: the network adds the detail bicubic misses
        ### END SOLUTION


def build_srcnn(seed):
    """A freshly initialised SRCNN on DEVICE.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        torch.nn.Module mapping (N, 1, H, W) float32 to (N, 1, H, W) float32.
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.manual_seed before creating the layers.
    torch.manual_seed(seed)
    return SRCNN().to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 5: training
#
# Training pairs are made from high-resolution patches: shrink each patch by the scale factor, then
# enlarge it back with bicubic interpolation. The network's input is the blurry **upscaled** patch,
# its target the original **high-resolution** patch, both as Y; the loss is the mean squared error
# (minimising MSE maximises PSNR). The grader hands you the pairs ready-made. Adam with learning
# rate 2e-3 and batches of 16 patches gains one or two tenths of a dB over bicubic in 300 steps.
#
# The grader trains your model with your function, then super-resolves the Y channel of patches of
# *other* photographs and measures the PSNR (border shaved) of your model's output and of bicubic
# against the originals.
#
# What the grader enforces: `train_srcnn(model, 256 pairs of 18x18, steps=300, seed)` must take exactly
# `steps` optimizer updates (one minibatch each, not epochs); the returned losses are checked for
# format only (one finite Python float per step). The points are for what the grader measures itself
# on held-out patches: the output must differ from its bicubic input (at least 0.002 RMS), beat
# bicubic by at least +0.04 dB at x3 (and at x2 in the hidden check), its error must have fallen during
# training, and with the values inside every weight tensor shuffled the model must no longer reach that
# bar: the gain has to come from the network (an unsharp mask switched on after training gains about
# +0.16 dB on its own, but not from the weights). The model may have at most 20,000 parameters.

# %% tags=["solution"]
def train_srcnn(model, upscaled, target, steps, seed, batch_size=16, learning_rate=2e-3):
    """Train `model` in place to map bicubic-upscaled Y patches to the high-resolution ones.

    Args:
        model: the module from build_srcnn.
        upscaled: torch.Tensor float32 (N, 1, H, W) (NCHW): bicubic-upscaled low-resolution Y
            patches, the network's inputs.
        target: torch.Tensor float32 (N, 1, H, W): the high-resolution Y patches, the targets.
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches.
        batch_size, learning_rate: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss (MSE) of each step.
    """
    ### BEGIN SOLUTION (about 12 lines) Hint: numpy default_rng(seed) for the batch indices; F.mse_loss(model(inputs), targets).
    rng = np.random.default_rng(seed)
    upscaled, target = upscaled.to(DEVICE), target.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    model.train()
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(upscaled), batch_size), device=DEVICE)
        loss = F.mse_loss(model(upscaled[idx]), target[idx])  # the target is the HIGH-resolution patch
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## Part 6: super-resolving a colour image
#
# Put the pieces together: enlarge the low-resolution RGB image with bicubic interpolation, convert
# it to YCbCr, run **only Y** through the network, keep the bicubic Cb and Cr, convert back to RGB
# and clip to [0, 1]. Upscale *before* the network: SRCNN restores detail at the target size, it
# does not change the size.

# %% tags=["solution"]
def super_resolve(model, low_res, scale):
    """Super-resolve RGB images: the network on bicubic Y, bicubic Cb and Cr.

    Args:
        model: the SRCNN from build_srcnn (trained or not).
        low_res: torch.Tensor float32 (N, 3, h, w) (NCHW), RGB in [0, 1].
        scale: int, the enlargement factor.
    Returns:
        torch.Tensor float32 (N, 3, h * scale, w * scale), RGB clipped to [0, 1].
    """
    ### BEGIN SOLUTION (about 6 lines) Hint: bicubic_upscale, rgb_to_ycbcr, model(ycc[:, :1]) under torch.no_grad(), torch.cat, ycbcr_to_rgb.
    ycc = rgb_to_ycbcr(bicubic_upscale(low_res, scale))
    model.eval()
    with torch.no_grad():
        y = model(ycc[:, :1])
    return ycbcr_to_rgb(torch.cat([y, ycc[:, 1:]], dim=1)).clamp(0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("super_resolve")

# %% [markdown]
# ## See it work
#
# Train on Y patches of the training photographs at scale 3, then super-resolve Y patches of
# photographs the model has never seen and a colour image. PSNR is measured on Y with a shaved
# border of 3 pixels. The gain over bicubic is small after a few seconds of training on a CPU; the
# paper's model trains for days and gains about 2.4 dB at scale 3 (Set5: 30.39 -> 32.75 dB).

# %% tags=["demo"]
from fixtures import degrade, images
from graders import plots

scale = 3
grey = images.patches(256, size=18, split="train", seed=0)
hr_y = degrade.rgb_to_y(np.repeat(grey[..., None], 3, axis=-1))           # (N, 18, 18) Y
up_y = degrade.upscale_bicubic(degrade.downscale(hr_y, scale), scale)     # blurry input, same size

model = build_srcnn(seed=0)
losses = train_srcnn(model, torch.as_tensor(up_y[:, None]), torch.as_tensor(hr_y[:, None]), steps=300, seed=0)

test_grey = images.patches(8, size=48, split="test", seed=1)
test_y = degrade.rgb_to_y(np.repeat(test_grey[..., None], 3, axis=-1))
test_up = torch.as_tensor(degrade.upscale_bicubic(degrade.downscale(test_y, scale), scale)[:, None], device=DEVICE)
model.eval()
with torch.no_grad():
    test_sr = model(test_up).clamp(0, 1)
test_hr = torch.as_tensor(test_y[:, None], device=DEVICE)
print(f"bicubic: {psnr_shaved(test_up, test_hr, scale):.2f} dB, SRCNN: {psnr_shaved(test_sr, test_hr, scale):.2f} dB "
      f"(Y, border {scale} shaved)")
plots.loss_curve({"train MSE": losses}, smooth=10)
plt.show()
plots.image_grid(torch.cat([test_hr, test_up, test_sr]).cpu(), layout="NCHW", ncols=8,
                 title="rows: original Y / bicubic / SRCNN")
plt.show()

colour = images.patches(4, size=48, split="test", seed=2, gray=False)      # (4, 48, 48, 3)
low = torch.as_tensor(degrade.downscale(colour, scale).transpose(0, 3, 1, 2), device=DEVICE)
sr = super_resolve(model, low, scale)
plots.image_grid(np.concatenate([colour, degrade.upscale_bicubic(degrade.downscale(colour, scale), scale),
                                 sr.cpu().numpy().transpose(0, 2, 3, 1)]), ncols=4,
                 title="rows: original / bicubic / SRCNN on Y + bicubic CbCr")
plt.show()
