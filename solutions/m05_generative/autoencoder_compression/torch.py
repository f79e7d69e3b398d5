# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
# Models and tensors live on `DEVICE` (the GPU when there is one).
#
# The images are 16x16 grey handwritten digits in [0, 1] (`fixtures.digits`): H * W * C = 256 values
# per image. A compression ratio `ratio` means a code of 256 / `ratio` values per image.

# %% tags=["setup"]
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from graders.notebook import checker

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
IMAGE_SHAPE = (1, 16, 16)  # (C, H, W) of one image
check = checker("autoencoder_compression", "torch", globals())

# %% [markdown]
# ## Part 1: an autoencoder with a bottleneck of the stated size
#
# The **encoder** maps an image to a code of `256 // ratio` numbers, the **decoder** maps the code
# back to an image. Everything the decoder knows about the image must go through the code: that is
# what makes the code a compressed image.
#
# - **encoder**: `Conv2d(1, 16, 3, stride=2, padding=1)` + LeakyReLU(0.2) (16x16 -> 8x8),
#   `Conv2d(16, 32, 3, stride=2, padding=1)` + LeakyReLU(0.2) (8x8 -> 4x4), `Flatten`, then a
#   `Linear(32 * 4 * 4, code_size)` with **no activation** (the code may take any real value);
# - **decoder**: `Linear(code_size, 32 * 4 * 4)` + LeakyReLU(0.2), `Unflatten` to (32, 4, 4),
#   `ConvTranspose2d(32, 16, 4, stride=2, padding=1)` + LeakyReLU(0.2) (4x4 -> 8x8),
#   `ConvTranspose2d(16, 1, 4, stride=2, padding=1)` (8x8 -> 16x16), then a **sigmoid** so the
#   output is an image in [0, 1] whatever the code.
#
# `encode(model, images)` and `decode(model, code)` expose the two halves, so the code can be stored
# or sent on its own; the model's `forward` must be exactly `decode(encode(x))`: no skip connection
# from the input to the decoder (a U-Net's skips would carry the image around the bottleneck, and the
# "compressed" code would not be all the decoder needs).
#
# The grader accepts at most 100,000 parameters at ratio 16 (this design has about 30,000), and
# the same seed must give the same initial weights.

