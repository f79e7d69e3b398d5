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
check = checker("product_retouching", "torch", globals())

# %% [markdown]
# ## Part 1: the gray-world baseline
#
# A colour cast multiplies each channel by its own gain, $x_c = g_c\,s_c$. White balance divides
# it out again; the question is how to estimate $g$. The **gray-world** assumption says the average
# colour of a scene is grey, so the per-channel means of the photo should be equal:
#
# $$\hat x_c = \operatorname{clip}\Big(x_c \cdot \frac{\bar m}{m_c},\ 0,\ 1\Big),\qquad
# m_c = \operatorname{mean}_{\text{pixels}}(x_c),\quad \bar m = \tfrac13 (m_R + m_G + m_B)$$
#
# per image. It is one line and often good on natural scenes, but a product photo breaks its
# assumption: a large red product makes the average reddish, and gray-world paints it cyan.

# %% tags=["solution"]
def gray_world(images):
    """Gray-world white balance, per image.

    Args:
        images: torch.Tensor float32 (N, 3, H, W) (NCHW), RGB in [0, 1].
    Returns:
        torch.Tensor float32 (N, 3, H, W) in [0, 1]: each image's channels multiplied by
        (mean of its three channel means) / (its channel mean), then clipped to [0, 1].
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: images.mean(dim=(2, 3), keepdim=True) gives the (N, 3, 1, 1) channel means.
    means = images.mean(dim=(2, 3), keepdim=True)
    gains = means.mean(dim=1, keepdim=True) / means
    return (images * gains).clamp(0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("gray_world")

# %% [markdown]
# ## Part 2: white balance on the backdrop
#
# A product photo has a better reference than the whole scene: its **backdrop** is meant to be
# neutral (white or grey), so whatever colour it has *is* the cast, up to its brightness. Average the
# photo's colour over the backdrop only, with weights $b \in [0, 1]$ per pixel (1 = backdrop):
#
# $$c_{c} = \frac{\sum_p b_p\,x_{c,p}}{\sum_p b_p},\qquad
# \hat x_c = \operatorname{clip}\Big(x_c \cdot \frac{\bar c}{c_c},\ 0,\ 1\Big),\qquad \bar c = \tfrac13 (c_R + c_G + c_B)$$
#
# The gains $\bar c / c_c$ make the backdrop grey and keep the overall brightness. Weights instead of
# a hard mask also accept a soft mask, such as a segmenter's probabilities.

# %% tags=["solution"]
def white_balance(images, background):
    """White balance from the colour of the backdrop, per image.

    Args:
        images: torch.Tensor float32 (N, 3, H, W) (NCHW), RGB in [0, 1].
        background: torch.Tensor float32 (N, 1, H, W) in [0, 1], the weight of each pixel as backdrop
            (1 = certainly backdrop); every image has some backdrop weight.
    Returns:
        torch.Tensor float32 (N, 3, H, W) in [0, 1]: each image's channels multiplied by
        mean(c) / c, with c (N, 3) the background-weighted mean colour, then clipped to [0, 1].
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: (images * background).sum(dim=(2, 3)) / background.sum(dim=(2, 3)) is c.
    colour = (images * background).sum(dim=(2, 3), keepdim=True) / background.sum(dim=(2, 3), keepdim=True)
    gains = colour.mean(dim=1, keepdim=True) / colour.clamp_min(1e-6)
    return (images * gains).clamp(0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("white_balance")

# %% [markdown]
# ## Part 3: a segmenter that finds the product
#
# The backdrop is not given: learn it. A small fully convolutional network maps a photo to one
# **logit** per pixel, positive on the product. Whether a pixel is backdrop depends on the backdrop's
# colour *in this photo* (the cast tints it), and a few 3x3 convolutions see only a pixel's
# neighbourhood. Give the network that global context as an input: the mean colour of the photo's
# **border frame** (the outer 2 pixels), which in a product shot is nearly all backdrop (a tall
# product may touch it; about 1% of the frame's pixels here), and feed `concat([x, x -
# border_colour])` (6 channels) to:
#
# - `Conv2d(6, 8, 3, padding=1)` + ReLU, `Conv2d(8, 8, 3, padding=2, dilation=2)` + ReLU (a wider
#   view for the same cost), and `Conv2d(8, 1, 3, padding=1)`: the logits.
#
# Train it with the binary cross-entropy on logits (`F.binary_cross_entropy_with_logits`, which is
# exact for large logits, unlike a sigmoid followed by `F.binary_cross_entropy`) against the
# product masks, with Adam (learning rate 3e-3) on minibatches of 16 photos.
#
# The grader trains your segmenter with your function on its training photos, then measures the
# intersection over union of `sigmoid(logits) > 0.5` with the true masks on photos it never saw.
# (Measured once on the grader's photos: about 0.985 without the context input, 0.996 with it.)
#
# Limits the grader enforces: at most 20,000 parameters; `train_segmenter(..., steps=300)` must take
# exactly 300 optimizer steps (the grader counts them; `steps` counts minibatches, not epochs). The
# losses you return are checked for format only (one float per step): the point goes to the grader's
# own binary cross-entropy of your logits on training photos, which must fall below half its start.
# The masks must come from the trained weights: the grader sets every weight to zero (the output of
# any network is then constant) and measures the held-out IoU again, which must fall to at most that
# of a mask covering the whole photo (about 0.32) plus 0.05.

# %% tags=["solution"]
class Segmenter(nn.Module):
    """Product segmenter with the border colour as global context.

    forward(x): x float32 (N, 3, H, W) (NCHW) photos in [0, 1], H and W at least 5. Returns float32
    logits (N, 1, H, W), positive on the product.
    """

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION (about 5 lines) Hint: an nn.Sequential of three Conv2d layers, 6 input channels.
        self.layers = nn.Sequential(
            nn.Conv2d(6, 8, 3, padding=1), nn.ReLU(),
            nn.Conv2d(8, 8, 3, padding=2, dilation=2), nn.ReLU(),
            nn.Conv2d(8, 1, 3, padding=1),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION (about 4 lines) Hint: a (1, 1, H, W) frame of ones with zeros inside [2:-2, 2:-2]; torch.cat([x, x - border], dim=1).
        frame = torch.ones_like(x[:1, :1])
        frame[..., 2:-2, 2:-2] = 0
        border = (x * frame).sum(dim=(2, 3), keepdim=True) / frame.sum()   # (N, 3, 1, 1)
        return self.layers(torch.cat([x, x - border], dim=1))
        ### END SOLUTION


def build_segmenter(seed):
    """A freshly initialised Segmenter on DEVICE.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        torch.nn.Module mapping (N, 3, H, W) float32 photos in [0, 1] to (N, 1, H, W) float32 logits.
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.manual_seed before creating the layers.
    torch.manual_seed(seed)
    return Segmenter().to(DEVICE)
    ### END SOLUTION


def train_segmenter(model, photos, masks, steps, seed, batch_size=16, lr=3e-3):
    """Train `model` in place to segment the product.

    Args:
        model: the module from build_segmenter.
        photos: torch.Tensor float32 (N, 3, H, W) (NCHW) in [0, 1].
        masks: torch.Tensor float32 (N, 1, H, W), 1 on the product and 0 on the backdrop.
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss of each step.
    """
    ### BEGIN SOLUTION (about 11 lines) Hint: numpy default_rng(seed) for the minibatch indices; F.binary_cross_entropy_with_logits.
    rng = np.random.default_rng(seed)
    photos, masks = photos.to(DEVICE), masks.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(photos), batch_size), device=DEVICE)
        loss = F.binary_cross_entropy_with_logits(model(photos[idx]), masks[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("segment")

# %% [markdown]
# ## Part 4: retouch
#
# Put the pieces together, the way a retouching pipeline would:
#
# 1. $m = [\,\text{segmenter}(x) > 0\,]$, the product mask (a logit above 0 is a probability above 0.5);
# 2. white-balance the photo with the backdrop weights $1 - m$ (Part 2);
# 3. composite the balanced product onto pure white: $y = m\,\hat x + (1 - m)\cdot 1$.
#
# A hard mask keeps the backdrop pure white and the product's pixels exactly as balanced; a soft
# one would leave a faint grey haze wherever the segmenter hesitates. Each step keeps the product's pixels as they were, up to one gain per channel, so its texture and
# edges survive: this is image-to-image translation with a *parametric* output (a mask and three
# gains) instead of a network that redraws every pixel and blurs them when trained briefly.
#
# The grader measures, on photos your segmenter never saw: how white and uniform the backdrop is,
# the colour error on the product against the clean target (compared with the photo's and with
# gray-world's), and the product's structural similarity (SSIM).

# %% tags=["solution"]
def retouch(model, photos):
    """Retouch product photos: neutral colours and a pure white backdrop, in inference mode.

    Args:
        model: a trained segmenter from build_segmenter.
        photos: torch.Tensor float32 (N, 3, H, W) (NCHW) in [0, 1].
    Returns:
        torch.Tensor float32 (N, 3, H, W) in [0, 1].
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: model.eval() and torch.no_grad(); (model(photos) > 0).float() is the mask; white_balance(photos, 1 - m).
    model.eval()
    with torch.no_grad():
        m = (model(photos) > 0).float()   # logit > 0 <=> probability > 0.5
        balanced = white_balance(photos, 1.0 - m)
        return m * balanced + (1.0 - m)
    ### END SOLUTION


# %% tags=["check"]
check("retouch")

# %% [markdown]
# ## See it work
#
# Train the segmenter on 512 photos, then retouch photos it never saw. Rows: the photo, gray-world,
# the predicted product mask, the retouched photo, and the clean target.

# %% tags=["demo"]
from fixtures import product_retouching
from graders import plots

train = product_retouching.photos(512, "train", seed=0)
test = product_retouching.photos(8, "test", seed=0)
to_nchw = lambda a: torch.as_tensor(np.ascontiguousarray(np.moveaxis(a, -1, 1)), device=DEVICE)  # noqa: E731

model = build_segmenter(seed=0)
losses = train_segmenter(model, to_nchw(train.photos), to_nchw(train.masks[..., None].astype(np.float32)),
                         steps=300, seed=0)
photos = to_nchw(test.photos)
with torch.no_grad():
    mask = torch.sigmoid(model(photos)).repeat(1, 3, 1, 1)
rows = [photos, gray_world(photos), mask, retouch(model, photos), to_nchw(test.clean)]
for name, row in [("photo", rows[0]), ("gray world", rows[1]), ("retouched", rows[3])]:
    error = np.abs(row.cpu().numpy() - rows[4].cpu().numpy()).mean(axis=1)[test.masks].mean()
    print(f"{name:>10}: mean colour error on the product {error:.3f}")
plots.loss_curve({"train BCE": losses}, smooth=10)
plt.show()
plots.image_grid(torch.cat(rows).cpu().numpy(), layout="NCHW", ncols=8,
                 title="rows: photo / gray world / predicted mask / retouched / target")
plt.show()
