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

check = checker("product_retouching", "tf", globals())

# %% [markdown]
# ## Part 1: the gray-world baseline
#
# A colour cast multiplies each channel by its own gain, $x_c = g_c\,s_c$. White balance divides
# it out again; the question is how to estimate $g$. The **gray-world** assumption says the average
# colour of a scene is grey, so the per-channel means of the photo should be equal:
#
# $$\hat x_c = \operatorname{clip}\Big(x_c \cdot \frac{\bar m}{m_c},\ 0,\ 1\Big),\qquad
# m_c = \operatorname{mean}_{\text{pixels}}(x_c),\quad \bar m = \tfrac13 (m_R + m_G + m_B)$$
#
# per image. It is one line and often good on natural scenes, but a product photo breaks its
# assumption: a large red product makes the average reddish, and gray-world paints it cyan.

# %% tags=["solution"]
def gray_world(images):
    """Gray-world white balance, per image.

    Args:
        images: tf.Tensor float32 (N, H, W, 3) (NHWC), RGB in [0, 1].
    Returns:
        tf.Tensor float32 (N, H, W, 3) in [0, 1]: each image's channels multiplied by
        (mean of its three channel means) / (its channel mean), then clipped to [0, 1].
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: tf.reduce_mean(images, axis=(1, 2), keepdims=True) gives the (N, 1, 1, 3) channel means.
    means = tf.reduce_mean(images, axis=(1, 2), keepdims=True)
    gains = tf.reduce_mean(means, axis=3, keepdims=True) / means
    return tf.clip_by_value(images * gains, 0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("gray_world")

# %% [markdown]
# ## Part 2: white balance on the backdrop
#
# A product photo has a better reference than the whole scene: its **backdrop** is meant to be
# neutral (white or grey), so whatever colour it has *is* the cast, up to its brightness. Average the
# photo's colour over the backdrop only, with weights $b \in [0, 1]$ per pixel (1 = backdrop):
#
# $$c_{c} = \frac{\sum_p b_p\,x_{c,p}}{\sum_p b_p},\qquad
# \hat x_c = \operatorname{clip}\Big(x_c \cdot \frac{\bar c}{c_c},\ 0,\ 1\Big),\qquad \bar c = \tfrac13 (c_R + c_G + c_B)$$
#
# The gains $\bar c / c_c$ make the backdrop grey and keep the overall brightness. Weights instead of
# a hard mask also accept a soft mask, such as a segmenter's probabilities.

# %% tags=["solution"]
def white_balance(images, background):
    """White balance from the colour of the backdrop, per image.

    Args:
        images: tf.Tensor float32 (N, H, W, 3) (NHWC), RGB in [0, 1].
        background: tf.Tensor float32 (N, H, W, 1) in [0, 1], the weight of each pixel as backdrop
            (1 = certainly backdrop); every image has some backdrop weight.
    Returns:
        tf.Tensor float32 (N, H, W, 3) in [0, 1]: each image's channels multiplied by
        mean(c) / c, with c (N, 3) the background-weighted mean colour, then clipped to [0, 1].
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: tf.reduce_sum(images * background, axis=(1, 2)) / tf.reduce_sum(background, axis=(1, 2)) is c.
    colour = (tf.reduce_sum(images * background, axis=(1, 2), keepdims=True)
              / tf.reduce_sum(background, axis=(1, 2), keepdims=True))
    gains = tf.reduce_mean(colour, axis=3, keepdims=True) / tf.maximum(colour, 1e-6)
    return tf.clip_by_value(images * gains, 0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("white_balance")

# %% [markdown]
# ## Part 3: a segmenter that finds the product
#
# The backdrop is not given: learn it. A small fully convolutional network maps a photo to one
# **logit** per pixel, positive on the product. Whether a pixel is backdrop depends on the backdrop's
# colour *in this photo* (the cast tints it), and a few 3x3 convolutions see only a pixel's
# neighbourhood. Give the network that global context as an input: the mean colour of the photo's
# **border frame** (the outer 2 pixels), which in a product shot is nearly all backdrop (a tall
# product may touch it; about 1% of the frame's pixels here). The layer `BorderContext` below
# computes `concat([x, x - border_colour])` (6 channels); write it, then build the segmenter as a
# `keras.Sequential` starting with `keras.Input(shape=(None, None, 3))` (any photo size):
#
# - `BorderContext()`, `Conv2D(8, 3, padding="same")` + ReLU,
#   `Conv2D(8, 3, padding="same", dilation_rate=2)` + ReLU (a wider view for the same cost), and
#   `Conv2D(1, 3, padding="same")`: the logits.
#
# Train it with the binary cross-entropy on logits (`tf.nn.sigmoid_cross_entropy_with_logits`, which
# is exact for large logits, unlike a sigmoid followed by a cross-entropy on probabilities) against
# the product masks, with Adam (learning rate 3e-3) on minibatches of 16 photos, in a `tf.function`
# step.
#
# The grader trains your segmenter with your function on its training photos, then measures the
# intersection over union of `sigmoid(logits) > 0.5` with the true masks on photos it never saw.
# (Measured once on the grader's photos: about 0.985 without the context input, 0.996 with it.)
#
# Limits the grader enforces: at most 20,000 parameters; `train_segmenter(..., steps=300)` must take
# exactly 300 optimizer steps (the grader counts them; `steps` counts minibatches, not epochs). The
# losses you return are checked for format only (one float per step): the point goes to the grader's
# own binary cross-entropy of your logits on training photos, which must fall below half its start.
# The masks must come from the trained weights: the grader sets every weight to zero (the output of
# any network is then constant) and measures the held-out IoU again, which must fall to at most that
# of a mask covering the whole photo (about 0.32) plus 0.05.

# %% tags=["solution"]
class BorderContext(keras.layers.Layer):
    """(N, H, W, 3) photos -> (N, H, W, 6): the photo and the photo minus its border frame's mean colour."""

    def call(self, x):
        ### BEGIN SOLUTION (about 7 lines) Hint: a boolean (H, W) frame from tf.range(H) < 2 | >= H - 2 (same for W); tf.concat([x, x - border], axis=-1).
        h, w = tf.shape(x)[1], tf.shape(x)[2]
        rows, cols = tf.range(h), tf.range(w)
        frame = ((rows < 2) | (rows >= h - 2))[:, None] | ((cols < 2) | (cols >= w - 2))[None, :]
        frame = tf.cast(frame, x.dtype)[None, :, :, None]                     # (1, H, W, 1)
        border = tf.reduce_sum(x * frame, axis=(1, 2), keepdims=True) / tf.reduce_sum(frame)   # (N, 1, 1, 3)
        return tf.concat([x, x - border], axis=-1)
        ### END SOLUTION

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 2 * input_shape[-1])


