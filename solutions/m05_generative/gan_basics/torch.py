# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.

# %% tags=["setup"]
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from graders.notebook import checker

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
check = checker("gan_basics", "torch", globals())

# %% [markdown]
# ## Part 1: the two networks
#
# A tiny DCGAN for 16x16 grey digits, NCHW.
#
# * **Generator** `z (N, latent_dim) -> image (N, 1, 16, 16)`: a `Linear` layer to a 4x4 feature
#   map, then two stride-2 `ConvTranspose2d(kernel 4, stride 2, padding 1)` layers (4 -> 8 -> 16),
#   ReLU in between, and **`tanh` at the end**, so images lie in [-1, 1].
# * **Discriminator** `image (N, 1, 16, 16) -> logit (N, 1)`: two stride-2 `Conv2d` layers
#   (16 -> 8 -> 4) with LeakyReLU(0.2), then `Linear` to **one raw logit**. No sigmoid: the loss
#   applies it (Part 2).
#
# 16 and 32 channels are plenty here. Seed with `torch.manual_seed(seed)` before creating layers so
# the same seed builds the same network.

# %% tags=["solution"]
def build_generator(latent_dim=16, seed=0):
    """DCGAN generator.

    Args:
        latent_dim: int, length of the noise vector z.
        seed: int; the same seed must build identical weights.
    Returns:
        torch.nn.Module on DEVICE mapping noise z ~ N(0, I), float32 (N, latent_dim), to images float32
        (N, 1, 16, 16) (NCHW) with values in [-1, 1] (tanh output; pixel value 0 -> -1, 1 -> 1).
    """
    ### BEGIN SOLUTION (about 10 lines) Hint: nn.Sequential(Linear, ReLU, nn.Unflatten(1, (32, 4, 4)), ConvTranspose2d, ...).
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(latent_dim, 32 * 4 * 4), nn.ReLU(),
        nn.Unflatten(1, (32, 4, 4)),
        nn.ConvTranspose2d(32, 16, kernel_size=4, stride=2, padding=1), nn.ReLU(),  # 4 -> 8
        nn.ConvTranspose2d(16, 1, kernel_size=4, stride=2, padding=1),              # 8 -> 16
        nn.Tanh(),
    ).to(DEVICE)
    ### END SOLUTION


