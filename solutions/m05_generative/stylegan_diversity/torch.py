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
N_STYLES = 4      # style inputs of the synthesis network: one per resolution 4, 8, 16, 32
check = checker("stylegan_diversity", "torch", globals())

# %% [markdown]
# ## Part 1: adaptive instance normalisation (AdaIN)
#
# AdaIN is how a style reaches the image. Each channel of each sample is normalised over its
# spatial positions, which erases the "style" the features had (their per-channel mean and
# spread), then gets the style's scale and bias:
#
# $$\mathrm{AdaIN}(x, s, b)_{n,c} = s_{n,c}\,\frac{x_{n,c} - \mu_{n,c}}{\sqrt{\sigma^2_{n,c} + \varepsilon}} + b_{n,c}$$
#
# with $\mu_{n,c}$ and $\sigma^2_{n,c}$ the mean and the **biased** variance (divide by $H W$) of
# channel $c$ of sample $n$ over its $H \times W$ positions, and $\varepsilon = 10^{-5}$.
# Statistics are per sample *and* per channel: batch statistics would let one image's style leak
# into the others, and the $\varepsilon$ keeps a flat channel (zero variance) finite.

# %% tags=["solution"]
def adain(x, scale, bias, eps=1e-5):
    """Adaptive instance normalisation.

    Args:
        x: torch.Tensor float32 (N, C, H, W) (NCHW), feature maps.
        scale, bias: torch.Tensor float32 (N, C), one style per sample and channel.
        eps: float added to the variance.
    Returns:
        torch.Tensor float32 (N, C, H, W): every (sample, channel) map normalised to mean 0 and
        variance 1 over its H x W positions (biased variance), then multiplied by `scale` and
        shifted by `bias`.
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: x.mean(dim=(2, 3), keepdim=True), x.var(..., unbiased=False), scale[:, :, None, None].
    mean = x.mean(dim=(2, 3), keepdim=True)
    var = x.var(dim=(2, 3), keepdim=True, unbiased=False)
    normalised = (x - mean) / torch.sqrt(var + eps)
    return scale[:, :, None, None] * normalised + bias[:, :, None, None]
    ### END SOLUTION


# %% tags=["check"]
check("adain")

# %% [markdown]
# ## Part 2: the mapping network and the truncation trick
#
# StyleGAN does not feed the latent $z \sim \mathcal N(0, I)$ to the generator. A **mapping network**
# $f$, an MLP, first turns it into an intermediate latent $w = f(z)$; the synthesis network only
# sees $w$. Because $f$ is learned, the $w$ space need not follow the fixed Gaussian's shape, and it
# ends up less *entangled* (one direction, one factor of variation).
#
# - Normalise $z$ first ("pixel norm"): $z / \sqrt{\mathrm{mean}(z^2) + 10^{-8}}$, the mean over
#   its `z_dim` entries, so only the direction of $z$ matters.
# - Then `depth` layers of `Linear` + `LeakyReLU(0.2)`, the first from `z_dim` to `w_dim`, the
#   others `w_dim` to `w_dim`. Initialise each weight with He initialisation for LeakyReLU
#   (`nn.init.kaiming_normal_(weight, a=0.2)`) and the biases with zeros: PyTorch's default
#   initialisation shrinks the signal about threefold per layer, and after a few layers every $z$
#   would map to nearly the same $w$. (StyleGAN's *equalised learning rate* serves the same end.)
#
# The **truncation trick** trades diversity for typicality: estimate the average
# $\bar w = \mathbb E_z[f(z)]$ by mapping many random $z$, then pull each $w$ towards it,
#
# $$w' = \bar w + \psi\,(w - \bar w).$$
#
# $\psi = 1$ leaves $w$ alone, $\psi = 0$ gives every sample the "average" image, and
# $0 < \psi < 1$ gives samples that are less varied but better looking, since the regions of $w$
# space far from $\bar w$ are the ones the generator learned least. Average the **mapped** $w$'s,
# not the $z$'s: $f(\mathbb E[z]) \ne \mathbb E[f(z)]$ for a nonlinear $f$.

# %% tags=["solution"]
class MappingNetwork(nn.Module):
    """z -> w: pixel norm, then `depth` x (Linear + LeakyReLU(0.2)).

    forward(z): z float32 (N, z_dim). Returns w float32 (N, w_dim).
    """

    def __init__(self, z_dim, w_dim, depth):
        super().__init__()
        ### BEGIN SOLUTION (about 8 lines) Hint: a list of nn.Linear + nn.LeakyReLU(0.2) wrapped in nn.Sequential; nn.init.kaiming_normal_(weight, a=0.2), nn.init.zeros_(bias).
        layers = []
        for i in range(depth):
            linear = nn.Linear(z_dim if i == 0 else w_dim, w_dim)
            nn.init.kaiming_normal_(linear.weight, a=0.2)  # keeps w's spread through the depth
            nn.init.zeros_(linear.bias)
            layers += [linear, nn.LeakyReLU(0.2)]
        self.layers = nn.Sequential(*layers)
        ### END SOLUTION

    def forward(self, z):
        ### BEGIN SOLUTION (about 2 lines) Hint: torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8).
        z = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
        return self.layers(z)
        ### END SOLUTION


def build_mapping(seed, z_dim, w_dim, depth):
    """A freshly initialised MappingNetwork(z_dim, w_dim, depth) on DEVICE; the same seed gives the
    same weights."""
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.manual_seed before creating the layers.
    torch.manual_seed(seed)
    return MappingNetwork(z_dim, w_dim, depth).to(DEVICE)
    ### END SOLUTION


def mean_w(mapping, z_dim, n, seed):
    """The average intermediate latent: the mean of mapping(z) over n draws z ~ N(0, I).

    Args:
        mapping: the module from build_mapping.
        z_dim: int, the size of z.
        n: int, number of draws (a few thousand give a good estimate).
        seed: int; the same seed gives the same draws, whatever torch's global RNG state.
    Returns:
        torch.Tensor float32 (w_dim,).
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: torch.Generator(device=DEVICE).manual_seed(seed), torch.randn, torch.no_grad().
    generator = torch.Generator(device=DEVICE).manual_seed(int(seed))
    z = torch.randn(n, z_dim, generator=generator, device=DEVICE)
    with torch.no_grad():
        return mapping(z).mean(dim=0)
    ### END SOLUTION


