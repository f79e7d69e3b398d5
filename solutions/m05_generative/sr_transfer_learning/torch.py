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
check = checker("sr_transfer_learning", "torch", globals())

# %% [markdown]
# ## Part 1: load the pretrained model
#
# The course ships a tiny super-resolution network already trained on **clean bicubic x2** pairs:
# `data/files/sr_transfer_learning_x2.npz` (`fixtures.sr_transfer_learning.PATH`). It is VDSR at toy
# scale, grey, "bicubic in, same size out": the low-resolution image is first enlarged with bicubic
# interpolation, and the network adds the missing detail (a residual):
#
# $$y = x + \mathrm{conv}_4\big(\mathrm{relu}(\mathrm{conv}_3(\mathrm{relu}(\mathrm{conv}_2(\mathrm{relu}(\mathrm{conv}_1(x))))))\big)$$
#
# Four 3x3 convolutions with bias, stride 1 and zero "same" padding (`padding=1`), channels
# 1 -> 16 -> 16 -> 16 -> 1, ReLU after the first three. The file holds numpy arrays
# `conv1_kernel` ... `conv4_kernel` of shape **(kh, kw, c_in, c_out)** (Keras' layout) and
# `conv1_bias` ... `conv4_bias` of shape (c_out,). A PyTorch `Conv2d.weight` is
# **(c_out, c_in, kh, kw)**: permute the axes, do not reshape (a reshape keeps the numbers in memory
# order and scrambles the kernels), and do not swap kh and kw.

# %% tags=["solution"]
class TinySR(nn.Module):
    """Residual super-resolution network: 4 convs 3x3 (1 -> 16 -> 16 -> 16 -> 1), ReLU between them.

    forward(x): x is a float32 tensor (N, 1, H, W) (NCHW), the bicubic-enlarged low-resolution
    images, values in [0, 1]. Returns a float32 tensor (N, 1, H, W): x plus the predicted residual
    (not clipped).
    """

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION (about 4 lines) Hint: nn.Conv2d(c_in, c_out, 3, padding=1) as self.conv1 ... self.conv4.
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 16, 3, padding=1)
        self.conv3 = nn.Conv2d(16, 16, 3, padding=1)
        self.conv4 = nn.Conv2d(16, 1, 3, padding=1)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION (about 4 lines) Hint: F.relu after conv1..conv3; add the input back at the end.
        h = F.relu(self.conv1(x))
        h = F.relu(self.conv2(h))
        h = F.relu(self.conv3(h))
        return x + self.conv4(h)  # the network predicts the residual: the detail bicubic misses
        ### END SOLUTION


def load_pretrained(path):
    """A TinySR on DEVICE holding the weights stored in the .npz file at `path`.

    Args:
        path: str, a .npz file with float32 arrays conv{i}_kernel (kh, kw, c_in, c_out) and
            conv{i}_bias (c_out,) for i = 1..4.
    Returns:
        TinySR on DEVICE whose forward pass is the stored network's (float32, NCHW).
    """
    ### BEGIN SOLUTION (about 7 lines) Hint: np.load(path); kernel.transpose(3, 2, 0, 1) is (c_out, c_in, kh, kw); copy_ under torch.no_grad().
    model = TinySR()
    with np.load(path) as stored, torch.no_grad():
        for i, conv in enumerate([model.conv1, model.conv2, model.conv3, model.conv4], start=1):
            kernel = stored[f"conv{i}_kernel"].transpose(3, 2, 0, 1)  # (kh, kw, in, out) -> (out, in, kh, kw)
            conv.weight.copy_(torch.as_tensor(np.ascontiguousarray(kernel)))
            conv.bias.copy_(torch.as_tensor(stored[f"conv{i}_bias"]))
    return model.to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("load")

# %% [markdown]
# ## Part 2: freeze the first layers
#
# The first layers of an image network compute generic features (edges, gradients, textures) that
# serve many degradations; the last layers map them to the task's output. To fine-tune on a new,
# small data set, **freeze** the first `n_frozen` convolutions (weights *and* biases) and train only
# the rest: fewer parameters to fit, less overfitting, and the pretrained features survive.
#
# In PyTorch a parameter is frozen with `requires_grad_(False)`: autograd computes no gradient for
# it, so the optimiser leaves it alone. `model.eval()` freezes nothing (it only switches dropout and
# batch-norm behaviour), and neither does `torch.no_grad()` around a training step (it would stop
# *every* gradient). Return the parameters that are still trainable: the ones to hand to the
# optimiser.

