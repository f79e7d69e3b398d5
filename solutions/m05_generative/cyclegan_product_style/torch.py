# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.

# %% tags=["setup"]
import itertools

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from graders.notebook import checker

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
check = checker("cyclegan_product_style", "torch", globals())

# %% [markdown]
# ## Part 1: the networks
#
# Two domains of 16x16 RGB product shots, NCHW, with pixel values **in [-1, 1]** everywhere in this
# notebook (the grader and the demo rescale the [0, 1] photos with `x * 2 - 1`). Domain A: a warm
# product on a light studio background; domain B: a cool product on a dark background. CycleGAN
# needs **two generators** (`G_ab: A -> B`, `G_ba: B -> A`) and **two discriminators** (`D_a` tells
# real A images from `G_ba`'s fakes, `D_b` real B images from `G_ab`'s fakes). Both kinds are built
# by one function each and called twice.
#
# * **Generator** `image (N, 3, H, W) -> image (N, 3, H, W)`: fully convolutional, so any H, W
#   works. The two styles differ in colour only, so a **pointwise** network is enough: three
#   `Conv2d(kernel_size=1)` layers (3 -> 16 -> 16 -> 3), ReLU in between and **`tanh` at the end**
#   (outputs in [-1, 1], like the inputs): a small MLP applied to every pixel's RGB. No pooling,
#   no stride: the output keeps the input's size and the product's outline. (The paper's generator
#   is a ResNet with 3x3 convolutions, reflection padding and instance norm, for photos whose
#   textures change too; at 16x16 with 150 training steps, 3x3 layers mostly add border artefacts.)
# * **Discriminator**, a **PatchGAN**: `image (N, 3, H, W) -> scores (N, 1, H/4, W/4)`, one raw
#   score per overlapping patch instead of one per image: two `Conv2d(kernel_size=4, stride=2,
#   padding=1)` layers (3 -> 16 -> 32, halving H and W each) with LeakyReLU(0.2), then a
#   `Conv2d(32, 1, kernel_size=3, padding=1)`. No sigmoid: the least-squares loss (Part 2) wants raw
#   scores.
#
# Seed with `torch.manual_seed(seed)` before creating layers so the same seed builds the same network.

# %% tags=["solution"]
def build_generator(seed=0):
    """CycleGAN generator (one direction; call it twice for G_ab and G_ba).

    Args:
        seed: int; the same seed must build identical weights.
    Returns:
        torch.nn.Module on DEVICE mapping images float32 (N, 3, H, W) (NCHW) in [-1, 1] to images
        float32 (N, 3, H, W) in [-1, 1] (tanh output), for any H, W (fully convolutional).
    """
    ### BEGIN SOLUTION (about 7 lines) Hint: nn.Sequential(Conv2d(3, 16, kernel_size=1), ReLU, ..., Tanh).
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=1), nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=1), nn.ReLU(),
        nn.Conv2d(16, 3, kernel_size=1), nn.Tanh(),
    ).to(DEVICE)
    ### END SOLUTION


def build_discriminator(seed=0):
    """PatchGAN discriminator for least-squares (LSGAN) training.

    Args:
        seed: int; the same seed must build identical weights.
    Returns:
        torch.nn.Module on DEVICE mapping images float32 (N, 3, H, W) (NCHW) in [-1, 1], H and W
        multiples of 4, to float32 (N, 1, H/4, W/4) raw patch scores (any real number; no sigmoid).
        A score near 1 means "real", near 0 "fake".
    """
    ### BEGIN SOLUTION (about 7 lines) Hint: Conv2d(kernel_size=4, stride=2, padding=1) halves H and W.
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),    # H -> H/2
        nn.Conv2d(16, 32, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),   # H/2 -> H/4
        nn.Conv2d(32, 1, kernel_size=3, padding=1),                                 # one score per patch
    ).to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("models")