def truncate(w, w_avg, psi):
    """The truncation trick.

    Args:
        w: torch.Tensor float32 (N, w_dim); w_avg: torch.Tensor float32 (w_dim,); psi: float.
    Returns:
        torch.Tensor float32 (N, w_dim): w_avg + psi * (w - w_avg) (psi may also lie outside [0, 1]).
    """
    ### BEGIN SOLUTION (about 1 line)
    return w_avg + psi * (w - w_avg)
    ### END SOLUTION


# %% tags=["check"]
check("mapping")

# %% [markdown]
# ## Part 3: the synthesis network and style mixing
#
# The synthesis network starts from a **learned constant** $4 \times 4$ tensor, not from $z$.
# At each of `N_STYLES = 4` resolutions (4, 8, 16, 32) one block does
#
#     [2x nearest upsampling, except in the first block] -> 3x3 conv -> LeakyReLU(0.2) -> AdaIN(style)
#
# where the block's style comes from its **own** $w$ through a learned affine map
# `Linear(w_dim, 2 * channels)`: the first half plus one is the AdaIN scale (so a zero style keeps the
# scale at 1), the second half the bias. A final 1x1 conv to 3 channels and `tanh` give an RGB image
# in [-1, 1].
#
# The synthesis network takes one $w$ **per block**, `ws` of shape (N, N_STYLES, w_dim). A normal
# sample repeats one $w$ in every row. **Style mixing** maps two latents $z_1, z_2$ and feeds
# $w_1$ to the blocks before a `crossover` index and $w_2$ to the blocks from it on: the coarse
# blocks (low resolution) set pose and layout, the fine ones colours and texture. StyleGAN trains
# with mixed styles on a fraction of samples so that neighbouring blocks do not rely on sharing one $w$.
#
# `generate` puts it together: map, truncate, build `ws`, synthesise. Pass `w_avg` in (compute it
# once with `mean_w`), so every call truncates towards the same point.
#
# **What the grader checks.** The synthesis network may have at most 200,000 parameters (the mapping
# network 50,000), and the same seed must give the same weights. Changing one block's style alone
# must change the image. AdaIN must really normalise: the grader multiplies each convolution's kernel
# and bias by 3 through the model's weights; where the block's AdaIN normalises the features (per sample
# and channel) the images move by less than 0.002 on average (AdaIN's eps only), and each of the 4 blocks
# needs such a convolution. `generate` must equal the synthesis of the styles the grader builds from your
# mapping (truncated, mixed at the crossover), and the samples' spread must grow by at least 5% with each
# step of psi from 0 (identical samples) to 1.