def build_discriminator(seed=0):
    """DCGAN discriminator.

    Args:
        seed: int; the same seed must build identical weights.
    Returns:
        torch.nn.Module on DEVICE mapping images float32 (N, 1, 16, 16) (NCHW) in [-1, 1] to
        float32 (N, 1) raw logits (any real number; no sigmoid). A positive logit means "real".
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: Conv2d(kernel_size=4, stride=2, padding=1) halves 16 -> 8 -> 4.
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),   # 16 -> 8
        nn.Conv2d(16, 32, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),  # 8 -> 4
        nn.Flatten(),
        nn.Linear(32 * 4 * 4, 1),
    ).to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("models")

# %% [markdown]
# ## Part 2: the losses
#
# With $D$ returning logits $\ell$ and $\sigma$ the sigmoid, binary cross-entropy with label 1 is
# $-\log\sigma(\ell) = \mathrm{softplus}(-\ell)$ and with label 0 it is
# $-\log(1-\sigma(\ell)) = \mathrm{softplus}(\ell)$.
#
# * discriminator: real images are labelled 1, fakes 0:
#   $L_D = \operatorname{mean}\,\mathrm{softplus}(-\ell_{real}) + \operatorname{mean}\,\mathrm{softplus}(\ell_{fake})$
#   (the **sum** of the two means);
# * generator, **non-saturating**: label the fakes 1, $L_G = \operatorname{mean}\,\mathrm{softplus}(-\ell_{fake})$,
#   instead of minimising $\log(1-\sigma(\ell_{fake}))$, whose gradient vanishes exactly when the
#   generator is bad (D confidently rejects its samples).
#
# Use `F.binary_cross_entropy_with_logits`: `torch.log(torch.sigmoid(x))` gives `-inf` for a logit
# of -200, and `BCELoss` on probabilities clamps the log at -100.

# %% tags=["solution"]
def discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of the discriminator, from logits.

    Args:
        real_logits: torch.Tensor float32 (N, 1), D's logits on real images (target 1).
        fake_logits: torch.Tensor float32 (N, 1), D's logits on generated images (target 0).
    Returns:
        0-d torch.Tensor: mean BCE on the real batch + mean BCE on the fake batch. Must stay finite
        and exact for logits of any size (e.g. +-200).
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: F.binary_cross_entropy_with_logits with torch.ones_like / torch.zeros_like.
    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real_loss + fake_loss
    ### END SOLUTION


def generator_loss(fake_logits):
    """Non-saturating generator loss: BCE of D's logits on fakes against the label 1.

    Args:
        fake_logits: torch.Tensor float32 (N, 1), D's logits on generated images.
    Returns:
        0-d torch.Tensor: mean of -log(sigmoid(fake_logits)), computed stably from logits.
    """
    ### BEGIN SOLUTION (about 1 line) Hint: the generator wants D to say "real" (1) on its fakes.
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    ### END SOLUTION


# %% tags=["check"]
check("losses")

# %% [markdown]
# ## Part 3: the training loop
#
# Each step, on a random batch of real images and a fresh batch of noise:
#
# 1. **D step**: `fake = generator(z)`; loss on `discriminator(real)` and
#    `discriminator(fake.detach())`: `detach()` stops D's loss from flowing into the generator
#    (and lets you reuse `fake` for the G step); update D only.
# 2. **G step**: loss `generator_loss(discriminator(fake))`; update G only (D's gradients from
#    this step are cleared by D's next `zero_grad`).
#
# The real images arrive in [0, 1]: rescale them to [-1, 1] (`x * 2 - 1`) to match the generator's
# tanh, or D tells real from fake by the background value alone. Use Adam with `betas=(0.5, 0.999)`
# (the DCGAN setting) and a learning rate of about `2e-3`: the grader trains only 400 steps of 32
# images. Losses of a GAN do not go down steadily: D and G play against each other, so judge the
# samples, not the curves.
#
# The grader calls `train_gan(..., steps=400, seed=..., batch_size=32, lr=2e-3)` on the training digits,
# then draws its own noise z ~ N(0, I), samples your generator in inference mode and compares the
# samples with held-out digits through a small pretrained digit classifier: a Fréchet distance
# between its features (a toy FID) and the number of digit classes the samples cover.
#
# What the grader enforces in this part (it trusts only what it measures itself):
#
# * **budget**: exactly one discriminator and one generator update per step, 800 optimizer steps for
#   `steps=400` (it counts them); more ("steps used as epochs") fails. The loss lists you return are
#   checked for format only, for your plots.
# * **the samples**: judge Fréchet distance to held-out digits at most 15 (the reference: about 4-8),
#   and below half the untrained generator's; at least 5 digit classes, each confidently judged on at
#   least 2% of the samples.
# * **they come from your generator**: after the grader shuffles the values inside each of the
#   generator's weight tensors the distance must rise to at least 30; at most 10% of the samples may
#   be copies of a public digit (within 0.03 RMS), and a distance below 1.2 is too good for a 400-step
#   DCGAN of this size and is reported as not coming from it.
# * **the generator's step uses its own loss only**: the grader sets the discriminator's output bias
#   to +60 (every image judged real, where $-\log D(G(z))$ has no gradient left) and runs one step;
#   at most half of the generator's weights may move by more than lr/4.

# %% tags=["solution"]
def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    """Train a GAN in place with alternating discriminator and generator updates.

    Args:
        generator: the module from build_generator (z -> images in [-1, 1]).
        discriminator: the module from build_discriminator (images -> logits (N, 1)).
        real_images: torch.Tensor float32 (M, 1, 16, 16) (NCHW), pixel values in [0, 1].
        latent_dim: int, the generator's noise length.
        steps: int, number of (D step, G step) pairs.
        seed: int, seeds the batch sampling and the noise z ~ N(0, I) (standard normal, as the
            generator is sampled afterwards).
        batch_size, lr: int and float; Adam(lr, betas=(0.5, 0.999)) for each network.
    Returns:
        (d_losses, g_losses): two lists of `steps` floats, the losses of each step (for plots).
    """
    ### BEGIN SOLUTION (about 20 lines) Hint: two optimizers; fake.detach() in the D step.
    torch.manual_seed(seed)
    real = real_images.float().to(DEVICE) * 2 - 1            # [0, 1] -> [-1, 1], like tanh
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    generator.train()
    discriminator.train()
    d_losses, g_losses = [], []
    for _ in range(steps):
        batch = real[torch.randint(0, len(real), (batch_size,), device=DEVICE)]
        z = torch.randn(batch_size, latent_dim, device=DEVICE)
        fake = generator(z)

        d_loss = discriminator_loss(discriminator(batch), discriminator(fake.detach()))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        g_loss = generator_loss(discriminator(fake))
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
# Train a GAN on the training digits and look at what it generates. Train longer (e.g. 1500 steps)
# and the strokes sharpen; watch how the two losses hover around each other instead of falling.

# %% tags=["demo"]
from fixtures import digits

from graders.plots import image_grid, loss_curve

train_images, _ = digits.load_digits("train")
real = torch.as_tensor(train_images[:, None])        # (M, 1, 16, 16) in [0, 1]
G, D = build_generator(16, seed=0), build_discriminator(seed=1)
d_losses, g_losses = train_gan(G, D, real, latent_dim=16, steps=600, seed=0)
loss_curve({"discriminator": d_losses, "generator": g_losses}, title="GAN losses", smooth=20)
plt.tight_layout()
plt.show()
G.eval()
with torch.no_grad():
    samples = G(torch.randn(32, 16, device=DEVICE)).cpu()
image_grid((samples + 1) / 2, layout="NCHW", title="generated digits (tanh output mapped to [0, 1])")
plt.show()
image_grid(train_images[:32], title="real training digits, for comparison")
plt.show()
