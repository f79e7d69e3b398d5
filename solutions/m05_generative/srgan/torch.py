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
check = checker("srgan", "torch", globals())

# %% [markdown]
# ## Part 1: sub-pixel convolution (pixel shuffle)
#
# A sub-pixel convolution upsamples by `r` in two steps: an ordinary convolution at the **low**
# resolution produces `C * r * r` channels, then a fixed rearrangement, the **pixel shuffle**, moves
# each group of `r * r` channels into an `r x r` block of pixels. In PyTorch's convention
# (`nn.PixelShuffle`), input channel `c * r * r + i * r + j` at pixel `(h, w)` becomes output
# channel `c` at pixel `(h * r + i, w * r + j)`:
#
# $$y[n, c, h r + i, w r + j] = x[n, c r^2 + i r + j, h, w]$$
#
# Write it with `reshape` and `permute`: split the channel axis into `(C, r, r)`, move the two `r`
# axes next to `H` and `W`, then merge. A `reshape` alone, without the `permute`, has the right
# shape but scatters the pixels. (Keras' `depth_to_space` orders the channels differently, as
# `(i * r + j) * C + c`: weights trained in one framework cannot be copied to the other blindly.)

# %% tags=["solution"]
def pixel_shuffle(x, scale):
    """Rearrange channels into space (sub-pixel upsampling), like nn.PixelShuffle(scale).

    Args:
        x: torch.Tensor, any dtype, shape (N, C * scale**2, H, W) (NCHW).
        scale: int >= 1, the upsampling factor r.
    Returns:
        torch.Tensor of x's dtype and device, shape (N, C, H * scale, W * scale), with
        out[n, c, h * r + i, w * r + j] = x[n, c * r * r + i * r + j, h, w].
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: x.reshape(n, c, r, r, h, w).permute(0, 1, 4, 2, 5, 3), then reshape.
    n, crr, h, w = x.shape
    c = crr // (scale * scale)
    x = x.reshape(n, c, scale, scale, h, w).permute(0, 1, 4, 2, 5, 3)   # (n, c, h, i, w, j)
    return x.reshape(n, c, h * scale, w * scale)
    ### END SOLUTION


# %% tags=["check"]
check("pixel_shuffle")

# %% [markdown]
# ## Part 2: generator and discriminator
#
# **Generator** (a miniature SRResNet), grey low-resolution image `(N, 1, h, w)` in [0, 1] to
# `(N, 1, scale * h, scale * w)`:
#
# 1. `Conv2d(1, width, 3, padding=1)` + LeakyReLU(0.2);
# 2. one residual block: `x + Conv(LeakyReLU(Conv(x)))`, both convolutions `width -> width`, 3x3;
# 3. one upsampling stage per factor 2 (one for x2, **two** for x4, as in SRGAN):
#    `Conv2d(width, 4 * width, 3, padding=1)`, then `pixel_shuffle(., 2)` (Part 1), then LeakyReLU;
# 4. `Conv2d(width, 1, 3, padding=1)`, added to the bicubic enlargement of the input
#    (`F.interpolate(x, scale_factor=scale, mode="bicubic")`): the network only has to learn the
#    missing detail (global residual learning), which trains in seconds instead of minutes.
#    Initialise this last convolution to zeros (`nn.init.zeros_`): the untrained generator is then
#    exactly bicubic, and training can only add detail from there.
#
# Every convolution works at the low resolution except the last: that is why sub-pixel convolution
# is cheap. Keep it fully convolutional (no `Linear` layer) so it upscales images of any size.
#
# **Discriminator**, HR image `(N, 1, H, W)` to one raw logit per image `(N, 1)`:
#
# 1. a fixed **high-pass** front end, `x - F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)`
#    (the image minus its 3x3 local mean): what tells a super-resolved image from a real one is the
#    missing fine detail, not the brightness, so the discriminator looks at the high frequencies
#    only (the "frequency separation" of Fritsche et al., 2019). Without it, this tiny network
#    trained for a few seconds cannot tell the two apart;
# 2. `Conv2d(1, 16, 3, stride=2, padding=1)` + LeakyReLU(0.2), `Conv2d(16, 32, 3, stride=2, padding=1)`
#    + LeakyReLU(0.2);
# 3. a global average pool (mean over H and W), then `Linear(32, 1)`. No sigmoid: the losses take
#    logits.
#
# (SRGAN's discriminator is a deeper VGG-like stack with BatchNorm; this one has the same shape of
# computation at a size that trains in seconds, and works on any image size.)
#
# Seed with `torch.manual_seed(seed)` before creating the layers.

# %% tags=["solution"]
class PixelShuffle(nn.Module):
    """nn.Module wrapper around pixel_shuffle."""

    def __init__(self, scale):
        super().__init__()
        self.scale = scale

    def forward(self, x):
        return pixel_shuffle(x, self.scale)


class HighPass(nn.Module):
    """x minus its 3x3 local mean (borders averaged over the pixels inside the image)."""

    def forward(self, x):
        ### BEGIN SOLUTION (about 1 line) Hint: F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False).
        return x - F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
        ### END SOLUTION


class Generator(nn.Module):
    """SRResNet-style generator with sub-pixel upsampling and a bicubic global skip.

    forward(x): x float32 (N, 1, h, w) (NCHW), values in [0, 1]. Returns float32
    (N, 1, scale * h, scale * w), values near [0, 1] (not clipped).
    """

    def __init__(self, scale, width):
        super().__init__()
        self.scale = scale
        ### BEGIN SOLUTION (about 14 lines) Hint: nn.Sequential blocks; one Conv2d(width, 4 * width) + PixelShuffle(2) + LeakyReLU per factor 2.
        self.head = nn.Sequential(nn.Conv2d(1, width, 3, padding=1), nn.LeakyReLU(0.2))
        self.body = nn.Sequential(nn.Conv2d(width, width, 3, padding=1), nn.LeakyReLU(0.2),
                                  nn.Conv2d(width, width, 3, padding=1))
        stages = []
        for _ in range(int(np.log2(scale))):       # x2: one stage, x4: two stages
            stages += [nn.Conv2d(width, 4 * width, 3, padding=1), PixelShuffle(2), nn.LeakyReLU(0.2)]
        self.upsample = nn.Sequential(*stages)
        self.tail = nn.Conv2d(width, 1, 3, padding=1)
        nn.init.zeros_(self.tail.weight)            # start as exactly bicubic; training adds detail
        nn.init.zeros_(self.tail.bias)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION (about 4 lines) Hint: features = head(x); features + body(features); upsample; tail; + bicubic.
        features = self.head(x)
        features = features + self.body(features)
        detail = self.tail(self.upsample(features))
        return detail + F.interpolate(x, scale_factor=self.scale, mode="bicubic", align_corners=False)
        ### END SOLUTION


def build_generator(scale, seed, width=16):
    """A freshly initialised Generator on DEVICE.

    Args:
        scale: int, 2 or 4, the upsampling factor.
        seed: int; the same seed gives the same initial weights.
        width: int, number of feature channels.
    Returns:
        torch.nn.Module mapping float32 (N, 1, h, w) (NCHW) in [0, 1] to float32
        (N, 1, scale * h, scale * w).
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.manual_seed before creating the layers.
    torch.manual_seed(seed)
    return Generator(scale, width).to(DEVICE)
    ### END SOLUTION


