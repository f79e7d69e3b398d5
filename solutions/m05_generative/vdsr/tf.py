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

check = checker("vdsr", "tf", globals())

# %% [markdown]
# ## Part 1: gradient clipping by global norm
#
# VDSR trains with a learning rate far higher than usual, and survives it only because the gradients
# are clipped. Clipping by **global norm** rescales *all* gradient tensors together, so the update keeps
# its direction and only its length is capped:
#
# $$\lVert g\rVert = \sqrt{\textstyle\sum_k \lVert g_k\rVert_2^2},\qquad
#   g_k \leftarrow g_k \cdot \min\!\Big(1,\ \frac{c}{\lVert g\rVert}\Big)$$
#
# Two look-alikes are wrong here: clipping each tensor's norm separately (Keras optimizers'
# `clipnorm=`, as opposed to `global_clipnorm=`; it changes the direction), and clipping each *value*
# to [-c, c] (`clipvalue=`). Gradients that are all zero must come back as zeros, not NaN. Write it
# with `tf` ops (`tf.clip_by_global_norm` does exactly this; try it by hand first).

# %% tags=["solution"]
def clip_by_global_norm(grads, clip_norm):
    """Rescale a list of gradient tensors so that their global L2 norm is at most `clip_norm`.

    Args:
        grads: list of tf.Tensor (float32 or float64, any shapes), e.g. one per trainable variable.
        clip_norm: float > 0, the largest global norm allowed.
    Returns:
        list of tf.Tensor, same length, shapes and dtypes as `grads`: every tensor multiplied by the
        same factor min(1, clip_norm / global_norm), global_norm = sqrt(sum of all squared entries).
        Unchanged when global_norm <= clip_norm (including all-zero gradients: no NaN).
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: tf.sqrt(tf.add_n([tf.reduce_sum(g ** 2) ...])), tf.minimum(1.0, ...).
    total = tf.sqrt(tf.add_n([tf.reduce_sum(tf.cast(g, tf.float64) ** 2) for g in grads]))
    scale = tf.minimum(tf.constant(1.0, tf.float64), clip_norm / (total + 1e-12))
    return [g * tf.cast(scale, g.dtype) for g in grads]
    ### END SOLUTION


# %% tags=["check"]
check("clip")

# %% [markdown]
# ## Part 2: the VDSR network
#
# VDSR does not upscale: its input is the low-resolution image **already enlarged by bicubic
# interpolation** to the target size, and it predicts only the missing detail, the residual
# $r = y_{HR} - x_{bicubic}$. The network is a plain stack of `depth` 3x3 convolutions
# (`padding="same"`, so the size never changes) with `width` channels:
#
# - `Conv2D(width, 3, padding="same", activation="leaky_relu")` (LeakyReLU, slope 0.2),
# - `depth - 2` more such layers,
# - `Conv2D(1, 3, padding="same")` with **no activation** (the residual is positive and negative),
#
# and the **global skip** adds the input back: `output = x + residual(x)` (`keras.layers.Add`, so
# use the functional API with `keras.Input(shape=(None, None, 1))`). Nothing comes after the sum (no
# ReLU, no clip): with all weights set to zero the model must return its input exactly. No pooling
# and no upsampling layer (the seed answers claim VDSR has both: it has neither).
#
# Initialise as the paper does (`kernel_initializer="he_normal"`, zero biases) and the last layer's
# weights with a tiny std (`keras.initializers.RandomNormal(stddev=1e-3)`), so training starts at the
# bicubic baseline. LeakyReLU rather than the paper's ReLU: with a high learning rate, an early
# oversized step can "kill" plain ReLUs of a network this small (they output 0 for every input), and
# it then stays at the bicubic baseline on some seeds. Depth buys context: each 3x3 layer widens the receptive
# field by 2, to (2 depth + 1)^2 pixels.

# %% tags=["solution"]
def build_vdsr(seed, depth=5, width=16):
    """A freshly initialised VDSR (Kim et al., 2016) with a global residual skip.

    Args:
        seed: int; the same seed gives the same initial weights.
        depth: int >= 2, the number of 3x3 convolution layers (receptive field 2 * depth + 1).
        width: int, the channels of the hidden layers.
    Returns:
        keras.Model mapping (N, H, W, 1) (NHWC) float32, a bicubic-upscaled grey image (values about
        in [0, 1]; any H, W), to (N, H, W, 1) float32: x + residual(x), nothing after the sum.
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: keras.utils.set_random_seed, then a functional model; keras.layers.Add()([x, r]).
    keras.utils.set_random_seed(seed)
    x = keras.Input(shape=(None, None, 1))
    h = x
    for _ in range(depth - 1):
        h = keras.layers.Conv2D(width, 3, padding="same", activation="leaky_relu", kernel_initializer="he_normal")(h)
    residual = keras.layers.Conv2D(1, 3, padding="same",   # linear: the residual has both signs
                                   kernel_initializer=keras.initializers.RandomNormal(stddev=1e-3))(h)
    return keras.Model(x, keras.layers.Add()([x, residual]), name="vdsr")   # the global skip
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 3: training with a high learning rate and clipped gradients
#
# Each step: sample a minibatch of (bicubic input, high-resolution target) pairs, compute the mean
# squared error between the **model's output and the high-resolution image** (the model already adds
# its input, so comparing with the HR image *is* residual learning), take the gradients, clip their
# global norm to `clip_norm` with your `clip_by_global_norm`, then apply a step of
# **SGD with momentum 0.9** (plain momentum, no Nesterov, no weight decay) at `learning_rate`.
# Wrap the gradient step in `tf.function`: it runs several times faster than eagerly.
#
# SGD, not Adam: Adam divides each gradient by its own running size, so rescaling the gradient barely
# changes its first steps; with SGD the clipped norm directly caps the step, `lr * clip_norm`.
#
# The grader checks that first: one step with a tiny `clip_norm` must move the weights by exactly
# `learning_rate * clip_norm` (in global norm), in the direction of the unclipped step. Then it
# trains your model and measures PSNR on patches of photographs it never saw, against bicubic.
# Without clipping the same `learning_rate=0.5` is unstable (try `clip_norm=1e9` in the demo): it ends
# below bicubic or diverges to NaN, depending on the seed and the framework.
#
# What the grader enforces: the one-step probe above, and the same probe at the training budget (200
# steps of a width-8 model at `learning_rate=1`, `clip_norm=1e-4`): every step must be a clipped SGD
# step, so the weights may move at most `learning_rate * clip_norm * sum_t (1 - 0.9^t) / 0.1` in global
# norm; code that clips only while probed with one step and changes afterwards fails. Each training
# run must take exactly `steps` optimizer updates (one minibatch each, not epochs). The returned losses
# are checked for format only (one finite Python float per step); the points are for what the grader
# measures itself: after 200 steps at the defaults, the model must beat bicubic by at least +0.05 dB on
# held-out photographs (x2, 4-pixel border shaved), its held-out error must have fallen, and with the
# values inside every weight tensor shuffled it must no longer reach that bar, so the gain has to come
# from the network (an unsharp mask switched on after training gains about +0.2 dB on its own, but
# not from the weights). The model may have at most 100,000 parameters at depth 5, width 16.