# %% tags=["solution"]
class Autoencoder(nn.Module):
    """Convolutional autoencoder for 16x16 grey images with a code of `code_size` values.

    forward(x): x float32 (N, 1, 16, 16) (NCHW), values in [0, 1]. Returns the reconstruction,
    float32 (N, 1, 16, 16), values in [0, 1] (sigmoid output); equal to decoder(encoder(x)).
    self.encoder: (N, 1, 16, 16) -> code (N, code_size), any real values.
    self.decoder: code (N, code_size) -> (N, 1, 16, 16) in [0, 1].
    """

    def __init__(self, code_size):
        super().__init__()
        ### BEGIN SOLUTION (about 12 lines) Hint: two nn.Sequential; nn.Flatten / nn.Unflatten(1, (32, 4, 4)) around the Linear layers.
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.LeakyReLU(0.2),    # (N, 16, 8, 8)
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.2),   # (N, 32, 4, 4)
            nn.Flatten(),                                                   # (N, 512)
            nn.Linear(32 * 4 * 4, code_size),                               # (N, code_size): the code
        )
        self.decoder = nn.Sequential(
            nn.Linear(code_size, 32 * 4 * 4), nn.LeakyReLU(0.2),
            nn.Unflatten(1, (32, 4, 4)),                                    # (N, 32, 4, 4)
            nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # (N, 16, 8, 8)
            nn.ConvTranspose2d(16, 1, 4, stride=2, padding=1),              # (N, 1, 16, 16)
            nn.Sigmoid(),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION (about 1 line)
        return self.decoder(self.encoder(x))
        ### END SOLUTION


def build_autoencoder(seed, ratio):
    """A freshly initialised Autoencoder on DEVICE whose code holds 256 / ratio values per image.

    Args:
        seed: int; the same seed gives the same initial weights.
        ratio: int dividing 256 (e.g. 4, 8, 16, 64): values per image / values per code.
    Returns:
        torch.nn.Module mapping (N, 1, 16, 16) float32 in [0, 1] to the same shape in [0, 1].
    Raises:
        ValueError if `ratio` does not divide 256.
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: code_size = C * H * W // ratio; torch.manual_seed before creating the layers.
    n_values = int(np.prod(IMAGE_SHAPE))
    if ratio <= 0 or n_values % ratio:
        raise ValueError(f"ratio {ratio} does not divide {n_values}")
    torch.manual_seed(seed)
    return Autoencoder(n_values // ratio).to(DEVICE)
    ### END SOLUTION


def encode(model, images):
    """Compress: the code of each image.

    Args:
        model: the module from build_autoencoder.
        images: torch.Tensor float32 (N, 1, 16, 16) (NCHW), values in [0, 1].
    Returns:
        torch.Tensor float32 (N, 256 // ratio): the code, any real values, on DEVICE (no gradient).
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.no_grad(); model.encoder.
    with torch.no_grad():
        return model.encoder(images.to(DEVICE))
    ### END SOLUTION


def decode(model, code):
    """Decompress: the images reconstructed from their codes alone.

    Args:
        model: the module from build_autoencoder.
        code: torch.Tensor float32 (N, 256 // ratio), as returned by encode.
    Returns:
        torch.Tensor float32 (N, 1, 16, 16) (NCHW), values in [0, 1] (no gradient).
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.no_grad(); model.decoder.
    with torch.no_grad():
        return model.decoder(code.to(DEVICE))
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 2: training
#
# An autoencoder is trained to reproduce its input: each step, sample a minibatch of images and
# minimise the mean squared error between `model(batch)` and the batch itself. No labels: the image
# is its own target. Adam with learning rate 5e-3 and batch size 32 train this model in a couple of
# hundred steps.
#
# Train through `model(batch)` (with gradients), not through `encode` / `decode`: those run without
# gradients, and the encoder would never learn.
#
# The grader trains your model at ratio 16 (16 values per 256-pixel digit), then compresses digits
# it never saw with `encode` and `decode` and compares the PSNR with the thumbnail baseline of Part 3
# (a 4x4 thumbnail also holds 16 values). It trains for 200 steps at ratios 16 and 64 and counts
# the optimizer updates: exactly `steps` (one minibatch each; `steps` are not epochs). The list of
# losses you return is checked for its format only: the point goes to the held-out error the grader
# measures before and after training.

# %% tags=["solution"]
def train_autoencoder(model, images, steps, seed, batch_size=32, lr=5e-3):
    """Train `model` in place to reconstruct its input.

    Args:
        model: the module from build_autoencoder.
        images: torch.Tensor float32 (N, 1, 16, 16) (NCHW), training images in [0, 1].
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss (MSE) of each step.
    """
    ### BEGIN SOLUTION (about 12 lines) Hint: numpy default_rng(seed) for the batch indices; F.mse_loss(model(batch), batch).
    rng = np.random.default_rng(seed)
    images = images.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        batch = images[torch.as_tensor(rng.integers(0, len(images), batch_size), device=DEVICE)]
        loss = F.mse_loss(model(batch), batch)  # the target is the input itself
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## Part 3: the baseline with the same budget, and quality against the ratio
#
# A compression scheme is only interesting if it beats the obvious one with **the same number of
# values**: store a thumbnail. At ratio $r$, shrink each image by $f = \sqrt r$ in both directions
# with area averaging ($f \times f$ blocks averaged: $HW/r$ values), and decompress by enlarging it
# back with bicubic interpolation, clipped to [0, 1] (bicubic overshoots near edges).
#
# The grader compares your thumbnails with its own (OpenCV's area and bicubic resizing). It then
# trains your autoencoder at a second, higher ratio and checks that quality falls as the ratio grows,
# while the autoencoder still beats the thumbnail of the same size.

# %% tags=["solution"]
def thumbnail(images, ratio):
    """Downscale-and-upscale baseline holding H * W / ratio values per image.

    Args:
        images: torch.Tensor float32 (N, 1, H, W) (NCHW), values in [0, 1]; H and W divisible by
            f = sqrt(ratio).
        ratio: int, a perfect square (4, 16, 64, ...).
    Returns:
        torch.Tensor float32 (N, 1, H, W), values in [0, 1]: each image area-downscaled by f (f x f
        blocks averaged), then bicubic-upscaled by f (align_corners=False) and clipped to [0, 1].
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: F.avg_pool2d(images, f), F.interpolate(..., scale_factor=f, mode="bicubic"), .clamp.
    f = int(round(np.sqrt(ratio)))
    if f * f != ratio:
        raise ValueError(f"ratio {ratio} is not a perfect square")
    small = F.avg_pool2d(images, f)  # (N, 1, H/f, W/f): the H*W/ratio stored values
    return F.interpolate(small, scale_factor=f, mode="bicubic", align_corners=False).clamp(0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("ratio")

# %% [markdown]
# ## See it work
#
# Train one autoencoder per ratio on the training digits, compress held-out digits with
# `encode` / `decode`, and compare with the thumbnail of the same size. The digits are 8x8 scans
# enlarged to 16x16: at ratio 4 the 8x8 thumbnail loses almost nothing and beats the autoencoder;
# at higher ratios the autoencoder, which has learnt what digits look like, wins by several dB.

# %% tags=["demo"]
from fixtures import digits
from graders import metrics, plots

train_images = torch.as_tensor(digits.load_digits("train")[0][:, None])
test_images = torch.as_tensor(digits.sample(16, "test", seed=1)[0][:, None])

rows, curves = [test_images], {}
for ratio in (4, 16, 64):
    model = build_autoencoder(seed=0, ratio=ratio)
    curves[f"ratio {ratio}"] = train_autoencoder(model, train_images, steps=300, seed=0)
    code = encode(model, test_images)
    recon = decode(model, code).cpu()
    thumb = thumbnail(test_images, ratio)
    print(f"ratio {ratio:2d}: code {tuple(code.shape)}, autoencoder PSNR "
          f"{metrics.psnr(recon.numpy(), test_images.numpy(), 1.0):5.2f} dB, thumbnail "
          f"{metrics.psnr(thumb.numpy(), test_images.numpy(), 1.0):5.2f} dB")
    rows += [recon, thumb]
plots.loss_curve(curves, smooth=10)
plt.show()
plots.image_grid(torch.cat(rows), layout="NCHW", ncols=16,
                 title="rows: original, then autoencoder / thumbnail at ratio 4, 16 and 64")
plt.show()