# %% tags=["solution"]
class SynthesisNetwork(nn.Module):
    """ws -> image.

    forward(ws): ws float32 (N, N_STYLES, w_dim), one w per block. Returns float32 (N, 3, 32, 32)
    (NCHW) in [-1, 1].
    """

    def __init__(self, w_dim, channels=32):
        super().__init__()
        ### BEGIN SOLUTION (about 6 lines) Hint: nn.Parameter(torch.randn(1, channels, 4, 4)); nn.ModuleList of convs and of nn.Linear(w_dim, 2 * channels); a 1x1 to_rgb conv.
        self.const = nn.Parameter(torch.randn(1, channels, 4, 4))
        self.convs = nn.ModuleList(nn.Conv2d(channels, channels, 3, padding=1) for _ in range(N_STYLES))
        self.styles = nn.ModuleList(nn.Linear(w_dim, 2 * channels) for _ in range(N_STYLES))
        self.to_rgb = nn.Conv2d(channels, 3, 1)
        ### END SOLUTION

    def forward(self, ws):
        ### BEGIN SOLUTION (about 8 lines) Hint: x = self.const.expand(len(ws), -1, -1, -1); for block i: F.interpolate(scale_factor=2) if i > 0, conv, F.leaky_relu, adain with the style of ws[:, i].
        x = self.const.expand(len(ws), -1, -1, -1)
        for i, (conv, style) in enumerate(zip(self.convs, self.styles)):
            if i > 0:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = F.leaky_relu(conv(x), 0.2)
            scale, bias = style(ws[:, i]).chunk(2, dim=1)
            x = adain(x, 1 + scale, bias)
        return torch.tanh(self.to_rgb(x))
        ### END SOLUTION


def build_synthesis(seed, w_dim):
    """A freshly initialised SynthesisNetwork(w_dim) on DEVICE; the same seed gives the same weights."""
    ### BEGIN SOLUTION (about 2 lines)
    torch.manual_seed(seed)
    return SynthesisNetwork(w_dim).to(DEVICE)
    ### END SOLUTION


def generate(mapping, synthesis, z, psi, w_avg, z_mix=None, crossover=None):
    """Sample images, with truncation and optional style mixing, in inference mode.

    Args:
        mapping, synthesis: the modules from build_mapping and build_synthesis.
        z: torch.Tensor float32 (N, z_dim), the latents.
        psi: float, the truncation factor; w_avg: torch.Tensor float32 (w_dim,) from mean_w.
        z_mix: None, or torch.Tensor float32 (N, z_dim): the second latents for style mixing.
        crossover: int in 1..N_STYLES-1 when z_mix is given: blocks 0..crossover-1 get the style of
            z, blocks crossover..N_STYLES-1 the style of z_mix. Both w's are truncated.
    Returns:
        torch.Tensor float32 (N, 3, 32, 32) (NCHW) in [-1, 1].
    """
    ### BEGIN SOLUTION (about 7 lines) Hint: w[:, None].repeat(1, N_STYLES, 1) gives ws; overwrite ws[:, crossover:] for mixing.
    with torch.no_grad():
        ws = truncate(mapping(z), w_avg, psi)[:, None].repeat(1, N_STYLES, 1)
        if z_mix is not None:
            ws[:, crossover:] = truncate(mapping(z_mix), w_avg, psi)[:, None]
        return synthesis(ws)
    ### END SOLUTION


# %% tags=["check"]
check("synthesis")

# %% [markdown]
# ## See it work
#
# The networks here are untrained, so the images are abstract colour fields, not products: the
# mechanics do not need training. Top: the same eight latents at growing $\psi$; at $\psi = 0$ every
# sample is the average image, and the spread between samples grows with $\psi$. Bottom: style
# mixing; each row keeps the coarse styles (blocks 0-1, the layout) of the first column's latent and
# takes the fine styles (blocks 2-3, the colours) of the latent above its column.

# %% tags=["demo"]
from graders import plots

Z_DIM, W_DIM = 32, 32
mapping = build_mapping(0, Z_DIM, W_DIM, depth=4)
synthesis = build_synthesis(0, W_DIM)
w_avg = mean_w(mapping, Z_DIM, 4096, seed=0)
z = torch.randn(8, Z_DIM, generator=torch.Generator().manual_seed(1)).to(DEVICE)

psis = [0.0, 0.25, 0.5, 0.75, 1.0]
rows, spread = [], []
for psi in psis:
    images = generate(mapping, synthesis, z, psi, w_avg).cpu().numpy()
    rows.append(images)
    flat = images.reshape(len(images), -1)
    spread.append(np.sqrt(((flat[:, None] - flat[None]) ** 2).mean(axis=2)).mean())  # mean pairwise RMS distance
print("mean pairwise RMS distance:", ", ".join(f"psi={p:g}: {s:.3f}" for p, s in zip(psis, spread)))
plots.image_grid((np.concatenate(rows) + 1) / 2, layout="NCHW", ncols=8,
                 title="rows: psi = " + ", ".join(f"{p:g}" for p in psis))
plt.show()

coarse, fine = z[:4], torch.randn(4, Z_DIM, generator=torch.Generator().manual_seed(2)).to(DEVICE)
grid = [generate(mapping, synthesis, fine, 0.7, w_avg).cpu().numpy()]
for i in range(4):
    source = coarse[i:i + 1].repeat(4, 1)
    grid.append(generate(mapping, synthesis, source, 0.7, w_avg, z_mix=fine, crossover=2).cpu().numpy())
plots.image_grid((np.concatenate(grid) + 1) / 2, layout="NCHW", ncols=4,
                 title="top: fine-style sources; rows below: coarse styles of latent i, fine styles of the column")
plt.show()
