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
check = checker("gan_enhancement", "torch", globals())

# %% [markdown]
# ## Part 1: the generator and the conditional PatchGAN discriminator
#
# Grey images, NCHW, values in [0, 1]. Both networks are fully convolutional, so they work on any
# image whose height and width are multiples of 4.
#
# * **Generator** `low (N, 1, H, W) -> enhanced (N, 1, H, W)`: a tiny U-Net. `inc`:
#   `Conv2d(1, 8, 3, padding=1)` + LeakyReLU(0.2); `down`: `Conv2d(8, 16, 4, stride=2, padding=1)`
#   + LeakyReLU (H/2); `up`: `ConvTranspose2d(16, 8, 4, stride=2, padding=1)` + LeakyReLU (back to H);
#   then the **skip connection**: concatenate `inc`'s features with `up`'s along the channels (16
#   channels) and map them with `Conv2d(16, 1, 3, padding=1)` and a **sigmoid** to an image in [0, 1].
#   The skip carries the fine detail past the bottleneck: enhancement changes tones, not edges.
# * **Discriminator** (pix2pix's conditional PatchGAN) `pair (N, 2, H, W) -> logits (N, 1, H/4, W/4)`:
#   it sees the **low-light input and an image stacked along the channel axis** (channel 0 the input,
#   channel 1 the enhanced or real image), so it judges whether the image is a plausible enhancement
#   *of this input*, not just a plausible image. `Conv2d(2, 8, 4, stride=2, padding=1)` + LeakyReLU,
#   `Conv2d(8, 16, 4, stride=2, padding=1)` + LeakyReLU, `Conv2d(16, 1, 3, padding=1)`: one **raw
#   logit per patch** (each sees an 18x18 pixel patch), no sigmoid and no `Linear` layer.
#
# Seed with `torch.manual_seed(seed)` before creating the layers.

# %% tags=["solution"]
class UNetGenerator(nn.Module):
    """Tiny U-Net enhancer.

    forward(x): x float32 (N, 1, H, W) (NCHW), H and W multiples of 4, values in [0, 1] (dark input).
    Returns float32 (N, 1, H, W), values in [0, 1] for any input (sigmoid output).
    """

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION (about 4 lines) Hint: self.inc, self.down, self.up as nn.Sequential(conv, nn.LeakyReLU(0.2)); self.out a Conv2d(16, 1, 3, padding=1).
        self.inc = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.LeakyReLU(0.2))                # (N, 8, H, W)
        self.down = nn.Sequential(nn.Conv2d(8, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2))    # (N, 16, H/2, W/2)
        self.up = nn.Sequential(nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1), nn.LeakyReLU(0.2))  # (N, 8, H, W)
        self.out = nn.Conv2d(16, 1, 3, padding=1)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION (about 3 lines) Hint: torch.cat([skip, up], dim=1), then torch.sigmoid.
        skip = self.inc(x)
        up = self.up(self.down(skip))
        return torch.sigmoid(self.out(torch.cat([skip, up], dim=1)))
        ### END SOLUTION