# %% tags=["solution"]
def train_vdsr(model, lr_up, hr, steps, seed, learning_rate=0.5, clip_norm=0.02, batch_size=8):
    """Train `model` in place to map bicubic-upscaled images to high-resolution ones.

    Args:
        model: the keras.Model from build_vdsr.
        lr_up: tf.Tensor float32 (N, H, W, 1) (NHWC), low-resolution images upscaled by bicubic.
        hr: tf.Tensor float32 (N, H, W, 1), the high-resolution originals, values in [0, 1].
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches (numpy default_rng(seed)).
        learning_rate: float, SGD learning rate (momentum 0.9).
        clip_norm: float, the gradients' global norm is clipped to this before every step.
        batch_size: int, minibatch size.
    Returns:
        list of `steps` Python floats: the training loss (MSE) of each step.
    """
    ### BEGIN SOLUTION (about 15 lines) Hint: tf.GradientTape inside a @tf.function step; clip between tape.gradient and apply_gradients.
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9)
    variables = model.trainable_variables

    @tf.function(autograph=False)  # a plain step: no Python control flow to convert
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(x, training=True) - y))  # target = HR image
        grads = clip_by_global_norm(tape.gradient(loss, variables), clip_norm)
        optimizer.apply_gradients(zip(grads, variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.integers(0, hr.shape[0], batch_size)
        losses.append(float(train_step(tf.gather(lr_up, idx), tf.gather(hr, idx))))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("step")

# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train on patches of the training photographs (x2), then super-resolve patches of photographs the
# model has never seen. Rows: high resolution / bicubic / VDSR / the residual VDSR added (amplified,
# grey = 0). A tiny network trained for seconds gains only a few tenths of a dB over bicubic; the
# real VDSR (20 layers of 64 channels, hours of training) gains about 3 dB at x2 on standard sets.

# %% tags=["demo"]
from fixtures import degrade, images
from graders import metrics, plots

factor = 2
low, high = degrade.sr_pairs(512, 24, factor, split="train", seed=0)
train_up = tf.convert_to_tensor(degrade.upscale_bicubic(low, factor)[..., None])
train_hr = tf.convert_to_tensor(high[..., None])
test_low, test_high = degrade.sr_pairs(8, 48, factor, split="test", seed=1)
test_up = degrade.upscale_bicubic(test_low, factor)

model = build_vdsr(seed=0)
losses = train_vdsr(model, train_up, train_hr, steps=300, seed=0)
sr = np.asarray(model(test_up[..., None], training=False))[..., 0]

inner = (slice(None), slice(4, -4), slice(4, -4))
for name, im in [("bicubic", test_up), ("VDSR", np.clip(sr, 0, 1))]:
    print(f"{name:>8}: PSNR {metrics.psnr(im[inner], test_high[inner], 1.0):5.2f} dB")
plots.loss_curve({"train MSE": losses}, smooth=10)
plt.show()
plots.image_grid(np.concatenate([test_high, test_up, np.clip(sr, 0, 1), 0.5 + 5 * (sr - test_up)]), ncols=8,
                 title="rows: high resolution / bicubic / VDSR / residual x5")
plt.show()