# %% tags=["solution"]
def freeze_for_finetuning(model, n_frozen):
    """Freeze the first `n_frozen` conv layers of `model` in place (weights and biases).

    Args:
        model: a TinySR from load_pretrained.
        n_frozen: int in 0..4, how many of conv1..conv4 to freeze, counted from the input.
    Returns:
        list of the torch.nn.Parameter objects that remain trainable (those of conv{n_frozen+1} ...
        conv4), in the model's order; the weights themselves are not changed.
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: layer.requires_grad_(False); [p for p in model.parameters() if p.requires_grad].
    for i, conv in enumerate([model.conv1, model.conv2, model.conv3, model.conv4]):
        conv.requires_grad_(i >= n_frozen)
    return [p for p in model.parameters() if p.requires_grad]
    ### END SOLUTION


# %% tags=["check"]
check("freeze")

# %% [markdown]
# ## Part 3: fine-tune on a new degradation
#
# The pretrained model knows clean bicubic x2. Now the camera changes: the grader's new pairs are
# **another degradation** (a blurrier lens, or a larger scale factor), again enlarged with bicubic
# interpolation to the target size. Fine-tune the model on them: each step, sample a minibatch of
# (`lr_up`, `hr`) pairs and minimise the mean squared error between `model(lr_up)` and `hr`,
# updating **only the trainable parameters** (Adam, learning rate 1e-3: small enough to adapt the
# pretrained weights without wrecking them).
#
# The grader fine-tunes your model with your function and measures PSNR on held-out pairs of the
# new degradation. It checks that the frozen layers did not move by a single bit, and it runs the
# same fine-tuning from a random initialisation: starting from the pretrained weights must be
# clearly better after the same small number of steps. That is the point of transfer learning.
#
# What the grader enforces: every `finetune(..., steps=70)` call (from the pretrained weights and from
# the random initialisation alike) must take exactly `steps` optimizer updates, one minibatch each, not
# epochs; the returned losses are checked for format only (one finite Python float per step). The
# points are for what it measures on held-out pairs: fine-tuning must gain at least +0.4 dB over the
# pretrained model as loaded and end at least +0.7 dB over bicubic; with the values inside every weight
# tensor shuffled the model must no longer reach +0.7 dB over bicubic (the result has to come from the
# network: an unsharp mask switched on after fine-tuning gains about +1.4 dB on its own, but not from
# the weights); and the pretrained start must lead the random start by at least +0.5 dB.

# %% tags=["solution"]
def finetune(model, lr_up, hr, steps, seed, batch_size=16, lr=1e-3):
    """Fine-tune the trainable parameters of `model` in place on (lr_up, hr) pairs.

    Args:
        model: a TinySR, possibly with frozen layers (requires_grad False).
        lr_up: torch.Tensor float32 (N, 1, H, W) (NCHW), degraded images enlarged to H x W, in [0, 1].
        hr: torch.Tensor float32 (N, 1, H, W), the matching sharp images, in [0, 1].
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss (MSE) of each step.
    """
    ### BEGIN SOLUTION (about 13 lines) Hint: torch.optim.Adam over the parameters with requires_grad; numpy default_rng(seed) for the batch indices.
    rng = np.random.default_rng(seed)
    lr_up, hr = lr_up.to(DEVICE), hr.to(DEVICE)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(lr_up), batch_size), device=DEVICE)
        loss = F.mse_loss(model(lr_up[idx]), hr[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("finetune")

# %% [markdown]
# ## See it work
#
# Fine-tune the pretrained model (first two layers frozen) and a randomly initialised copy for the
# same number of steps on the new degradation, then compare them with bicubic interpolation on
# patches of photographs neither has seen.

# %% tags=["demo"]
from fixtures import sr_transfer_learning as fx
from graders import metrics, plots

new = dict(factor=fx.NEW_FACTOR, blur=fx.NEW_BLUR)
train_lr, train_hr = fx.bicubic_pairs(512, 32, split="train", seed=0, **new)
test_lr, test_hr = fx.bicubic_pairs(8, 48, split="test", seed=1, **new)
to_torch = lambda a: torch.as_tensor(a.transpose(0, 3, 1, 2), device=DEVICE)  # NHWC -> NCHW


def super_resolve(model, x):
    """NHWC numpy in, NHWC numpy out, clipped to [0, 1]."""
    model.eval()
    with torch.no_grad():
        return model(to_torch(x)).clamp(0, 1).cpu().numpy().transpose(0, 2, 3, 1)


pretrained = load_pretrained(str(fx.PATH))
freeze_for_finetuning(pretrained, 2)
scratch = load_pretrained(str(fx.INIT_PATH))  # the same network, randomly initialised
outputs = {"x2 model as is": super_resolve(pretrained, test_lr)}
curves = {}
for name, model in [("pretrained", pretrained), ("from scratch", scratch)]:
    curves[name] = finetune(model, to_torch(train_lr), to_torch(train_hr), steps=150, seed=0)
    outputs[name] = super_resolve(model, test_lr)

print(f"{'bicubic':>14}: PSNR {metrics.psnr(test_lr, test_hr, 1.0):5.2f} dB")
for name, out in outputs.items():
    print(f"{name:>14}: PSNR {metrics.psnr(out, test_hr, 1.0):5.2f} dB")
plots.loss_curve(curves, smooth=10)
plt.show()
plots.image_grid(np.concatenate([test_hr, test_lr, outputs["from scratch"], outputs["pretrained"]])[..., 0],
                 ncols=8, title="rows: sharp / bicubic / from scratch / pretrained + fine-tuned")
plt.show()
