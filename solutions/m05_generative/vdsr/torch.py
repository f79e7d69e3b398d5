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
check = checker("vdsr", "torch", globals())

# %% [markdown]
# ## Part 1: gradient clipping by global norm
#
# VDSR trains with a learning rate far higher than usual, and survives it only because the gradients
# are clipped. Clipping by **global norm** rescales *all* gradient tensors together, so the update keeps
# its direction and only its length is capped:
#
# $$\lVert g\rVert = \sqrt{\textstyle\sum_k \lVert g_k\rVert_2^2},\qquad
#   g_k \leftarrow g_k \cdot \min\!\Big(1,\ \frac{c}{\lVert g\rVert}\Big)$$
#
# Two look-alikes are wrong here: clipping each tensor's norm separately (it changes the direction,
# and lets the total grow with the number of tensors), and clipping each *value* to [-c, c]
# (`clip_grad_value_`). Gradients that are all zero must come back as zeros, not NaN.

# %% tags=["solution"]
def clip_by_global_norm(grads, clip_norm):
    """Rescale a list of gradient tensors so that their global L2 norm is at most `clip_norm`.

    Args:
        grads: list of torch.Tensor (float32 or float64, any shapes), e.g. one per parameter.
        clip_norm: float > 0, the largest global norm allowed.
    Returns:
        list of torch.Tensor, same length, shapes and dtypes as `grads`: every tensor multiplied by the
        same factor min(1, clip_norm / global_norm), global_norm = sqrt(sum of all squared entries).
        Unchanged when global_norm <= clip_norm (including all-zero gradients: no NaN).
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: torch.sqrt(sum((g ** 2).sum() for g in grads)), then clamp the factor at 1.
    total = torch.sqrt(sum((g.double() ** 2).sum() for g in grads))
    scale = torch.clamp(clip_norm / (total + 1e-12), max=1.0)
    return [g * scale.to(g.dtype) for g in grads]
    ### END SOLUTION


# %% tags=["check"]
check("clip")

# %% [markdown]
# ## Part 2: the VDSR network
#
# VDSR does not upscale: its input is the low-resolution image **already enlarged by bicubic
# interpolation** to the target size, and it predicts only the missing detail, the residual
# $r = y_{HR} - x_{bicubic}$. The network is a plain stack of `depth` 3x3 convolutions (padding 1,
# so the size never changes) with `width` channels:
#
# - `Conv2d(1, width, 3, padding=1)` + LeakyReLU(0.2),
# - `depth - 2` times `Conv2d(width, width, 3, padding=1)` + LeakyReLU(0.2),
# - `Conv2d(width, 1, 3, padding=1)` with **no activation** (the residual is positive and negative),
#
# and the **global skip** adds the input back: `forward(x) = x + residual(x)`. Nothing comes after the
# sum (no ReLU, no clamp): with all weights set to zero the model must return its input exactly.
# No pooling and no upsampling layer (the seed answers claim VDSR has both: it has neither).
#
# Initialise as the paper does (He/Kaiming normal, zero biases) and the last layer's weights with a
# tiny std (1e-3), so training starts at the bicubic baseline. LeakyReLU rather than the paper's ReLU:
# with a high learning rate, an early oversized step can "kill" plain ReLUs of a network this small
# (they output 0 for every input), and it then stays at the bicubic baseline on some seeds.
# Depth buys context: each 3x3 layer widens the receptive field by 2, to (2 depth + 1)^2 pixels.

# %% tags=["solution"]
class VDSR(nn.Module):
    """Very deep super-resolution network (Kim et al., 2016) with a global residual skip.

    forward(x): x is a float32 tensor (N, 1, H, W) (NCHW), a bicubic-upscaled grey image (values about
    in [0, 1]; any H, W). Returns a float32 tensor (N, 1, H, W): x + residual(x), nothing after the sum.
    """

    def __init__(self, depth=5, width=16):
        super().__init__()
        ### BEGIN SOLUTION (about 12 lines) Hint: build a list of layers, nn.Sequential(*layers); nn.init.kaiming_normal_(w, a=0.2, nonlinearity="leaky_relu"), nn.init.normal_(std=1e-3).
        layers = [nn.Conv2d(1, width, 3, padding=1), nn.LeakyReLU(0.2)]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.LeakyReLU(0.2)]
        layers.append(nn.Conv2d(width, 1, 3, padding=1))        # linear: the residual has both signs
        self.residual = nn.Sequential(*layers)
        for layer in self.residual:
            if isinstance(layer, nn.Conv2d):
                nn.init.kaiming_normal_(layer.weight, a=0.2, nonlinearity="leaky_relu")
                nn.init.zeros_(layer.bias)
        nn.init.normal_(self.residual[-1].weight, std=1e-3)    # start close to the bicubic input
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION (about 1 line)
        return x + self.residual(x)   # the global skip
        ### END SOLUTION


def build_vdsr(seed, depth=5, width=16):
    """A freshly initialised VDSR on DEVICE.

    Args:
        seed: int; the same seed gives the same initial weights.
        depth: int >= 2, the number of 3x3 convolution layers (receptive field 2 * depth + 1).
        width: int, the channels of the hidden layers.
    Returns:
        torch.nn.Module mapping (N, 1, H, W) float32 to (N, 1, H, W) float32 (NCHW).
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.manual_seed before creating the layers.
    torch.manual_seed(seed)
    return VDSR(depth, width).to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 3: training with a high learning rate and clipped gradients
