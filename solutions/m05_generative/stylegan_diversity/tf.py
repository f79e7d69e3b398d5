# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.

# %% tags=["setup"]
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from graders.notebook import checker

N_STYLES = 4      # style inputs of the synthesis network: one per resolution 4, 8, 16, 32
check = checker("stylegan_diversity", "tf", globals())

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
        x: tf.Tensor float32 (N, H, W, C) (NHWC), feature maps.
        scale, bias: tf.Tensor float32 (N, C), one style per sample and channel.
        eps: float added to the variance.
    Returns:
        tf.Tensor float32 (N, H, W, C): every (sample, channel) map normalised to mean 0 and
        variance 1 over its H x W positions (biased variance), then multiplied by `scale` and
        shifted by `bias`.
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: keras.ops.mean / keras.ops.var over axes (1, 2) with keepdims=True; scale[:, None, None, :].
    mean = keras.ops.mean(x, axis=(1, 2), keepdims=True)
    var = keras.ops.var(x, axis=(1, 2), keepdims=True)
    return scale[:, None, None, :] * (x - mean) / keras.ops.sqrt(var + eps) + bias[:, None, None, :]
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
# - Then `depth` layers of `Dense(w_dim)` + LeakyReLU (slope 0.2). Initialise each kernel with He
#   initialisation (`kernel_initializer="he_normal"`) and the biases with zeros: Keras's default
#   Glorot initialisation shrinks the signal at every layer, and after a few layers every $z$ would
#   map to nearly the same $w$. (StyleGAN's *equalised learning rate* serves the same end.)
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
class PixelNorm(keras.layers.Layer):
    """z / sqrt(mean(z**2) + 1e-8) over the last axis."""

    def call(self, z):
        ### BEGIN SOLUTION (about 1 line) Hint: keras.ops.rsqrt, keras.ops.mean(..., axis=-1, keepdims=True).
        return z * keras.ops.rsqrt(keras.ops.mean(keras.ops.square(z), axis=-1, keepdims=True) + 1e-8)
        ### END SOLUTION


def build_mapping(seed, z_dim, w_dim, depth):
    """The mapping network z -> w: PixelNorm, then `depth` x (Dense(w_dim, He init) + LeakyReLU(0.2)).

    Args:
        seed: int; the same seed gives the same weights.
        z_dim, w_dim, depth: ints.
    Returns:
        keras.Model mapping float32 (N, z_dim) to float32 (N, w_dim).
    """
    ### BEGIN SOLUTION (about 6 lines) Hint: keras.utils.set_random_seed(seed); keras.Sequential([keras.Input((z_dim,)), PixelNorm(), ...]).
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((z_dim,)), PixelNorm()]
    for _ in range(depth):
        layers += [keras.layers.Dense(w_dim, kernel_initializer="he_normal"), keras.layers.LeakyReLU(0.2)]
    return keras.Sequential(layers)
    ### END SOLUTION


