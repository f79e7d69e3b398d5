# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.

# %% tags=["setup"]
import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from graders.notebook import checker

check = checker("pixel_rnn", "tf", globals())

# %% [markdown]
# ## Part 1: the causal mask
#
# A PixelCNN reads the image in raster order (row by row, left to right) and predicts every pixel
# from the pixels *before* it. A convolution sees a whole $k \times k$ neighbourhood, so its kernel
# is multiplied by a mask that zeroes every weight on the current pixel's row to its right and on
# every row below:
#
# ```
# mask A (k=5)      mask B (k=5)
# 1 1 1 1 1         1 1 1 1 1
# 1 1 1 1 1         1 1 1 1 1
# 1 1 0 0 0         1 1 1 0 0
# 0 0 0 0 0         0 0 0 0 0
# 0 0 0 0 0         0 0 0 0 0
# ```
#
# Mask **A** also zeroes the centre: the first layer must not see the pixel it predicts. Mask **B**
# keeps the centre: in later layers, position $i$ holds features computed from pixels before $i$
# only, so using them is allowed (and needed to see the left neighbour's features).

# %% tags=["solution"]
def causal_mask(kernel_size, mask_type):
    """The PixelCNN mask of one convolution kernel.

    Args:
        kernel_size: odd int k (1, 3, 5, 7, ...).
        mask_type: "A" (excludes the centre; the first layer) or "B" (includes it; later layers).
    Returns:
        np.ndarray float32 of shape (k, k), values 0 or 1: 1 on every row above the centre and on
        the centre row left of the centre (and at the centre itself for "B"), 0 elsewhere.
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: start from np.ones; zero the rows below the centre, then the centre row from the centre (A) or just after it (B).
    centre = kernel_size // 2
    mask = np.ones((kernel_size, kernel_size), np.float32)
    mask[centre, centre + (mask_type == "B"):] = 0   # the centre row: the centre (A only) and to its right
    mask[centre + 1:, :] = 0                          # every row below
    return mask
    ### END SOLUTION


# %% tags=["check"]
check("causal_mask")

# %% [markdown]
# ## Part 2: the PixelCNN
#
# `MaskedConv2D` is a `keras.layers.Conv2D` with "same" padding whose kernel is multiplied by the
# mask **in every forward pass**: override `convolution_op(inputs, kernel)`, which `Conv2D.call`
# uses, and pass it `kernel * mask` (a Keras kernel is (k, k, in, out): broadcast the (k, k) mask
# over the last two axes). Multiplying the weights once after building is not enough: the optimiser
# would fill the masked weights back in.
#
# The network, on `keras.Input(shape=(None, None, 1))` so it takes any image size:
#
# - `MaskedConv2D(channels, 7, "A")` + ReLU: the only layer with mask A;
# - `n_layers` times `MaskedConv2D(channels, 3, "B")` + ReLU;
# - `Conv2D(1, 1)`: one **logit** per pixel, $\log\frac{p}{1-p}$ of $p(x_i = 1 \mid x_{<i})$ (no
#   sigmoid: the loss takes logits).
#
# The grader checks causality itself: it flips one pixel $j$ of a binary image and verifies that
# the logits at every position $i \le j$ (raster order) stay the same, while later ones do change.
# The model may have at most 50,000 parameters (this one has about 5,000), and the same seed must give
# the same initial weights.

# %% tags=["solution"]
class MaskedConv2D(keras.layers.Conv2D):
    """A square Conv2D with "same" padding whose kernel is masked by causal_mask(kernel_size, mask_type).

    call(x): float32 (N, H, W, in_channels) (NHWC) -> float32 (N, H, W, filters); the output at (r, c)
    uses only inputs before (r, c) in raster order (and (r, c) itself for mask "B").
    """

    def __init__(self, filters, kernel_size, mask_type, **kwargs):
        super().__init__(filters, kernel_size, padding="same", **kwargs)
        ### BEGIN SOLUTION (about 1 line) Hint: keep causal_mask(...)[:, :, None, None] as an attribute (a constant, not a weight).
        self.mask = causal_mask(kernel_size, mask_type)[:, :, None, None]
        ### END SOLUTION

    def convolution_op(self, inputs, kernel):
        ### BEGIN SOLUTION (about 1 line) Hint: super().convolution_op with the masked kernel.
        return super().convolution_op(inputs, kernel * self.mask)
        ### END SOLUTION


def build_pixelcnn(seed, channels=16, n_layers=2):
    """A freshly initialised PixelCNN for binary images.

    Args:
        seed: int; the same seed gives the same initial weights.
        channels: feature maps per hidden layer.
        n_layers: number of 3x3 mask-B layers after the 7x7 mask-A layer.
    Returns:
        keras.Model mapping x, float32 (N, H, W, 1) (NHWC) with values in {0, 1}, any H and W, to
        logits float32 (N, H, W, 1): logits[n, r, c, 0] depends only on the pixels before (r, c)
        in raster order.
    """
    ### BEGIN SOLUTION (about 7 lines) Hint: keras.utils.set_random_seed(seed), then keras.Sequential; mask "A" in the first layer only.
    keras.utils.set_random_seed(seed)
    layers = [keras.Input(shape=(None, None, 1)), MaskedConv2D(channels, 7, "A", activation="relu")]
    for _ in range(n_layers):
        layers.append(MaskedConv2D(channels, 3, "B", activation="relu"))
    layers.append(keras.layers.Conv2D(1, 1))   # a 1x1 conv sees only its own position: causal
    return keras.Sequential(layers, name="pixelcnn")
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 3: bits per dimension
#
# The model gives every pixel a Bernoulli distribution, so the negative log-likelihood of an image
# is a sum of binary cross-entropies, one per pixel. The usual unit is **bits per dimension**: the
# NLL in bits (divide nats by $\ln 2$) averaged over pixels,
#
# $$\text{bits/dim} = \frac{1}{N\,H\,W}\sum_{n,i} \frac{\mathrm{BCE}(\ell_{n,i}, x_{n,i})}{\ln 2},
# \qquad \mathrm{BCE}(\ell, x) = \log(1 + e^{\ell}) - x\,\ell .$$
#
# A coin flip costs exactly 1 bit per pixel. Compute it from the logits
# (`tf.nn.sigmoid_cross_entropy_with_logits`), never as `log(sigmoid(...))`, which underflows, nor
# with `BinaryCrossentropy()` on probabilities, which clips them to $[10^{-7}, 1 - 10^{-7}]$.

# %% tags=["solution"]
def bits_per_dim(logits, x):
    """Mean negative log-likelihood in bits per pixel of binary images under per-pixel Bernoullis.

    Args:
        logits: tf.Tensor float32 (N, H, W, 1) (NHWC), any real values.
        x: tf.Tensor float32 (N, H, W, 1), values in {0, 1}.
    Returns:
        0-dim tf.Tensor (float32): the BCE of the logits against x, in bits, averaged over all
        N * H * W pixels. Differentiable (training minimises it).
    """
    ### BEGIN SOLUTION (about 1 line) Hint: tf.nn.sigmoid_cross_entropy_with_logits(labels=..., logits=...), mean, / math.log(2).
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits)) / math.log(2)
    ### END SOLUTION


# %% tags=["check"]
check("bits_per_dim")

# %% [markdown]
# ## Part 4: training
#
# Thanks to the masks, one forward pass gives the prediction for *every* pixel from its true
# predecessors (teacher forcing), so training is a plain minibatch loop: the input **and** the
# target are the same image batch. Do not shift the target by one pixel as you would for a
# language model: mask A already does the shift. Adam with learning rate 5e-3 and batch size 32
# train this model in a couple of hundred steps. Wrap the gradient step in `tf.function`: it runs
# several times faster than eagerly.
#
# The grader trains your model with your function, checks that it is still causal, then computes
# the bits/dim of its logits on held-out digits with its own code and compares them with a coin
# flip (1 bit/dim) and with the best model that treats pixels as independent: at most 0.40 bits/dim
# and 0.1 below independent pixels (the reference gets about 0.26), and not below 0.15, which no
# model of this size reaches in this budget. It trains for 150 steps and counts the optimizer updates:
# exactly `steps` (one minibatch each; `steps` are not epochs). The list of losses you return is
# checked for its format only: the point goes to the bits/dim the grader measures before and after.

# %% tags=["solution"]
def train_pixelcnn(model, images, steps, seed, batch_size=32, lr=5e-3):
    """Train `model` in place by maximum likelihood (minimising bits/dim).

    Args:
        model: the keras.Model from build_pixelcnn.
        images: tf.Tensor float32 (N, H, W, 1) (NHWC), binary training images (values in {0, 1}).
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training bits/dim of each step.
    """
    ### BEGIN SOLUTION (about 13 lines) Hint: tf.GradientTape inside a @tf.function step; numpy default_rng(seed) for the batch indices.
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(autograph=False)  # a plain step: no Python control flow to convert
    def train_step(batch):
        with tf.GradientTape() as tape:
            loss = bits_per_dim(model(batch, training=True), batch)   # input and target are the same images
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        batch = tf.gather(images, rng.integers(0, images.shape[0], batch_size))
        losses.append(float(train_step(batch)))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## Part 5: sampling
#
# Generation is sequential: start from an all-zero canvas and, for each position in raster order,
# run the model, turn the logit at that position into a probability and draw the pixel from
# $\mathrm{Bernoulli}(\sigma(\ell_i))$. Pixels not drawn yet are zeros, but causality guarantees
# that the logit at $i$ ignores them. That is $H \times W$ forward passes for one batch of images:
# training is parallel, sampling is not.
#
# Draw, do not take the most likely value: thresholding at 0.5 gives the same image every time.
# The grader runs the model on your samples and checks that each pixel was drawn with the
# probability the model gives it in its context. Your samples must be new images: half of them
# must differ from every (binarised) public digit in at least 20 of the 256 pixels (the reference's
# differ in about 55). And they must come from the model: the grader shuffles the values inside every
# weight tensor (keeping tensors of only 0s and 1s, your masks), samples again with the same seed and
# expects at least 5% of the pixels to change, drawn with the shuffled model's probabilities. Calling a Keras model eagerly costs milliseconds
# of overhead per call: wrap the forward pass in a `tf.function` for the $H \times W$ calls.

# %% tags=["solution"]
def sample(model, n, seed, height=16, width=16):
    """Draw n binary images from the PixelCNN, pixel by pixel in raster order.

    Args:
        model: a keras.Model from build_pixelcnn (trained or not).
        n: int, number of images.
        seed: int; the same seed gives the same images, independent of the global RNG.
        height, width: the image size.
    Returns:
        np.ndarray or tf.Tensor float32 (n, height, width, 1) (NHWC), values in {0, 1}.
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: numpy default_rng(seed); a numpy canvas; two loops; a uniform draw below sigmoid(logit).
    rng = np.random.default_rng(seed)
    forward = tf.function(lambda canvas: model(canvas, training=False), autograph=False)  # traced once
    x = np.zeros((n, height, width, 1), np.float32)
    for r in range(height):
        for c in range(width):
            logit = forward(x)[:, r, c, 0].numpy().astype(np.float64)
            x[:, r, c, 0] = rng.random(n) < 1 / (1 + np.exp(-logit))   # Bernoulli(sigmoid(logit))
    return x
    ### END SOLUTION