def build_generator(seed):
    """A freshly initialised UNetGenerator on DEVICE.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        torch.nn.Module mapping (N, 1, H, W) float32 in [0, 1] to (N, 1, H, W) float32 in [0, 1].
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.manual_seed before creating the layers.
    torch.manual_seed(seed)
    return UNetGenerator().to(DEVICE)
    ### END SOLUTION


def build_discriminator(seed):
    """A freshly initialised conditional PatchGAN discriminator on DEVICE.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        torch.nn.Module mapping pairs float32 (N, 2, H, W) (NCHW; channel 0 the low-light input,
        channel 1 the candidate enhanced image, both in [0, 1]; H, W multiples of 4) to raw logits
        float32 (N, 1, H/4, W/4), one per patch (any real number; positive means "real pair").
    """
    ### BEGIN SOLUTION (about 7 lines) Hint: nn.Sequential of three Conv2d; no sigmoid, no Linear.
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(2, 8, 4, stride=2, padding=1), nn.LeakyReLU(0.2),    # (N, 8, H/2, W/2)
        nn.Conv2d(8, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2),   # (N, 16, H/4, W/4)
        nn.Conv2d(16, 1, 3, padding=1),                                # (N, 1, H/4, W/4) logits
    ).to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("models")

# %% [markdown]
# ## Part 2: the losses
#
# With $\ell = D(x, \cdot)$ the patch logits and $\mathrm{BCE}(\ell, t)$ the binary cross-entropy
# from logits averaged over **every patch of every image**:
#
# * discriminator: real pairs $(x, y)$ are labelled 1, generated pairs $(x, G(x))$ 0:
#   $L_D = \mathrm{BCE}(\ell_{real}, 1) + \mathrm{BCE}(\ell_{fake}, 0)$ (the sum of the two means);
# * generator (pix2pix): fool D **and** stay close to the target in **L1** (mean absolute error):
#
# $$L_G = \mathrm{BCE}(\ell_{fake}, 1) + \lambda\,\operatorname{mean}\,\lvert G(x) - y\rvert$$
#
# The L1 term does the enhancement (it pins the output to the right tones, pixel by pixel); the
# adversarial term only asks for outputs that look real, which L1 alone (whose optimum is a
# median) leaves blurry. pix2pix uses $\lambda = 100$. Use `F.binary_cross_entropy_with_logits`,
# stable for logits of any size.

# %% tags=["solution"]
def discriminator_loss(real_logits, fake_logits):
    """BCE of the conditional discriminator, from logits.

    Args:
        real_logits: torch.Tensor float32 (N, 1, h, w), D's patch logits on real pairs (target 1).
        fake_logits: torch.Tensor float32 (N, 1, h, w), D's patch logits on generated pairs (target 0).
    Returns:
        0-d torch.Tensor: mean BCE over the real patches + mean BCE over the fake patches.
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: F.binary_cross_entropy_with_logits with torch.ones_like / torch.zeros_like.
    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real_loss + fake_loss
    ### END SOLUTION