def mean_w(mapping, z_dim, n, seed):
    """The average intermediate latent: the mean of mapping(z) over n draws z ~ N(0, I).

    Args:
        mapping: the model from build_mapping.
        z_dim: int, the size of z.
        n: int, number of draws (a few thousand give a good estimate).
        seed: int; the same seed gives the same draws, whatever the global RNG state.
    Returns:
        tf.Tensor float32 (w_dim,).
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: keras.random.normal((n, z_dim), seed=seed); mapping(z, training=False).
    z = keras.random.normal((n, z_dim), seed=int(seed))
    return keras.ops.mean(mapping(z, training=False), axis=0)
    ### END SOLUTION


def truncate(w, w_avg, psi):
    """The truncation trick.

    Args:
        w: tf.Tensor float32 (N, w_dim); w_avg: tf.Tensor float32 (w_dim,); psi: float.
    Returns:
        tf.Tensor float32 (N, w_dim): w_avg + psi * (w - w_avg) (psi may also lie outside [0, 1]).
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
# `Dense(2 * channels)`: the first half plus one is the AdaIN scale (so a zero style keeps the
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
class SynthesisNetwork(keras.Model):
    """ws -> image.

    call(ws): ws float32 (N, N_STYLES, w_dim), one w per block. Returns float32 (N, 32, 32, 3)
    (NHWC) in [-1, 1].
    """

    def __init__(self, channels=32, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION (about 6 lines) Hint: self.add_weight(shape=(1, 4, 4, channels), initializer=keras.initializers.RandomNormal(stddev=1.0)); lists of Conv2D and Dense(2 * channels); a 1x1 to_rgb Conv2D.
        self.channels = channels
        self.const = self.add_weight(shape=(1, 4, 4, channels), initializer=keras.initializers.RandomNormal(stddev=1.0),
                                     name="const")
        self.convs = [keras.layers.Conv2D(channels, 3, padding="same") for _ in range(N_STYLES)]
        self.styles = [keras.layers.Dense(2 * channels) for _ in range(N_STYLES)]
        self.to_rgb = keras.layers.Conv2D(3, 1, activation="tanh")
        ### END SOLUTION

    def call(self, ws, training=False):
        ### BEGIN SOLUTION (about 8 lines) Hint: keras.ops.tile(self.const, ...) to the batch size; keras.ops.repeat(x, 2, axis=1) and axis=2 upsample; keras.ops.split(style, 2, axis=-1).
        x = keras.ops.tile(self.const, (keras.ops.shape(ws)[0], 1, 1, 1))
        for i, (conv, style) in enumerate(zip(self.convs, self.styles)):
            if i > 0:
                x = keras.ops.repeat(keras.ops.repeat(x, 2, axis=1), 2, axis=2)   # nearest, 2x
            x = keras.ops.leaky_relu(conv(x), 0.2)
            scale, bias = keras.ops.split(style(ws[:, i]), 2, axis=-1)
            x = adain(x, 1 + scale, bias)
        return self.to_rgb(x)
        ### END SOLUTION


def build_synthesis(seed, w_dim):
    """A freshly initialised SynthesisNetwork, built for ws of shape (N, N_STYLES, w_dim) (its
    weights exist); the same seed gives the same weights."""
    ### BEGIN SOLUTION (about 4 lines) Hint: keras.utils.set_random_seed(seed), then call the model once on zeros.
    keras.utils.set_random_seed(seed)
    model = SynthesisNetwork()
    model(np.zeros((1, N_STYLES, w_dim), np.float32))
    return model
    ### END SOLUTION


def generate(mapping, synthesis, z, psi, w_avg, z_mix=None, crossover=None):
    """Sample images, with truncation and optional style mixing, in inference mode.

    Args:
        mapping, synthesis: the models from build_mapping and build_synthesis.
        z: tf.Tensor float32 (N, z_dim), the latents.
        psi: float, the truncation factor; w_avg: tf.Tensor float32 (w_dim,) from mean_w.
        z_mix: None, or tf.Tensor float32 (N, z_dim): the second latents for style mixing.
        crossover: int in 1..N_STYLES-1 when z_mix is given: blocks 0..crossover-1 get the style of
            z, blocks crossover..N_STYLES-1 the style of z_mix. Both w's are truncated.
    Returns:
        tf.Tensor float32 (N, 32, 32, 3) (NHWC) in [-1, 1].
    """
    ### BEGIN SOLUTION (about 6 lines) Hint: keras.ops.repeat(w[:, None], k, axis=1) and keras.ops.concatenate(..., axis=1) build ws.
    w = truncate(mapping(z, training=False), w_avg, psi)
    if z_mix is None:
        ws = keras.ops.repeat(w[:, None], N_STYLES, axis=1)
    else:
        w_mix = truncate(mapping(z_mix, training=False), w_avg, psi)
        ws = keras.ops.concatenate([keras.ops.repeat(w[:, None], crossover, axis=1),
                                    keras.ops.repeat(w_mix[:, None], N_STYLES - crossover, axis=1)], axis=1)
    return synthesis(ws, training=False)
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
z = np.random.default_rng(1).standard_normal((8, Z_DIM)).astype(np.float32)

psis = [0.0, 0.25, 0.5, 0.75, 1.0]
rows, spread = [], []
for psi in psis:
    images = keras.ops.convert_to_numpy(generate(mapping, synthesis, z, psi, w_avg))
    rows.append(images)
    flat = images.reshape(len(images), -1)
    spread.append(np.sqrt(((flat[:, None] - flat[None]) ** 2).mean(axis=2)).mean())  # mean pairwise RMS distance
print("mean pairwise RMS distance:", ", ".join(f"psi={p:g}: {s:.3f}" for p, s in zip(psis, spread)))
plots.image_grid((np.concatenate(rows) + 1) / 2, ncols=8, title="rows: psi = " + ", ".join(f"{p:g}" for p in psis))
plt.show()

coarse, fine = z[:4], np.random.default_rng(2).standard_normal((4, Z_DIM)).astype(np.float32)
grid = [keras.ops.convert_to_numpy(generate(mapping, synthesis, fine, 0.7, w_avg))]
for i in range(4):
    source = np.repeat(coarse[i:i + 1], 4, axis=0)
    grid.append(keras.ops.convert_to_numpy(generate(mapping, synthesis, source, 0.7, w_avg, z_mix=fine, crossover=2)))
plots.image_grid((np.concatenate(grid) + 1) / 2, ncols=4,
                 title="top: fine-style sources; rows below: coarse styles of latent i, fine styles of the column")
plt.show()