# %% tags=["check"]
check("sample")

# %% [markdown]
# ## See it work
#
# Train on binarised training digits, measure bits/dim on held-out digits against two baselines
# (a coin flip, and independent pixels with the training set's per-pixel frequencies), then draw
# a few digits. With a few hundred steps the samples are digit-like strokes; more channels,
# layers and steps (try `steps=2000`) make them crisper.

# %% tags=["demo"]
from fixtures import digits
from graders import plots

train_x = (digits.load_digits("train")[0] > 0.5).astype(np.float32)[..., None]
test_x = (digits.load_digits("test")[0] > 0.5).astype(np.float32)[..., None]

model = build_pixelcnn(seed=0)
losses = train_pixelcnn(model, tf.convert_to_tensor(train_x), steps=300, seed=0)
heldout = float(bits_per_dim(model(test_x, training=False), test_x))
p = train_x.mean(axis=0).clip(1e-3, 1 - 1e-3)
independent = float(-(test_x * np.log2(p) + (1 - test_x) * np.log2(1 - p)).mean())
print(f"held-out bits/dim: PixelCNN {heldout:.3f}, independent pixels {independent:.3f}, coin flip 1.000")

plots.loss_curve({"train bits/dim": losses}, smooth=10)
plt.show()
samples = np.asarray(sample(model, 16, seed=0))
plots.image_grid(np.concatenate([test_x[:16], samples]), ncols=16,
                 title="top: held-out digits / bottom: PixelCNN samples")
plt.show()