# %% [markdown]
# ## Part 2: the losses
#
# CycleGAN (Zhu et al., 2017) uses the **least-squares** GAN loss (LSGAN, Mao et al., 2017) on the
# raw patch scores $s$, averaged over every patch of every image:
#
# * discriminator: real patches should score 1, fake ones 0, and the sum is halved (the paper's
#   trick to slow D down relative to G):
#   $L_D = \tfrac12\big[\operatorname{mean}(s_{real} - 1)^2 + \operatorname{mean}\, s_{fake}^2\big]$;
# * generator, adversarial part: $L_{adv} = \operatorname{mean}(s_{fake} - 1)^2$ (it wants its fakes to score 1).
#
# Two L1 terms keep the unpaired translation honest (means over every pixel and channel):
#
# * **cycle consistency**: translating there and back must give the input back,
#   $L_{cyc} = \lambda_{cyc}\big[\operatorname{mean}|a - G_{ba}(G_{ab}(a))| + \operatorname{mean}|b - G_{ab}(G_{ba}(b))|\big]$,
#   with $\lambda_{cyc} = 10$;
# * **identity**: a generator fed an image that is already in its *target* domain should leave it
#   alone, $L_{id} = \lambda_{id}\big[\operatorname{mean}|a - G_{ba}(a)| + \operatorname{mean}|b - G_{ab}(b)|\big]$,
#   with $\lambda_{id} = 0.5\,\lambda_{cyc} = 5$. It keeps colours from drifting when they need not.
#
# The functions below receive tensors; each returns a 0-d tensor.

# %% tags=["solution"]
def discriminator_loss(real_scores, fake_scores):
    """Least-squares discriminator loss on patch scores.

    Args:
        real_scores: torch.Tensor float32 (N, 1, h, w), D's raw scores on real images (target 1).
        fake_scores: torch.Tensor float32 (N, 1, h, w), D's raw scores on generated images (target 0).
    Returns:
        0-d torch.Tensor: 0.5 * (mean((real_scores - 1)^2) + mean(fake_scores^2)).
    """
    ### BEGIN SOLUTION (about 1 line) Hint: torch.mean of squared differences; note the 0.5.
    return 0.5 * (torch.mean((real_scores - 1) ** 2) + torch.mean(fake_scores ** 2))
    ### END SOLUTION


def generator_adversarial_loss(fake_scores):
    """Least-squares generator loss: the generator wants its fakes to score 1.

    Args:
        fake_scores: torch.Tensor float32 (N, 1, h, w), D's raw scores on generated images.
    Returns:
        0-d torch.Tensor: mean((fake_scores - 1)^2).
    """
    ### BEGIN SOLUTION (about 1 line) Hint: the same squared error as D's real term.
    return torch.mean((fake_scores - 1) ** 2)
    ### END SOLUTION


def cycle_consistency_loss(real_a, reconstructed_a, real_b, reconstructed_b, weight=10.0):
    """Weighted L1 cycle-consistency loss of both directions.

    Args:
        real_a, reconstructed_a: torch.Tensor float32 (N, 3, H, W), images of domain A and
            G_ba(G_ab(real_a)).
        real_b, reconstructed_b: torch.Tensor float32 (M, 3, H, W), images of domain B and
            G_ab(G_ba(real_b)).
        weight: float, lambda_cyc.
    Returns:
        0-d torch.Tensor: weight * (mean|real_a - reconstructed_a| + mean|real_b - reconstructed_b|).
    """
    ### BEGIN SOLUTION (about 1 line) Hint: L1 is the mean absolute difference (not squared).
    return weight * (torch.mean(torch.abs(real_a - reconstructed_a)) + torch.mean(torch.abs(real_b - reconstructed_b)))
    ### END SOLUTION


def identity_loss(real_a, same_a, real_b, same_b, weight=5.0):
    """Weighted L1 identity loss of both generators.

    Args:
        real_a, same_a: torch.Tensor float32 (N, 3, H, W), images of domain A and G_ba(real_a)
            (A fed to the generator whose *target* is A).
        real_b, same_b: torch.Tensor float32 (M, 3, H, W), images of domain B and G_ab(real_b).
        weight: float, lambda_id.
    Returns:
        0-d torch.Tensor: weight * (mean|real_a - same_a| + mean|real_b - same_b|).
    """
    ### BEGIN SOLUTION (about 1 line) Hint: the same formula as the cycle loss, on other images.
    return weight * (torch.mean(torch.abs(real_a - same_a)) + torch.mean(torch.abs(real_b - same_b)))
    ### END SOLUTION


