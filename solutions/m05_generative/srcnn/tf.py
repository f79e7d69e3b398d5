# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
# Images are float32 in [0, 1], NHWC: (N, H, W, C).

# %% tags=["setup"]
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from graders.notebook import checker

check = checker("srcnn", "tf", globals())

# %% [markdown]
# ## Part 1: luminance and chrominance
#
# Super-resolution papers (SRCNN, VDSR, ESPCN, EDSR...) super-resolve and score only the
# **luminance** Y of the YCbCr colour space: the eye is most sensitive to luminance detail, and the
# two chroma channels Cb and Cr are simply upscaled with bicubic interpolation. The convention is
# ITU-R BT.601 in **studio range**, as MATLAB's `rgb2ycbcr`, for R, G, B in [0, 1]:
#
# $$\begin{pmatrix}Y\\C_b\\C_r\end{pmatrix} = \frac{1}{255}\left[\begin{pmatrix}16\\128\\128\end{pmatrix}
# + \begin{pmatrix}65.481 & 128.553 & 24.966\\ -37.797 & -74.203 & 112.0\\ 112.0 & -93.786 & -18.214\end{pmatrix}
# \begin{pmatrix}R\\G\\B\end{pmatrix}\right]$$
#
# so Y lies in [16/255, 235/255] and Cb, Cr in [16/255, 240/255]. (OpenCV's `COLOR_RGB2YCrCb` and
# `tf.image.rgb_to_yuv` are other conventions: full-range luma Y = 0.299 R + 0.587 G + 0.114 B;
# OpenCV also orders the channels Y, Cr, Cb. A PSNR measured on them is not comparable with the
# papers'.)
#
# Write the conversion and its inverse for NHWC batches. The matrix and offset are given.

# %% tags=["solution"]
RGB_TO_YCBCR = np.array([[65.481, 128.553, 24.966],
                         [-37.797, -74.203, 112.0],
                         [112.0, -93.786, -18.214]], np.float32) / 255.0
YCBCR_OFFSET = np.array([16.0, 128.0, 128.0], np.float32) / 255.0


def rgb_to_ycbcr(images):
    """RGB -> YCbCr (BT.601, studio range).

    Args:
        images: tf.Tensor float32 (N, H, W, 3) (NHWC), channels R, G, B in [0, 1].
    Returns:
        tf.Tensor float32 (N, H, W, 3), channels Y, Cb, Cr: Y in [16/255, 235/255],
        Cb and Cr in [16/255, 240/255].
    """
    ### BEGIN SOLUTION (about 1 line) Hint: keras.ops.matmul(images, RGB_TO_YCBCR.T) + YCBCR_OFFSET (channels last).
    return keras.ops.matmul(images, RGB_TO_YCBCR.T) + YCBCR_OFFSET
    ### END SOLUTION