def build_discriminator(seed):
    """A freshly initialised discriminator on DEVICE.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        torch.nn.Module mapping float32 (N, 1, H, W) (NCHW) in [0, 1], H and W multiples of 4, to
        float32 (N, 1) raw logits (any real number, no sigmoid); positive means "real".
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: HighPass(), two stride-2 Conv2d + LeakyReLU, nn.AdaptiveAvgPool2d(1), nn.Linear(32, 1).
    torch.manual_seed(seed)
    return nn.Sequential(
        HighPass(),                                                     # fine detail only
        nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.LeakyReLU(0.2),    # H/2
        nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.2),   # H/4
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),                          # (N, 32)
        nn.Linear(32, 1),
    ).to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("models")

# %% [markdown]
# ## Part 3: the generator's loss
#
# SRGAN's generator minimises a **content** loss plus a small **adversarial** loss:
#
# $$L_G = \underbrace{\operatorname{mean}\,(\mathrm{SR} - \mathrm{HR})^2}_{\text{content (MSE)}}
#        \;+\; \lambda\, \underbrace{\operatorname{mean}\,\mathrm{softplus}(-\ell_{fake})}_{\text{BCE}(\ell_{fake},\ 1)}$$
#
# with $\ell_{fake}$ the discriminator's logits on the super-resolved images and $\lambda$ =
# `adv_weight` (SRGAN uses $10^{-3}$). The adversarial term is the non-saturating GAN loss: the
# generator wants D to say "real" (label **1**) on its outputs. Here the content term is the
# pixel **MSE**, averaged over every pixel; SRGAN proper uses the MSE between VGG feature maps
# (a *perceptual* loss), which rewards texture rather than the blurry mean.
#
# Compute the BCE from logits (`F.binary_cross_entropy_with_logits`): `sigmoid` then `log`
# underflows to `-inf` for a logit of -200.

# %% tags=["solution"]
def generator_loss(fake_logits, sr, hr, adv_weight):
    """SRGAN generator loss: pixel MSE + adv_weight * non-saturating adversarial BCE.

    Args:
        fake_logits: torch.Tensor float32 (N, 1), D's logits on the super-resolved images.
        sr: torch.Tensor float32 (N, 1, H, W) (NCHW), the generator's output.
        hr: torch.Tensor float32 (N, 1, H, W), the high-resolution targets in [0, 1].
        adv_weight: float >= 0, the weight lambda of the adversarial term.
    Returns:
        0-d torch.Tensor: mean((sr - hr)**2) + adv_weight * mean(-log(sigmoid(fake_logits))),
        exact and finite for logits of any size.
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: F.mse_loss and F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits)).
    content = F.mse_loss(sr, hr)
    adversarial = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return content + adv_weight * adversarial
    ### END SOLUTION