# %% tags=["check"]
check("losses")

# %% [markdown]
# ## Part 3: the full generator objective
#
# Both generators are trained together on one objective (one optimizer over both parameter sets):
#
# $$L_G = \underbrace{L_{adv}(D_b(G_{ab}(a))) + L_{adv}(D_a(G_{ba}(b)))}_{\text{look like the target domain}}
# + \underbrace{L_{cyc}}_{\text{keep the content}} + \underbrace{L_{id}}_{\text{do not change what is already right}}$$
#
# Watch which network sees what: $D_b$ judges $G_{ab}$'s output (fake B images), $D_a$ judges
# $G_{ba}$'s; the identity term feeds **B** images to $G_{ab}$ (the generator whose target is B) and
# **A** images to $G_{ba}$. The grader calls this function with your networks and compares its value
# with its own computation from your networks' outputs, also with other weights
# (`lambda_cyc=0, lambda_id=0` leaves the adversarial terms alone, and so on).

# %% tags=["solution"]
def generator_objective(g_ab, g_ba, d_a, d_b, real_a, real_b, lambda_cyc=10.0, lambda_id=5.0):
    """The CycleGAN generator loss: adversarial (LSGAN) + cycle consistency + identity.

    Args:
        g_ab, g_ba: generators A -> B and B -> A (from build_generator).
        d_a, d_b: discriminators of domain A and of domain B (from build_discriminator).
        real_a: torch.Tensor float32 (N, 3, H, W) in [-1, 1], images of domain A.
        real_b: torch.Tensor float32 (M, 3, H, W) in [-1, 1], images of domain B.
        lambda_cyc, lambda_id: floats, the weights of the cycle and identity terms.
    Returns:
        0-d torch.Tensor, differentiable with respect to both generators' parameters.
    """
    ### BEGIN SOLUTION (about 8 lines) Hint: fake_b = g_ab(real_a); the cycle is g_ba(fake_b); identity uses g_ab(real_b).
    fake_b, fake_a = g_ab(real_a), g_ba(real_b)
    adversarial = generator_adversarial_loss(d_b(fake_b)) + generator_adversarial_loss(d_a(fake_a))
    cycle = cycle_consistency_loss(real_a, g_ba(fake_b), real_b, g_ab(fake_a), lambda_cyc)
    identity = identity_loss(real_a, g_ba(real_a), real_b, g_ab(real_b), lambda_id)
    return adversarial + cycle + identity
    ### END SOLUTION


# %% tags=["check"]
check("objective")

# %% [markdown]
# ## Part 4: training
#
# Each step draws a random batch of A images and an (unrelated) random batch of B images:
#
# 1. **generator step**: `generator_objective(...)`; one Adam optimizer over the parameters of
#    **both** generators (`itertools.chain(g_ab.parameters(), g_ba.parameters())`) steps.
# 2. **discriminator step**: new fakes under `torch.no_grad()` (or `.detach()`), then
#    `discriminator_loss(d_a(real_a), d_a(fake_a)) + discriminator_loss(d_b(real_b), d_b(fake_b))`;
#    a second Adam over both discriminators steps. (The generator step also left gradients in the
#    discriminators: `zero_grad()` before this backward pass clears them.)
#
# Use Adam with `betas=(0.5, 0.999)` and the `lr` given (the grader passes `2e-3` and trains
# 150 steps of 16 + 16 images). The paper also keeps a pool of 50 old fakes for D; with 150 steps
# it is not needed here.
#
# The grader then translates **held-out** product shots it made itself, in inference mode:
# a shipped style classifier (a tiny pretrained numpy "judge") must call most of `G_ab(a)` domain B
# (and not "neither", a blend of styles), the products must keep their silhouettes (mask IoU), and
# the round trip `G_ba(G_ab(a))` must give the photo back (PSNR), in both directions: at least
# 16 dB, and at most 40 dB (the reference reaches 22-27.5 dB; a round trip far above that, such as
# two generators that return the colour negative -x, does not come from two small trained networks).