#
# Each step: sample a minibatch of (bicubic input, high-resolution target) pairs, compute the mean
# squared error between the **model's output and the high-resolution image** (the model already adds
# its input, so comparing with the HR image *is* residual learning), back-propagate, clip the
# gradients' global norm to `clip_norm` with your `clip_by_global_norm`, then take a step of
# **SGD with momentum 0.9** (plain momentum, no Nesterov, no weight decay) at `learning_rate`.
#
# Clip *between* `backward()` and `optimizer.step()`: after the step it is too late. SGD, not Adam:
# Adam divides each gradient by its own running size, so rescaling the gradient barely changes its
# first steps; with SGD the clipped norm directly caps the step, `lr * clip_norm`.
#
# The grader checks that first: one step with a tiny `clip_norm` must move the weights by exactly
# `learning_rate * clip_norm` (in global norm), in the direction of the unclipped step. Then it
# trains your model and measures PSNR on patches of photographs it never saw, against bicubic.
# Without clipping the same `learning_rate=0.5` is unstable (try `clip_norm=1e9` in the demo): it ends
# below bicubic or diverges to NaN, depending on the seed and the framework.
#
# What the grader enforces: the one-step probe above, and the same probe at the training budget (200
# steps of a width-8 model at `learning_rate=1`, `clip_norm=1e-4`): every step must be a clipped SGD
# step, so the weights may move at most `learning_rate * clip_norm * sum_t (1 - 0.9^t) / 0.1` in global
# norm; code that clips only while probed with one step and changes afterwards fails. Each training
# run must take exactly `steps` optimizer updates (one minibatch each, not epochs). The returned losses
# are checked for format only (one finite Python float per step); the points are for what the grader
# measures itself: after 200 steps at the defaults, the model must beat bicubic by at least +0.05 dB on
# held-out photographs (x2, 4-pixel border shaved), its held-out error must have fallen, and with the
# values inside every weight tensor shuffled it must no longer reach that bar, so the gain has to come
# from the network (an unsharp mask switched on after training gains about +0.2 dB on its own, but
# not from the weights). The model may have at most 100,000 parameters at depth 5, width 16.

# %% tags=["solution"]
def train_vdsr(model, lr_up, hr, steps, seed, learning_rate=0.5, clip_norm=0.02, batch_size=8):
    """Train `model` in place to map bicubic-upscaled images to high-resolution ones.

    Args:
        model: the module from build_vdsr.
        lr_up: torch.Tensor float32 (N, 1, H, W) (NCHW), low-resolution images upscaled by bicubic.
        hr: torch.Tensor float32 (N, 1, H, W), the high-resolution originals, values in [0, 1].
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches (numpy default_rng(seed)).
        learning_rate: float, SGD learning rate (momentum 0.9).
        clip_norm: float, the gradients' global norm is clipped to this before every step.
        batch_size: int, minibatch size.
    Returns:
        list of `steps` Python floats: the training loss (MSE) of each step.
    """
    ### BEGIN SOLUTION (about 15 lines) Hint: rng.integers for indices; after loss.backward(), p.grad = clipped gradient for each parameter.
    rng = np.random.default_rng(seed)
    lr_up, hr = lr_up.to(DEVICE), hr.to(DEVICE)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(params, lr=learning_rate, momentum=0.9)
    model.train()
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(hr), batch_size), device=DEVICE)
        loss = F.mse_loss(model(lr_up[idx]), hr[idx])   # output = input + residual, target = HR image
        optimizer.zero_grad()
        loss.backward()
        clipped = clip_by_global_norm([p.grad for p in params], clip_norm)
        for p, g in zip(params, clipped):
            p.grad = g
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("step")

# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train on patches of the training photographs (x2), then super-resolve patches of photographs the
# model has never seen. Rows: high resolution / bicubic / VDSR / the residual VDSR added (amplified,
# grey = 0). A tiny network trained for seconds gains only a few tenths of a dB over bicubic; the
# real VDSR (20 layers of 64 channels, hours of training) gains about 3 dB at x2 on standard sets.

# %% tags=["demo"]
from fixtures import degrade, images
from graders import metrics, plots

factor = 2
low, high = degrade.sr_pairs(512, 24, factor, split="train", seed=0)
train_up = torch.as_tensor(degrade.upscale_bicubic(low, factor)[:, None])
train_hr = torch.as_tensor(high[:, None])
test_low, test_high = degrade.sr_pairs(8, 48, factor, split="test", seed=1)
test_up = degrade.upscale_bicubic(test_low, factor)

model = build_vdsr(seed=0)
losses = train_vdsr(model, train_up, train_hr, steps=300, seed=0)
model.eval()
with torch.no_grad():
    sr = model(torch.as_tensor(test_up[:, None], device=DEVICE)).cpu().numpy()[:, 0]

inner = (slice(None), slice(4, -4), slice(4, -4))
for name, im in [("bicubic", test_up), ("VDSR", np.clip(sr, 0, 1))]:
    print(f"{name:>8}: PSNR {metrics.psnr(im[inner], test_high[inner], 1.0):5.2f} dB")
plots.loss_curve({"train MSE": losses}, smooth=10)
plt.show()
plots.image_grid(np.concatenate([test_high, test_up, np.clip(sr, 0, 1), 0.5 + 5 * (sr - test_up)]), ncols=8,
                 title="rows: high resolution / bicubic / VDSR / residual x5")
plt.show()