# %% tags=["check"]
check("losses")

# %% [markdown]
# ## Part 4: adversarial training
#
# Each step, on a random minibatch of (low-res, high-res) pairs:
#
# 1. **D step**: `sr = generator(lr_batch)`; D's loss is BCE from logits with real HR images
#    labelled 1 and `sr.detach()` labelled 0 (the sum of the two means); update D only.
#    `detach()` keeps D's loss out of the generator's graph (without it, the G step's `backward`
#    fails: the graph has already been freed).
# 2. **G step**: `generator_loss(discriminator(sr), sr, hr_batch, adv_weight)`; update G only.
#
# Two Adam optimisers with learning rate `learning_rate` and `betas=(0.5, 0.999)`. With
# `adv_weight=0` this is plain MSE training (an SRResNet): the grader trains your code both ways and
# compares them.
#
# The grader trains on patches of the training photographs, then super-resolves patches of
# *other* photographs: the SRGAN must not lose much PSNR against the content-only model and must
# beat bicubic, and the trained discriminator, run by the grader, must score held-out real HR
# patches above the generator's outputs.
#
# What the grader enforces: it runs `train_srgan(..., steps=100, seed, adv_weight=...)` three times
# (adv_weight 1e-3, 0 and 1, same seed). Each run must take exactly `steps` updates of EACH optimizer (200 in all:
# one D step and one G step per step, one minibatch each, not epochs), and change both networks; the
# returned loss lists are checked for format only (one finite Python float per step each). The points
# are for what the grader measures: at 1e-3 the PSNR may be at most 0.3 dB below the content-only run;
# the run at adv_weight=1 must end with outputs at least 0.005 (RMS) away from the run at 1e-3, so
# adv_weight must set the strength of the adversarial term; the discriminator must rank held-out real
# HR patches above blurred copies at least 70% of the time (above super-resolved ones 40%); the PSNR
# must be at most 0.1 dB below bicubic, and with the values inside every generator weight tensor
# shuffled it must fall below that bar, so the output has to come from the generator (plain bicubic
# switched on after training passes the bar, but not from the weights).