def ycbcr_to_rgb(images):
    """YCbCr -> RGB, the exact inverse of rgb_to_ycbcr (no clipping).

    Args:
        images: tf.Tensor float32 (N, H, W, 3) (NHWC), channels Y, Cb, Cr.
    Returns:
        tf.Tensor float32 (N, H, W, 3), channels R, G, B (in [0, 1] when the input came from
        rgb_to_ycbcr of an image in [0, 1]; not clipped).
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: subtract the offset, then multiply by the transposed np.linalg.inv(RGB_TO_YCBCR).
    inverse = np.linalg.inv(RGB_TO_YCBCR.astype(np.float64)).astype(np.float32)
    return keras.ops.matmul(images - YCBCR_OFFSET, inverse.T)
    ### END SOLUTION


# %% tags=["check"]
check("ycbcr")

# %% [markdown]
# ## Part 2: the bicubic baseline
#
# Bicubic interpolation is both the baseline to beat and SRCNN's first step: the network does not
# enlarge the image, it *restores* a bicubic-upscaled one. Each output pixel is a weighted sum of
# 4x4 input pixels, with the cubic convolution kernel of Keys (1981); pixel centres are aligned
# (output pixel $i$ samples input position $(i + 0.5)/s - 0.5$). TensorFlow's bicubic uses the
# kernel parameter a = -0.5, OpenCV's and PyTorch's a = -0.75: both are accepted. Bicubic
# overshoots at edges, so clip the result to [0, 1].

# %% tags=["solution"]
def bicubic_upscale(images, scale):
    """Enlarge images by an integer factor with bicubic interpolation.

    Args:
        images: tf.Tensor float32 (N, h, w, C) (NHWC), values in [0, 1]; any C.
        scale: int, the enlargement factor (2, 3, 4...).
    Returns:
        tf.Tensor float32 (N, h * scale, w * scale, C), values clipped to [0, 1].
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: keras.ops.image.resize(images, (h * scale, w * scale), interpolation="bicubic"), keras.ops.clip.
    h, w = images.shape[1], images.shape[2]
    up = keras.ops.image.resize(images, (h * scale, w * scale), interpolation="bicubic")
    return keras.ops.clip(up, 0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("bicubic")

# %% [markdown]
# ## Part 3: PSNR with a shaved border
#
# Super-resolution results are reported as PSNR on Y, $10\log_{10}(1/\mathrm{MSE})$ dB for values in
# [0, 1], after **shaving** `border` pixels off each side of the image (the convention: `border` =
# the scale factor). Near the border the interpolation and the network's zero padding see
# pixels that do not exist, and every method fails there in its own way; shaving keeps the
# comparison about the image content.
#
# Compute one MSE over all the remaining values of the batch (as `graders.metrics.psnr` does).
# Careful with `border = 0`: `x[:, 0:-0]` is empty.

# %% tags=["solution"]
def psnr_shaved(sr, hr, border):
    """PSNR in dB between two batches of images after removing `border` pixels on each side.

    Args:
        sr, hr: tf.Tensor float32 (N, H, W, C) (NHWC), values in [0, 1] (data range 1).
        border: int >= 0, pixels removed at the top, bottom, left and right (0: none).
    Returns:
        Python float: 10 * log10(1 / MSE), the MSE taken over all values of the shaved batch.
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: slice [:, border:H - border, border:W - border]; compute in float64.
    h, w = sr.shape[1], sr.shape[2]
    sr = keras.ops.cast(sr[:, border:h - border, border:w - border], "float64")
    hr = keras.ops.cast(hr[:, border:h - border, border:w - border], "float64")
    mse = float(keras.ops.mean(keras.ops.square(sr - hr)))
    return float(10 * np.log10(1.0 / mse))
    ### END SOLUTION


# %% tags=["check"]
check("psnr")

# %% [markdown]
# ## Part 4: SRCNN
#
# SRCNN (Dong et al., 2014) is three convolutions, each with a meaning: **patch extraction**
# (9x9, 64 filters), **non-linear mapping** (1x1, 32 filters) and **reconstruction** (5x5, 1 filter),
# with ReLUs in between, applied to the bicubic-upscaled Y channel. Ours is scaled down to train in
# seconds on a CPU:
#
# - `Conv2D(32, 5, padding="same")` + LeakyReLU(0.1): patch extraction;
# - `Conv2D(16, 1)` + LeakyReLU(0.1): non-linear mapping;
# - `Conv2D(1, 5, padding="same")`: reconstruction.
#
# "Same" padding keeps the output the size of the input (the paper used no padding and a smaller
# target). One change from the paper, **residual learning** (as in VDSR, 2016): the convolutions
# predict only the detail that bicubic misses, and the model returns `x + convs(x)`
# (`keras.layers.Add`). Initialise the reconstruction layer with tiny weights (Gaussian, standard
# deviation 1e-3, as the paper initialised all its layers; the bias starts at zero by default), so
# the untrained model is the bicubic image plus almost nothing: it then trains in a few hundred
# steps, where the plain SRCNN needs far more. Declare the input as
# `keras.Input(shape=(None, None, 1))` so the model takes any image size.

# %% tags=["solution"]
def build_srcnn(seed):
    """A freshly initialised residual SRCNN on luminance.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        keras.Model mapping (N, H, W, 1) (NHWC) float32, the bicubic-upscaled Y channel (about
        [0, 1]), any H and W, to (N, H, W, 1) float32: the input plus the predicted detail.
    """
    ### BEGIN SOLUTION (about 10 lines) Hint: keras.utils.set_random_seed, then the functional API: keras.Input, three Conv2D (the last with kernel_initializer=keras.initializers.RandomNormal(stddev=1e-3)), keras.layers.Add()([inputs, detail]).
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(None, None, 1))
    h = keras.layers.Conv2D(32, 5, padding="same")(inputs)      # patch extraction (9x9x64 in the paper)
    h = keras.layers.LeakyReLU(negative_slope=0.1)(h)
    h = keras.layers.Conv2D(16, 1)(h)                            # non-linear mapping (1x1x32)
    h = keras.layers.LeakyReLU(negative_slope=0.1)(h)
    detail = keras.layers.Conv2D(1, 5, padding="same",           # reconstruction (5x5x1), started
                                 kernel_initializer=keras.initializers.RandomNormal(stddev=1e-3))(h)  # near 0
    return keras.Model(inputs, keras.layers.Add()([inputs, detail]), name="srcnn")  # residual
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 5: training
#
# Training pairs are made from high-resolution patches: shrink each patch by the scale factor, then
# enlarge it back with bicubic interpolation. The network's input is the blurry **upscaled** patch,
# its target the original **high-resolution** patch, both as Y; the loss is the mean squared error
# (minimising MSE maximises PSNR). The grader hands you the pairs ready-made. Adam with learning
# rate 2e-3 and batches of 16 patches gains one or two tenths of a dB over bicubic in 300 steps.
# Wrap the gradient step in `tf.function`: it runs several times faster than eagerly.
#
# The grader trains your model with your function, then super-resolves the Y channel of patches of
# *other* photographs and measures the PSNR (border shaved) of your model's output and of bicubic
# against the originals.
#
# What the grader enforces: `train_srcnn(model, 256 pairs of 18x18, steps=300, seed)` must take exactly
# `steps` optimizer updates (one minibatch each, not epochs); the returned losses are checked for
# format only (one finite Python float per step). The points are for what the grader measures itself
# on held-out patches: the output must differ from its bicubic input (at least 0.002 RMS), beat
# bicubic by at least +0.04 dB at x3 (and at x2 in the hidden check), its error must have fallen during
# training, and with the values inside every weight tensor shuffled the model must no longer reach that
# bar: the gain has to come from the network (an unsharp mask switched on after training gains about
# +0.16 dB on its own, but not from the weights). The model may have at most 20,000 parameters.

# %% tags=["solution"]
def train_srcnn(model, upscaled, target, steps, seed, batch_size=16, learning_rate=2e-3):
    """Train `model` in place to map bicubic-upscaled Y patches to the high-resolution ones.

    Args:
        model: the keras.Model from build_srcnn.
        upscaled: tf.Tensor float32 (N, H, W, 1) (NHWC): bicubic-upscaled low-resolution Y
            patches, the network's inputs.
        target: tf.Tensor float32 (N, H, W, 1): the high-resolution Y patches, the targets.
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches.
        batch_size, learning_rate: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss (MSE) of each step.
    """
    ### BEGIN SOLUTION (about 14 lines) Hint: tf.GradientTape inside a @tf.function step; numpy default_rng(seed) for the batch indices.
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)

    @tf.function(autograph=False)  # a plain step: no Python control flow to convert
    def train_step(inputs, targets):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(inputs, training=True) - targets))  # HIGH-resolution target
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.integers(0, upscaled.shape[0], batch_size)
        losses.append(float(train_step(tf.gather(upscaled, idx), tf.gather(target, idx))))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## Part 6: super-resolving a colour image
#
# Put the pieces together: enlarge the low-resolution RGB image with bicubic interpolation, convert
# it to YCbCr, run **only Y** through the network, keep the bicubic Cb and Cr, convert back to RGB
# and clip to [0, 1]. Upscale *before* the network: SRCNN restores detail at the target size, it
# does not change the size.

# %% tags=["solution"]
def super_resolve(model, low_res, scale):
    """Super-resolve RGB images: the network on bicubic Y, bicubic Cb and Cr.

    Args:
        model: the keras.Model from build_srcnn (trained or not).
        low_res: tf.Tensor float32 (N, h, w, 3) (NHWC), RGB in [0, 1].
        scale: int, the enlargement factor.
    Returns:
        tf.Tensor float32 (N, h * scale, w * scale, 3), RGB clipped to [0, 1].
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: bicubic_upscale, rgb_to_ycbcr, model(ycc[..., :1], training=False), keras.ops.concatenate, ycbcr_to_rgb.
    ycc = rgb_to_ycbcr(bicubic_upscale(low_res, scale))
    y = model(ycc[..., :1], training=False)
    rgb = ycbcr_to_rgb(keras.ops.concatenate([y, ycc[..., 1:]], axis=-1))
    return keras.ops.clip(rgb, 0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("super_resolve")

# %% [markdown]
# ## See it work
#
# Train on Y patches of the training photographs at scale 3, then super-resolve Y patches of
# photographs the model has never seen and a colour image. PSNR is measured on Y with a shaved
# border of 3 pixels. The gain over bicubic is small after a few seconds of training on a CPU; the
# paper's model trains for days and gains about 2.4 dB at scale 3 (Set5: 30.39 -> 32.75 dB).

# %% tags=["demo"]
from fixtures import degrade, images
from graders import plots

scale = 3
grey = images.patches(256, size=18, split="train", seed=0)
hr_y = degrade.rgb_to_y(np.repeat(grey[..., None], 3, axis=-1))           # (N, 18, 18) Y
up_y = degrade.upscale_bicubic(degrade.downscale(hr_y, scale), scale)     # blurry input, same size

model = build_srcnn(seed=0)
losses = train_srcnn(model, tf.convert_to_tensor(up_y[..., None]), tf.convert_to_tensor(hr_y[..., None]),
                     steps=300, seed=0)

test_grey = images.patches(8, size=48, split="test", seed=1)
test_y = degrade.rgb_to_y(np.repeat(test_grey[..., None], 3, axis=-1))[..., None]
test_up = degrade.upscale_bicubic(degrade.downscale(test_y[..., 0], scale), scale)[..., None]
test_sr = np.clip(np.asarray(model(test_up, training=False)), 0, 1)
print(f"bicubic: {psnr_shaved(test_up, test_y, scale):.2f} dB, SRCNN: {psnr_shaved(test_sr, test_y, scale):.2f} dB "
      f"(Y, border {scale} shaved)")
plots.loss_curve({"train MSE": losses}, smooth=10)
plt.show()
plots.image_grid(np.concatenate([test_y, test_up, test_sr]), ncols=8, title="rows: original Y / bicubic / SRCNN")
plt.show()

colour = images.patches(4, size=48, split="test", seed=2, gray=False)      # (4, 48, 48, 3)
sr = np.asarray(super_resolve(model, tf.convert_to_tensor(degrade.downscale(colour, scale)), scale))
plots.image_grid(np.concatenate([colour, degrade.upscale_bicubic(degrade.downscale(colour, scale), scale), sr]),
                 ncols=4, title="rows: original / bicubic / SRCNN on Y + bicubic CbCr")
plt.show()
