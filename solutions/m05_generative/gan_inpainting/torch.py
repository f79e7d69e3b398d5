# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
# Models and tensors live on `DEVICE` (the GPU when there is one).

# %% tags=["setup"]
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from graders.notebook import checker

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
check = checker("gan_inpainting", "torch", globals())

# %% [markdown]
# ## Part 1: the reconstruction loss
#
# The generator is told what was under the hole by an L1 loss on the **hole pixels only**: the
# pixels outside the hole are given to it and will be pasted back anyway (Part 2), so they must
# not dilute the loss. With $M$ the mask (1 in the hole, 0 elsewhere), $\hat x$ the prediction
# and $x$ the clean image:
#
# $$L_{rec} = \frac{\sum_i M_i\,\lvert \hat x_i - x_i\rvert}{\max\big(1, \sum_i M_i\big)}$$
#
# the mean absolute error **per hole pixel**, over the whole batch. Dividing by all pixels instead
# (`F.l1_loss(pred * mask, target * mask)`) makes the loss depend on how big the holes are, so
# small holes barely count; the `max(1, .)` keeps a batch without holes at 0 instead of 0/0.

# %% tags=["solution"]
def masked_l1(pred, target, mask):
    """Mean absolute error over the hole pixels.

    Args:
        pred: torch.Tensor float32 (N, 1, H, W) (NCHW), the generator's output in [0, 1].
        target: torch.Tensor float32 (N, 1, H, W), the clean images in [0, 1].
        mask: torch.Tensor float32 (N, 1, H, W), 1.0 inside the holes, 0.0 elsewhere.
    Returns:
        0-d torch.Tensor (differentiable): sum(mask * |pred - target|) / max(1, sum(mask)).
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: (mask * (pred - target).abs()).sum(), divided by mask.sum().clamp(min=1).
    return (mask * (pred - target).abs()).sum() / mask.sum().clamp(min=1.0)
    ### END SOLUTION


# %% tags=["check"]
check("masked_l1")

# %% [markdown]
# ## Part 2: compositing
#
# The generator repaints the whole image, but only its hole pixels are kept: the known pixels are
# copied back from the input, so inpainting never alters what was not missing:
#
# $$\text{out} = M \odot \hat x + (1 - M) \odot x_{masked}$$
#
# The grader checks that every pixel outside the hole comes back **bit for bit** as it went in.

# %% tags=["solution"]
def composite(pred, masked_input, mask):
    """Paste the generator's output into the holes, keep every other pixel of the input.

    Args:
        pred: torch.Tensor float32 (N, 1, H, W) (NCHW), the generator's output in [0, 1].
        masked_input: torch.Tensor float32 (N, 1, H, W), the image with its holes set to 0.
        mask: torch.Tensor float32 (N, 1, H, W), 1.0 inside the holes, 0.0 elsewhere.
    Returns:
        torch.Tensor float32 (N, 1, H, W): pred inside the holes, masked_input outside
        (identical values there).
    """
    ### BEGIN SOLUTION (about 1 line) Hint: a blend with mask and 1 - mask.
    return mask * pred + (1.0 - mask) * masked_input
    ### END SOLUTION


# %% tags=["check"]
check("composite")

# %% [markdown]
# ## Part 3: the two networks
#
# * **Generator** (an encoder-decoder, as in the Context Encoder): input the masked image **and the
#   mask** stacked as 2 channels, `(N, 2, H, W)`; output the repainted image `(N, 1, H, W)` in
#   [0, 1] (**sigmoid**). Without the mask channel the network cannot tell a hole from a black
#   region. A 3x3 convolution (2 -> 16 channels), two stride-2 `Conv2d(16, 16, 4, stride=2,
#   padding=1)` (H -> H/2 -> H/4), two **dilated** 3x3 convolutions (`dilation=2, padding=2`) at
#   H/4 so that every hole pixel sees context beyond the hole's border, then two
#   `ConvTranspose2d(kernel 4, stride 2, padding 1)` back to H. 16 channels and LeakyReLU(0.2)
#   are enough. H and W are multiples of 4.
# * **Discriminator**: image `(N, 1, H, W)` -> **one raw logit** `(N, 1)` per image (no sigmoid:
#   the loss applies it). Two stride-2 `Conv2d(kernel 4, padding 1)` with LeakyReLU(0.2), a 3x3
#   convolution to 1 channel (a map of local real/fake scores, as in PatchGAN), then the mean over
#   the positions (`nn.AdaptiveAvgPool2d(1)` + `nn.Flatten()`), so any image size works.
#
# Seed with `torch.manual_seed(seed)` before creating the layers.

# %% tags=["solution"]
def build_generator(seed):
    """Inpainting generator (encoder-decoder with dilated convolutions in the middle).

    Args:
        seed: int; the same seed must build identical weights.
    Returns:
        torch.nn.Module on DEVICE mapping float32 (N, 2, H, W) (NCHW; channel 0 the masked image in
        [0, 1] with holes set to 0, channel 1 the mask, 1 in the holes), H and W multiples of 4,
        to float32 (N, 1, H, W) in [0, 1] (sigmoid output).
    """
    ### BEGIN SOLUTION (about 12 lines) Hint: nn.Sequential; Conv2d(16, 16, 3, padding=2, dilation=2) in the middle; nn.Sigmoid() last.
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(2, 16, 3, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(16, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2),               # H/2
        nn.Conv2d(16, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2),               # H/4
        nn.Conv2d(16, 16, 3, padding=2, dilation=2), nn.LeakyReLU(0.2),             # sees further
        nn.Conv2d(16, 16, 3, padding=2, dilation=2), nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(16, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2),      # H/2
        nn.ConvTranspose2d(16, 1, 4, stride=2, padding=1), nn.Sigmoid(),            # H
    ).to(DEVICE)
    ### END SOLUTION


def build_discriminator(seed):
    """Discriminator: one real/fake logit per image.

    Args:
        seed: int; the same seed must build identical weights.
    Returns:
        torch.nn.Module on DEVICE mapping float32 images (N, 1, H, W) (NCHW) in [0, 1], H and W
        multiples of 4, to float32 (N, 1) raw logits (any real number; positive means "real").
    """
    ### BEGIN SOLUTION (about 8 lines) Hint: Conv2d(kernel_size=4, stride=2, padding=1) halves H; nn.AdaptiveAvgPool2d(1), nn.Flatten().
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2),     # H/2
        nn.Conv2d(16, 32, 4, stride=2, padding=1), nn.LeakyReLU(0.2),    # H/4
        nn.Conv2d(32, 1, 3, padding=1),                                   # (N, 1, H/4, W/4) patch logits
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),                            # (N, 1)
    ).to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("models")

# %% [markdown]
# ## Part 4: adversarial training
#
# Each step, on a random batch of clean images $x$ and their masks $M$ (image `i` goes with mask `i`):
#
# 1. `masked = x * (1 - M)`; `pred = generator(cat([masked, M], dim=1))`;
#    `fake = composite(pred, masked, M)`.
# 2. **D step**: BCE from logits, real images labelled 1, `fake.detach()` labelled 0 (the sum of
#    the two means); update D only.
# 3. **G step**: $L_G = L_{rec} + \lambda_{adv}\,\mathrm{BCE}(D(\text{fake}), 1)$ with
#    $L_{rec}$ = `masked_l1(pred, x, M)` and $\lambda_{adv}$ = `adv_weight`; update G only.
#
# The reconstruction term does most of the work: alone, the adversarial term only asks for
# *plausible* stripes, not the ones that were there. The Context Encoder paper weighs them 0.999 and
# 0.001; here the grader passes `adv_weight=0.01`. Adam with `betas=(0.5, 0.999)` for both.
#
# The grader trains your networks with your function on grating scenes (Part 3's shapes,
# 24x24 pixels, holes of 6 to 10 pixels), then inpaints **other** scenes with its own masks,
# composites them itself and measures the PSNR inside the holes against two baselines it computes:
# filling the hole with the mean of the known pixels, and OpenCV's `cv2.inpaint` (Telea).
#
# What else the grader enforces (it trusts only what it measures itself):
#
# * **budget**: one D and one G update per step, 600 optimizer steps for `steps=300` (it counts
#   them; more, e.g. `steps` used as epochs, fails). The loss lists you return are checked for format
#   only; the L1 error in the holes that the grader measures must fall below 0.8x the untrained
#   generator's.
# * **the output comes from your generator**: with the values inside each of its weight tensors
#   shuffled, the gain over the mean fill must drop to at most +0.5 dB; a hole PSNR above 26 dB is too
#   good for a network of this size after 300 steps (the reference gets about 18-20 dB) and is
#   reported as not coming from it.
# * **`adv_weight` is honoured**: the grader runs one step with `adv_weight` 0, 0.01 and 100 from the
#   same seeded networks; at 100 the adversarial term must turn around at least 5% of the generator's
#   first (Adam) step, at 0.01 at most 1%.

# %% tags=["solution"]
def train_inpainter(generator, discriminator, images, masks, steps, seed, adv_weight=0.01,
                    batch_size=16, lr=4e-3):
    """Train an inpainting GAN in place: masked L1 plus a weighted adversarial term.

    Args:
        generator: the module from build_generator.
        discriminator: the module from build_discriminator.
        images: torch.Tensor float32 (M, 1, H, W) (NCHW), clean training images in [0, 1].
        masks: torch.Tensor float32 (M, 1, H, W), 1.0 in the holes; masks[i] goes with images[i].
        steps: int, number of (D step, G step) pairs.
        seed: int; fixes the batches.
        adv_weight: float, weight of the adversarial term in the generator's loss.
        batch_size, lr: int and float; Adam(lr, betas=(0.5, 0.999)) for each network.
    Returns:
        (rec_losses, d_losses): two lists of `steps` Python floats, the generator's masked L1 and
        the discriminator's loss at each step.
    """
    ### BEGIN SOLUTION (about 25 lines) Hint: two optimizers; fake.detach() in the D step; F.binary_cross_entropy_with_logits.
    rng = np.random.default_rng(seed)
    images, masks = images.to(DEVICE), masks.to(DEVICE)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    generator.train()
    discriminator.train()
    rec_losses, d_losses = [], []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(images), batch_size), device=DEVICE)
        x, m = images[idx], masks[idx]
        masked = x * (1 - m)
        pred = generator(torch.cat([masked, m], dim=1))
        fake = composite(pred, masked, m)

        real_logits, fake_logits = discriminator(x), discriminator(fake.detach())
        d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        rec = masked_l1(pred, x, m)
        adv_logits = discriminator(fake)
        g_loss = rec + adv_weight * F.binary_cross_entropy_with_logits(adv_logits, torch.ones_like(adv_logits))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

        rec_losses.append(rec.item())
        d_losses.append(d_loss.item())
    return rec_losses, d_losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train on grating scenes, then fill holes in scenes the network has never seen. The rows show the
# clean scenes, the masked inputs, your composited result, and the two classical baselines: the
# hole filled with the mean of the known pixels, and OpenCV's Telea inpainting, which smears the
# border's grey levels inwards and cannot continue the stripes. Train longer (`steps=1500`) and the
# stripes in the holes sharpen. The discriminator's loss hovers near 2 ln 2 = 1.39, a coin flip: the
# composites differ from real scenes only inside a small square, and the masked L1 does most of the
# teaching.

# %% tags=["demo"]
import cv2

from fixtures import degrade
from fixtures import gan_inpainting as scenes
from graders import plots

size, hole = 24, (6, 10)
train_x = scenes.gratings(1024, size, seed=0)
train_m = degrade.hole_masks(1024, size, hole, seed=1)
test_x = scenes.gratings(8, size, seed=2)
test_m = degrade.hole_masks(8, size, hole, seed=3)
test_masked = degrade.apply_mask(test_x, test_m)

G, D = build_generator(seed=0), build_discriminator(seed=1)
rec_losses, d_losses = train_inpainter(G, D, torch.as_tensor(train_x[:, None]), torch.as_tensor(train_m[:, None]),
                                       steps=400, seed=0)
G.eval()
with torch.no_grad():
    x_in = torch.as_tensor(np.stack([test_masked, test_m], axis=1), device=DEVICE)
    filled = composite(G(x_in), x_in[:, :1], x_in[:, 1:]).cpu().numpy()[:, 0]
mean_fill = np.where(test_m > 0, (test_masked.sum((1, 2)) / (1 - test_m).sum((1, 2)))[:, None, None], test_masked)
telea = np.stack([cv2.inpaint(np.round(im * 255).astype(np.uint8), m.astype(np.uint8), 3, cv2.INPAINT_TELEA)
                  for im, m in zip(test_x * (1 - test_m), test_m)]).astype(np.float32) / 255

hole_px = test_m > 0
for name, im in [("GAN inpainting", filled), ("mean fill", mean_fill), ("Telea", telea)]:
    print(f"{name:>15}: PSNR in the holes {10 * np.log10(1 / np.mean((im[hole_px] - test_x[hole_px]) ** 2)):5.2f} dB")
plots.loss_curve({"masked L1 (G)": rec_losses, "BCE (D)": d_losses}, title="inpainting GAN losses", smooth=20)
plt.show()
plots.image_grid(np.concatenate([test_x, test_masked, filled, mean_fill, telea]), ncols=8,
                 title="rows: clean / masked / GAN inpainting / mean fill / Telea")
plt.show()