# %% tags=["solution"]
def train_srgan(generator, discriminator, low_res, high_res, steps, seed, adv_weight=1e-3,
                batch_size=16, learning_rate=1e-3):
    """Train an SRGAN in place with alternating discriminator and generator steps.

    Args:
        generator, discriminator: the modules from build_generator / build_discriminator.
        low_res: torch.Tensor float32 (M, 1, h, w) (NCHW), low-resolution training patches in [0, 1].
        high_res: torch.Tensor float32 (M, 1, scale * h, scale * w), the matching HR patches.
        steps: int, number of (D step, G step) pairs.
        seed: int; fixes the minibatches.
        adv_weight: float, the adversarial weight lambda of generator_loss (0: content only).
        batch_size, learning_rate: minibatch size; Adam(learning_rate, betas=(0.5, 0.999)) for each network.
    Returns:
        (g_losses, d_losses): two lists of `steps` Python floats, the losses of each step.
    """
    ### BEGIN SOLUTION (about 22 lines) Hint: numpy default_rng(seed) for the batch indices; discriminator(sr.detach()) in the D step.
    rng = np.random.default_rng(seed)
    low_res, high_res = low_res.to(DEVICE), high_res.to(DEVICE)
    opt_g = torch.optim.Adam(generator.parameters(), lr=learning_rate, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=learning_rate, betas=(0.5, 0.999))
    generator.train()
    discriminator.train()
    g_losses, d_losses = [], []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(low_res), batch_size), device=DEVICE)
        lr_batch, hr_batch = low_res[idx], high_res[idx]
        sr = generator(lr_batch)

        real_logits, fake_logits = discriminator(hr_batch), discriminator(sr.detach())
        d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        g_loss = generator_loss(discriminator(sr), sr, hr_batch, adv_weight)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

        g_losses.append(g_loss.item())
        d_losses.append(d_loss.item())
    return g_losses, d_losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train the same generator twice on patches of the training photographs, with and without the
# adversarial term, then super-resolve x2 patches of photographs neither has seen. With this tiny
# model and budget all three rows look alike and stay within a few tenths of a dB of each other;
# the SRGAN usually scores a little *below* the content-only model: the adversarial term rewards
# what looks real, not what is closest on average. It pays off with a perceptual content loss, a
# deeper generator and hours of training (SRGAN's textures score lower PSNR than the MSE model but
# look sharper: the perception-distortion trade-off).

# %% tags=["demo"]
from fixtures import degrade, images

from graders import metrics, plots

scale = 2
train_lr, train_hr = degrade.sr_pairs(512, 32, scale, "train", seed=0)
test_lr, test_hr = degrade.sr_pairs(8, 48, scale, "test", seed=1)
to_t = lambda a: torch.as_tensor(a[:, None], device=DEVICE)

results = {}
for name, weight in [("content only", 0.0), ("SRGAN", 1e-3)]:
    G, D = build_generator(scale, seed=0), build_discriminator(seed=1)
    g_losses, d_losses = train_srgan(G, D, to_t(train_lr), to_t(train_hr), steps=300, seed=0, adv_weight=weight)
    G.eval()
    with torch.no_grad():
        results[name] = G(to_t(test_lr)).clamp(0, 1).cpu().numpy()[:, 0]
    if weight:
        plots.loss_curve({"generator": g_losses, "discriminator": d_losses}, title="SRGAN losses", smooth=10)
        plt.show()
bicubic = degrade.upscale_bicubic(test_lr, scale)
for name, im in [("bicubic", bicubic), *results.items()]:
    print(f"{name:>12}: PSNR {metrics.psnr(im[:, 2:-2, 2:-2], test_hr[:, 2:-2, 2:-2], 1.0):5.2f} dB")
plots.image_grid(np.concatenate([test_hr, bicubic, results["content only"], results["SRGAN"]]), ncols=8,
                 title="rows: HR / bicubic / content only / SRGAN")
plt.show()