def build_segmenter(seed):
    """A freshly initialised product segmenter.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        keras.Model mapping (N, H, W, 3) (NHWC) float32 photos in [0, 1], H and W at least 5, to
        (N, H, W, 1) float32 logits, positive on the product.
    """
    ### BEGIN SOLUTION (about 8 lines) Hint: keras.utils.set_random_seed(seed), then keras.Sequential or the functional API.
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None, None, 3)),
        BorderContext(),
        keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(8, 3, padding="same", dilation_rate=2, activation="relu"),
        keras.layers.Conv2D(1, 3, padding="same"),
    ], name="segmenter")
    ### END SOLUTION


def train_segmenter(model, photos, masks, steps, seed, batch_size=16, lr=3e-3):
    """Train `model` in place to segment the product.

    Args:
        model: the keras.Model from build_segmenter.
        photos: tf.Tensor float32 (N, H, W, 3) (NHWC) in [0, 1].
        masks: tf.Tensor float32 (N, H, W, 1), 1 on the product and 0 on the backdrop.
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss of each step.
    """
    ### BEGIN SOLUTION (about 15 lines) Hint: numpy default_rng(seed) for the indices; tf.gather; optimizer.build before the tf.function step.
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    optimizer.build(model.trainable_variables)   # create the slots before tracing: the step is traced once

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=model(x, training=True)))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.integers(0, photos.shape[0], batch_size)
        losses.append(float(train_step(tf.gather(photos, idx), tf.gather(masks, idx))))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("segment")

# %% [markdown]
# ## Part 4: retouch
#
# Put the pieces together, the way a retouching pipeline would:
#
# 1. $m = [\,\text{segmenter}(x) > 0\,]$, the product mask (a logit above 0 is a probability above 0.5);
# 2. white-balance the photo with the backdrop weights $1 - m$ (Part 2);
# 3. composite the balanced product onto pure white: $y = m\,\hat x + (1 - m)\cdot 1$.
#
# A hard mask keeps the backdrop pure white and the product's pixels exactly as balanced; a soft
# one would leave a faint grey haze wherever the segmenter hesitates. Each step keeps the product's
# pixels as they were, up to one gain per channel, so its texture and edges survive: this is
# image-to-image translation with a *parametric* output (a mask and three gains) instead of a
# network that redraws every pixel and blurs them when trained briefly.
#
# The grader measures, on photos your segmenter never saw: how white and uniform the backdrop is,
# the colour error on the product against the clean target (compared with the photo's and with
# gray-world's), and the product's structural similarity (SSIM).

# %% tags=["solution"]
def retouch(model, photos):
    """Retouch product photos: neutral colours and a pure white backdrop, in inference mode.

    Args:
        model: a trained segmenter from build_segmenter.
        photos: tf.Tensor float32 (N, H, W, 3) (NHWC) in [0, 1].
    Returns:
        tf.Tensor float32 (N, H, W, 3) in [0, 1].
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: model(photos, training=False) > 0, cast to float32, is the mask; white_balance(photos, 1 - m).
    m = tf.cast(model(photos, training=False) > 0, tf.float32)
    balanced = white_balance(photos, 1.0 - m)
    return m * balanced + (1.0 - m)
    ### END SOLUTION


# %% tags=["check"]
check("retouch")

# %% [markdown]
# ## See it work
#
# Train the segmenter on 512 photos, then retouch photos it never saw. Rows: the photo, gray-world,
# the predicted product mask, the retouched photo, and the clean target.

# %% tags=["demo"]
from fixtures import product_retouching

from graders import plots

train = product_retouching.photos(512, "train", seed=0)
test = product_retouching.photos(8, "test", seed=0)

model = build_segmenter(seed=0)
losses = train_segmenter(model, tf.constant(train.photos), tf.constant(train.masks[..., None], tf.float32),
                         steps=300, seed=0)
photos = tf.constant(test.photos)
mask = tf.repeat(tf.sigmoid(model(photos, training=False)), 3, axis=-1)
rows = [photos, gray_world(photos), mask, retouch(model, photos), tf.constant(test.clean)]
for name, row in [("photo", rows[0]), ("gray world", rows[1]), ("retouched", rows[3])]:
    error = np.abs(np.asarray(row) - test.clean).mean(axis=-1)[test.masks].mean()
    print(f"{name:>10}: mean colour error on the product {error:.3f}")
plots.loss_curve({"train BCE": losses}, smooth=10)
plt.show()
plots.image_grid(np.concatenate([np.asarray(r) for r in rows]), ncols=8,
                 title="rows: photo / gray world / predicted mask / retouched / target")
plt.show()