# %% tags=["solution"]
def train_cyclegan(g_ab, g_ba, d_a, d_b, images_a, images_b, steps, seed, batch_size=16, lr=2e-3):
    """Train the four networks of a CycleGAN in place.

    Args:
        g_ab, g_ba: the generators A -> B and B -> A (from build_generator).
        d_a, d_b: the discriminators of domains A and B (from build_discriminator).
        images_a: torch.Tensor float32 (N_a, 3, H, W) (NCHW) in [-1, 1], domain A.
        images_b: torch.Tensor float32 (N_b, 3, H, W) in [-1, 1], domain B (unpaired with A).
        steps: int, number of (generator step, discriminator step) pairs.
        seed: int, seeds the batch sampling.
        batch_size, lr: int and float; Adam(lr, betas=(0.5, 0.999)) for each of the two optimizers.
    Returns:
        (g_losses, d_losses): two lists of `steps` floats, the generator objective and the sum of
        both discriminator losses at each step (for plots).
    """
    ### BEGIN SOLUTION (about 22 lines) Hint: two optimizers over chained parameters; fakes under torch.no_grad() for D.
    torch.manual_seed(seed)
    images_a, images_b = images_a.float().to(DEVICE), images_b.float().to(DEVICE)
    opt_g = torch.optim.Adam(itertools.chain(g_ab.parameters(), g_ba.parameters()), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(itertools.chain(d_a.parameters(), d_b.parameters()), lr=lr, betas=(0.5, 0.999))
    for net in (g_ab, g_ba, d_a, d_b):
        net.train()
    g_losses, d_losses = [], []
    for _ in range(steps):
        real_a = images_a[torch.randint(0, len(images_a), (batch_size,), device=DEVICE)]
        real_b = images_b[torch.randint(0, len(images_b), (batch_size,), device=DEVICE)]

        g_loss = generator_objective(g_ab, g_ba, d_a, d_b, real_a, real_b)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

        with torch.no_grad():
            fake_b, fake_a = g_ab(real_a), g_ba(real_b)
        d_loss = (discriminator_loss(d_a(real_a), d_a(fake_a))
                  + discriminator_loss(d_b(real_b), d_b(fake_b)))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        g_losses.append(g_loss.item())
        d_losses.append(d_loss.item())
    return g_losses, d_losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# Train on the two (unpaired) domains and look at the translations: the rows are held-out
# products, their translations to the other style, and the round trips back.

# %% tags=["demo"]
from fixtures import cyclegan_product_style as shots

from graders.plots import image_grid, loss_curve

train_a = shots.products(400, "A", seed=0).images * 2 - 1      # (N, 16, 16, 3) in [-1, 1]
train_b = shots.products(400, "B", seed=1).images * 2 - 1
G_ab, G_ba = build_generator(seed=0), build_generator(seed=1)
D_a, D_b = build_discriminator(seed=2), build_discriminator(seed=3)
to_nchw = lambda x: torch.as_tensor(x.transpose(0, 3, 1, 2).copy())
g_losses, d_losses = train_cyclegan(G_ab, G_ba, D_a, D_b, to_nchw(train_a), to_nchw(train_b), steps=300, seed=0)
loss_curve({"generators": g_losses, "discriminators": d_losses}, title="CycleGAN losses", smooth=20)
plt.tight_layout()
plt.show()
test_a = shots.products(8, "A", seed=10).images
with torch.no_grad():
    for net in (G_ab, G_ba):
        net.eval()
    fake_b = G_ab(to_nchw(test_a * 2 - 1).to(DEVICE))
    back_a = G_ba(fake_b)
rows = [to_nchw(test_a), (fake_b.cpu() + 1) / 2, (back_a.cpu() + 1) / 2]
image_grid(torch.cat(rows), layout="NCHW", ncols=8, title="held-out A | G_ab(A) | G_ba(G_ab(A))")
plt.show()
