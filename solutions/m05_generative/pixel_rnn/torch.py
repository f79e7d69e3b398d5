# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
# Models and tensors live on `DEVICE` (the GPU when there is one).

# %% tags=["setup"]
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from graders.notebook import checker

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
check = checker("pixel_rnn", "torch", globals())

# %% [markdown]
# ## Part 1: the causal mask
#
# A PixelCNN reads the image in raster order (row by row, left to right) and predicts every pixel
# from the pixels *before* it. A convolution sees a whole $k \times k$ neighbourhood, so its kernel
# is multiplied by a mask that zeroes every weight on the current pixel's row to its right and on
# every row below:
#
# ```
# mask A (k=5)      mask B (k=5)
# 1 1 1 1 1         1 1 1 1 1
# 1 1 1 1 1         1 1 1 1 1
# 1 1 0 0 0         1 1 1 0 0
# 0 0 0 0 0         0 0 0 0 0
# 0 0 0 0 0         0 0 0 0 0
# ```
#
# Mask **A** also zeroes the centre: the first layer must not see the pixel it predicts. Mask **B**
# keeps the centre: in later layers, position $i$ holds features computed from pixels before $i$
# only, so using them is allowed (and needed to see the left neighbour's features).

# %% tags=["solution"]
def causal_mask(kernel_size, mask_type):
    """The PixelCNN mask of one convolution kernel.

    Args:
        kernel_size: odd int k (1, 3, 5, 7, ...).
        mask_type: "A" (excludes the centre; the first layer) or "B" (includes it; later layers).
    Returns:
        torch.Tensor float32 of shape (k, k), values 0 or 1: 1 on every row above the centre and on
        the centre row left of the centre (and at the centre itself for "B"), 0 elsewhere.
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: start from torch.ones; zero the rows below the centre, then the centre row from the centre (A) or just after it (B).
    centre = kernel_size // 2
    mask = torch.ones(kernel_size, kernel_size, dtype=torch.float32)
    mask[centre, centre + (mask_type == "B"):] = 0   # the centre row: the centre (A only) and to its right
    mask[centre + 1:, :] = 0                          # every row below
    return mask
    ### END SOLUTION


# %% tags=["check"]
check("causal_mask")

# %% [markdown]
# ## Part 2: the PixelCNN
#
# `MaskedConv2d` is an `nn.Conv2d` whose weight is multiplied by the mask **in every forward
# pass** (store the mask with `register_buffer` so it moves with `.to(DEVICE)`). Multiplying the
# weights once at construction is not enough: the optimiser would fill the masked weights back in.
#
# The network, with "same" padding everywhere so the output has the input's size:
#
# - `MaskedConv2d(1, channels, 7, "A")` + ReLU: the only layer with mask A;
# - `n_layers` times `MaskedConv2d(channels, channels, 3, "B")` + ReLU;
# - `Conv2d(channels, 1, 1)`: one **logit** per pixel, $\log\frac{p}{1-p}$ of
#   $p(x_i = 1 \mid x_{<i})$ (no sigmoid: the loss takes logits).
#
# The grader checks causality itself: it flips one pixel $j$ of a binary image and verifies that
# the logits at every position $i \le j$ (raster order) stay the same, while later ones do change.
# The model may have at most 50,000 parameters (this one has about 5,000), and the same seed must give
# the same initial weights.

# %% tags=["solution"]
class MaskedConv2d(nn.Conv2d):
    """A square convolution with "same" padding whose kernel is masked by causal_mask(k, mask_type).

    forward(x): float32 (N, in_channels, H, W) (NCHW) -> float32 (N, out_channels, H, W); the output at
    (r, c) uses only inputs before (r, c) in raster order (and (r, c) itself for mask "B").
    """

    def __init__(self, in_channels, out_channels, kernel_size, mask_type):
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
        ### BEGIN SOLUTION (about 1 line) Hint: self.register_buffer("mask", causal_mask(...)).
        self.register_buffer("mask", causal_mask(kernel_size, mask_type))
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION (about 1 line) Hint: F.conv2d with self.weight * self.mask.
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)
        ### END SOLUTION


def build_pixelcnn(seed, channels=16, n_layers=2):
    """A freshly initialised PixelCNN for binary images, on DEVICE.

    Args:
        seed: int; the same seed gives the same initial weights.
        channels: feature maps per hidden layer.
        n_layers: number of 3x3 mask-B layers after the 7x7 mask-A layer.
    Returns:
        torch.nn.Module mapping x, float32 (N, 1, H, W) (NCHW) with values in {0, 1}, any H and W,
        to logits float32 (N, 1, H, W): logits[n, 0, r, c] depends only on the pixels before (r, c)
        in raster order.
    """
    ### BEGIN SOLUTION (about 6 lines) Hint: torch.manual_seed(seed), then an nn.Sequential; mask "A" in the first layer only.
    torch.manual_seed(seed)
    layers = [MaskedConv2d(1, channels, 7, "A"), nn.ReLU()]
    for _ in range(n_layers):
        layers += [MaskedConv2d(channels, channels, 3, "B"), nn.ReLU()]
    layers.append(nn.Conv2d(channels, 1, 1))   # a 1x1 conv sees only its own position: causal
    return nn.Sequential(*layers).to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 3: bits per dimension
#
# The model gives every pixel a Bernoulli distribution, so the negative log-likelihood of an image
# is a sum of binary cross-entropies, one per pixel. The usual unit is **bits per dimension**: the
# NLL in bits (divide nats by $\ln 2$) averaged over pixels,
#
# $$\text{bits/dim} = \frac{1}{N\,H\,W}\sum_{n,i} \frac{\mathrm{BCE}(\ell_{n,i}, x_{n,i})}{\ln 2},
# \qquad \mathrm{BCE}(\ell, x) = \log(1 + e^{\ell}) - x\,\ell .$$
#
# A coin flip costs exactly 1 bit per pixel. Compute it from the logits
# (`F.binary_cross_entropy_with_logits`), never as `log(sigmoid(...))`, which underflows.

# %% tags=["solution"]
def bits_per_dim(logits, x):
    """Mean negative log-likelihood in bits per pixel of binary images under per-pixel Bernoullis.

    Args:
        logits: torch.Tensor float32 (N, 1, H, W) (NCHW), any real values.
        x: torch.Tensor float32 (N, 1, H, W), values in {0, 1}.
    Returns:
        0-dim torch.Tensor (float32): the BCE of the logits against x, in bits, averaged over all
        N * H * W pixels. Differentiable (training minimises it).
    """
    ### BEGIN SOLUTION (about 1 line) Hint: F.binary_cross_entropy_with_logits, then / math.log(2).
    return F.binary_cross_entropy_with_logits(logits, x) / math.log(2)
    ### END SOLUTION


# %% tags=["check"]
check("bits_per_dim")

# %% [markdown]
# ## Part 4: training
#
# Thanks to the masks, one forward pass gives the prediction for *every* pixel from its true
# predecessors (teacher forcing), so training is a plain minibatch loop: the input **and** the
# target are the same image batch. Do not shift the target by one pixel as you would for a
# language model: mask A already does the shift. Adam with learning rate 5e-3 and batch size 32
# train this model in a couple of hundred steps.
#
# The grader trains your model with your function, checks that it is still causal, then computes
# the bits/dim of its logits on held-out digits with its own code and compares them with a coin
# flip (1 bit/dim) and with the best model that treats pixels as independent: at most 0.40 bits/dim
# and 0.1 below independent pixels (the reference gets about 0.26), and not below 0.15, which no
# model of this size reaches in this budget. It trains for 150 steps and counts the optimizer updates:
# exactly `steps` (one minibatch each; `steps` are not epochs). The list of losses you return is
# checked for its format only: the point goes to the bits/dim the grader measures before and after.

# %% tags=["solution"]
def train_pixelcnn(model, images, steps, seed, batch_size=32, lr=5e-3):
    """Train `model` in place by maximum likelihood (minimising bits/dim).

    Args:
        model: the module from build_pixelcnn.
        images: torch.Tensor float32 (N, 1, H, W) (NCHW), binary training images (values in {0, 1}).
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training bits/dim of each step.
    """
    ### BEGIN SOLUTION (about 11 lines) Hint: numpy default_rng(seed) for the batch indices; bits_per_dim(model(batch), batch).
    rng = np.random.default_rng(seed)
    images = images.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        batch = images[torch.as_tensor(rng.integers(0, len(images), batch_size), device=DEVICE)]
        loss = bits_per_dim(model(batch), batch)   # input and target are the same images
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## Part 5: sampling
#
# Generation is sequential: start from an all-zero canvas and, for each position in raster order,
# run the model, turn the logit at that position into a probability and draw the pixel from
# $\mathrm{Bernoulli}(\sigma(\ell_i))$. Pixels not drawn yet are zeros, but causality guarantees
# that the logit at $i$ ignores them. That is $H \times W$ forward passes for one batch of images:
# training is parallel, sampling is not.
#
# Draw, do not take the most likely value: thresholding at 0.5 gives the same image every time.
# The grader runs the model on your samples and checks that each pixel was drawn with the
# probability the model gives it in its context. Your samples must be new images: half of them
# must differ from every (binarised) public digit in at least 20 of the 256 pixels (the reference's
# differ in about 55). And they must come from the model: the grader shuffles the values inside every
# weight tensor (keeping tensors of only 0s and 1s, your masks), samples again with the same seed and
# expects at least 5% of the pixels to change, drawn with the shuffled model's probabilities.

# %% tags=["solution"]
def sample(model, n, seed, height=16, width=16):
    """Draw n binary images from the PixelCNN, pixel by pixel in raster order.

    Args:
        model: a module from build_pixelcnn (trained or not).
        n: int, number of images.
        seed: int; the same seed gives the same images, independent of torch's global RNG.
        height, width: the image size.
    Returns:
        torch.Tensor float32 (n, 1, height, width) (NCHW) on DEVICE, values in {0, 1}.
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: torch.Generator(device=DEVICE).manual_seed(seed); two loops; torch.bernoulli(p, generator=...).
    generator = torch.Generator(device=DEVICE).manual_seed(int(seed))
    x = torch.zeros(n, 1, height, width, device=DEVICE)
    model.eval()
    with torch.no_grad():
        for r in range(height):
            for c in range(width):
                p = torch.sigmoid(model(x)[:, :, r, c])
                x[:, :, r, c] = torch.bernoulli(p, generator=generator)
    return x
    ### END SOLUTION