def generator_loss(fake_logits, fake, target, l1_weight):
    """pix2pix generator loss: adversarial BCE (label 1) plus l1_weight times the L1 distance.

    Args:
        fake_logits: torch.Tensor float32 (N, 1, h, w), D's patch logits on generated pairs.
        fake: torch.Tensor float32 (N, 1, H, W) (NCHW), the generator's output in [0, 1].
        target: torch.Tensor float32 (N, 1, H, W), the well-exposed target in [0, 1].
        l1_weight: float, lambda (e.g. 100).
    Returns:
        0-d torch.Tensor: mean BCE(fake_logits, 1) + l1_weight * mean |fake - target|.
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: the generator wants D to say "real" (1); F.l1_loss.
    adversarial = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return adversarial + l1_weight * F.l1_loss(fake, target)
    ### END SOLUTION


# %% tags=["check"]
check("losses")

# %% [markdown]
# ## Part 3: training on paired images
#
# Each step, take a random minibatch of **aligned pairs** `(low[i], high[i])` (the same indices for
# both) and
#
# 1. **D step**: `fake = generator(low_b)`; D scores `torch.cat([low_b, high_b], 1)` (real) and
#    `torch.cat([low_b, fake.detach()], 1)` (fake); `discriminator_loss`; update D only. `detach()`
#    keeps D's loss out of the generator (and lets you reuse `fake` below);
# 2. **G step**: D scores `torch.cat([low_b, fake], 1)` again (D has just changed);
#    `generator_loss(..., fake, high_b, l1_weight)`; update G only.
#
# Adam with `betas=(0.5, 0.999)` for each network (the pix2pix/DCGAN setting), learning rate `lr`.
# The grader calls `train_enhancer(G, D, low, high, steps=80, seed=..., l1_weight=100.0,
# batch_size=16, lr=2e-3)` on 512 training pairs, then enhances dark patches of *other*
# photographs with your generator and measures PSNR and SSIM against the well-exposed originals,
# next to the dark input's and those of histogram equalisation (its own, OpenCV's).
#
# A discriminator trained for 80 steps here stays close to chance (the L1 term makes the fakes good
# within a few dozen steps, so D has little left to learn), so the grader checks your D step on its
# own: it also runs your loop for 8 steps on pairs whose targets are plain white images and checks
# that D's scores of real pairs rise relative to those of the untrained generator's outputs.
#
# What else the grader enforces (it trusts only what it measures itself): exactly one D and one G
# update per step, 160 optimizer steps for `steps=80` (it counts them; more, e.g. `steps` used as
# epochs, fails); the loss lists you return are checked for format only, for your plot; the L1 error
# it measures on held-out patches must fall below 0.8x the untrained generator's; and the output must
# come from your generator's weights: with the values inside each of its weight tensors shuffled, the
# PSNR gain over the dark input must drop to at most +10 dB (the reference: about +13.5 dB trained,
# +7 dB shuffled).

# %% tags=["solution"]
def train_enhancer(generator, discriminator, low, high, steps, seed, l1_weight=100.0, batch_size=16, lr=2e-3):
    """Train a pix2pix-style enhancer in place with alternating D and G updates.

    Args:
        generator: the module from build_generator (low -> enhanced, (N, 1, H, W) in [0, 1]).
        discriminator: the module from build_discriminator (pairs (N, 2, H, W) -> logits (N, 1, H/4, W/4)).
        low: torch.Tensor float32 (M, 1, H, W) (NCHW), the dark inputs in [0, 1].
        high: torch.Tensor float32 (M, 1, H, W), the well-exposed targets in [0, 1]; high[i] pairs with low[i].
        steps: int, number of (D step, G step) pairs, one minibatch each.
        seed: int; fixes the minibatches.
        l1_weight: float, lambda of the generator loss.
        batch_size, lr: minibatch size; Adam(lr, betas=(0.5, 0.999)) for each network.
    Returns:
        (d_losses, g_losses): two lists of `steps` Python floats, the losses of each step.
    """
    ### BEGIN SOLUTION (about 22 lines) Hint: numpy default_rng(seed) for the indices; two optimizers; fake.detach() in the D step.
    rng = np.random.default_rng(seed)
    low, high = low.float().to(DEVICE), high.float().to(DEVICE)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    generator.train()
    discriminator.train()
    d_losses, g_losses = [], []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(low), batch_size), device=DEVICE)
        x, y = low[idx], high[idx]                       # the SAME indices: aligned pairs
        fake = generator(x)

        d_loss = discriminator_loss(discriminator(torch.cat([x, y], 1)),
                                    discriminator(torch.cat([x, fake.detach()], 1)))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        g_loss = generator_loss(discriminator(torch.cat([x, fake], 1)), fake, y, l1_weight)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

        d_losses.append(d_loss.item())
        g_losses.append(g_loss.item())
    return d_losses, g_losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train on pairs cut from the training photographs, then enhance dark patches of photographs the
# model has never seen. Histogram equalisation (last row) needs no training and fixes the
# brightness, but it forces every patch to a flat histogram: it over-stretches flat regions,
# amplifies the noise and gets the tones wrong. The GAN learns the actual camera response from
# the pairs. Watch the generator's loss fall (that is the L1 term) while the discriminator's hovers.

# %% tags=["demo"]
from fixtures import gan_enhancement as data

from graders import metrics, plots

train_low, train_high = data.pairs(512, size=32, split="train", seed=0)
test_low, test_high = data.pairs(8, size=32, split="test", seed=1)

G, D = build_generator(seed=0), build_discriminator(seed=1)
d_losses, g_losses = train_enhancer(G, D, torch.as_tensor(train_low[:, None]), torch.as_tensor(train_high[:, None]),
                                    steps=300, seed=0)
G.eval()
with torch.no_grad():
    enhanced = G(torch.as_tensor(test_low[:, None], device=DEVICE)).cpu().numpy()[:, 0]
equalized = data.equalize(test_low)

for name, im in [("dark input", test_low), ("GAN", enhanced), ("hist. equal.", equalized)]:
    print(f"{name:>12}: PSNR {metrics.psnr(im, test_high, 1.0):5.2f} dB, "
          f"SSIM {metrics.ssim(im[..., None], test_high[..., None], 1.0):.3f}")
plots.loss_curve({"discriminator": d_losses, "generator": g_losses}, title="pix2pix losses", smooth=10)
plt.show()
plots.image_grid(np.concatenate([test_high, test_low, enhanced, equalized]), ncols=8,
                 title="rows: target / dark input / GAN / histogram equalisation")
plt.show()