# %% tags=["check"]
check("sample")

# %% [markdown]
# ## See it work
#
# Train on binarised training digits, measure bits/dim on held-out digits against two baselines
# (a coin flip, and independent pixels with the training set's per-pixel frequencies), then draw
# a few digits. With a few hundred steps the samples are digit-like strokes; more channels,
# layers and steps (try `steps=2000`) make them crisper.

# %% tags=["demo"]
from fixtures import digits
from graders import plots

train_x = (digits.load_digits("train")[0] > 0.5).astype(np.float32)[:, None]
test_x = (digits.load_digits("test")[0] > 0.5).astype(np.float32)[:, None]

model = build_pixelcnn(seed=0)
losses = train_pixelcnn(model, torch.as_tensor(train_x), steps=300, seed=0)
model.eval()
with torch.no_grad():
    test_t = torch.as_tensor(test_x, device=DEVICE)
    heldout = bits_per_dim(model(test_t), test_t).item()
p = train_x.mean(axis=0).clip(1e-3, 1 - 1e-3)
independent = float(-(test_x * np.log2(p) + (1 - test_x) * np.log2(1 - p)).mean())
print(f"held-out bits/dim: PixelCNN {heldout:.3f}, independent pixels {independent:.3f}, coin flip 1.000")

plots.loss_curve({"train bits/dim": losses}, smooth=10)
plt.show()
samples = sample(model, 16, seed=0)
plots.image_grid(np.concatenate([test_x[:16], samples.cpu().numpy()]), layout="NCHW", ncols=16,
                 title="top: held-out digits / bottom: PixelCNN samples")
plt.show()
