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

check = checker("dncnn", "tf", globals())

# %% [markdown]
# ## Part 1: blind noise
#
# One DnCNN serves every noise level ("blind" denoising) only if it is trained on all of them. Give
# **every image its own noise level** $\sigma_i$, drawn uniformly from `sigma_range = [lo, hi]`, and add
# white Gaussian noise of that standard deviation (not variance):
#
# $$y_i = x_i + \sigma_i\,\varepsilon_i,\qquad \sigma_i \sim \mathcal U(\text{lo}, \text{hi}),\quad \varepsilon_i \sim \mathcal N(0, I)$$
#
# Do **not** clip $y$ to [0, 1]: the residual the network learns, $y - x$, must be exactly the Gaussian
# noise $\sigma_i\varepsilon_i$ (clipping would make it depend on the image near black and white).
# Draw with TensorFlow's stateless random ops, seeded by `(seed, 0)` for the sigmas and `(seed, 1)` for the
# noise: the same seed always gives the same noise whatever the global random state is, and the two
# draws are independent.

# %% tags=["solution"]
def add_blind_noise(images, sigma_range, seed):
    """Add white Gaussian noise with a random standard deviation per image.

    Args:
        images: tf.Tensor, float32, (N, H, W, C) (NHWC), clean images in [0, 1].
        sigma_range: [lo, hi], two floats; image i gets noise of std sigma_i ~ Uniform(lo, hi).
        seed: int; the same seed gives the same sigmas and noise, independent of the global RNG.
    Returns:
        tf.Tensor with the shape and dtype of `images`: images + sigma_i * N(0, 1) noise, drawn
        independently for every element, NOT clipped (values may leave [0, 1]).
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: tf.random.stateless_uniform of shape (N, 1, 1, 1) for the sigmas, tf.random.stateless_normal for the noise.
    lo, hi = sigma_range
    shape = tf.shape(images)
    sigma = tf.random.stateless_uniform([shape[0], 1, 1, 1], seed=[int(seed), 0], minval=lo, maxval=hi,
                                        dtype=images.dtype)                      # one sigma per image
    return images + sigma * tf.random.stateless_normal(shape, seed=[int(seed), 1], dtype=images.dtype)
    ### END SOLUTION


# %% tags=["check"]
check("add_blind_noise")

# %% [markdown]
# ## Part 2: the network predicts the noise
#
# DnCNN (Zhang et al., 2017) is a plain stack of 3x3 convolutions at full resolution, with no pooling
# and no skip connections inside: `Conv + ReLU`, then `depth - 2` times `Conv (+ BatchNorm) + ReLU`,
# then a last `Conv` to one channel. Its output is the **noise estimate** $\hat n = R(y)$, so the last
# layer has **no activation**: noise is negative as often as positive, and a sigmoid or ReLU could not
# produce it. Here: depth 5, 16 channels, `padding="same"` so the output has the input's size;
# BatchNorm is left out (see the lesson). Declare the input as `keras.Input(shape=(None, None, 1))`,
# so the model takes images of any size.
# The grader accepts at most 50,000 parameters (this model has about 7,000) and requires the same
# seed to give the same initial weights.

# %% tags=["solution"]
def build_dncnn(seed, depth=5, features=16):
    """A freshly initialised DnCNN: returns the estimated NOISE of its input, not the clean image.

    Args:
        seed: int; the same seed gives the same initial weights.
        depth, features: number of conv layers and channels of the hidden ones.
    Returns:
        keras.Model mapping noisy (N, H, W, 1) (NHWC) float32 images, any H and W, roughly [0, 1] and
        not clipped, to the estimated noise (N, H, W, 1) float32, unbounded (no output activation).
    """
    ### BEGIN SOLUTION (about 7 lines) Hint: keras.utils.set_random_seed, then keras.Sequential of Conv2D(..., 3, padding="same").
    keras.utils.set_random_seed(seed)
    layers = [keras.Input(shape=(None, None, 1)),
              keras.layers.Conv2D(features, 3, padding="same", activation="relu")]
    for _ in range(depth - 2):
        layers.append(keras.layers.Conv2D(features, 3, padding="same", activation="relu"))
    layers.append(keras.layers.Conv2D(1, 3, padding="same"))       # the noise estimate: no activation
    return keras.Sequential(layers, name="dncnn")
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 3: denoising is a subtraction
#
# The denoised image is the input minus the predicted noise, clipped to the valid range:
#
# $$\hat x = \operatorname{clip}\big(y - R(y),\ 0,\ 1\big)$$
#
# Run the model in inference mode (`training=False`).

# %% tags=["solution"]
def denoise(model, noisy):
    """Denoise images with a residual (noise-predicting) model.

    Args:
        model: a keras.Model from build_dncnn (trained or not).
        noisy: tf.Tensor float32 (N, H, W, 1) (NHWC), noisy images (values may leave [0, 1]).
    Returns:
        tf.Tensor float32 (N, H, W, 1) in [0, 1]: clip(noisy - model(noisy), 0, 1).
    """
    ### BEGIN SOLUTION (about 1 line) Hint: model(noisy, training=False); keras.ops.clip.
    return keras.ops.clip(noisy - model(noisy, training=False), 0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("denoise")

# %% [markdown]
# ## Part 4: blind training
#
# Each step: sample a minibatch of clean patches, corrupt it with `add_blind_noise` (fresh noise and
# fresh sigmas every step), and minimise the mean squared error between the model's output and the
# **noise** $y - x$ (not the clean image):
#
# $$\mathcal L(\theta) = \frac{1}{N}\sum_i \big\lVert R_\theta(y_i) - (y_i - x_i)\big\rVert^2$$
#
# Adam with learning rate 5e-3 and batch size 16 train this small model in a few hundred steps; wrap
# the gradient step in `tf.function`, it runs several times faster than eagerly. The
# grader trains your model with your function, then measures on product shots it never saw, at several
# noise levels, whether the model's output is the noise and whether subtracting it beats the best
# Gaussian filter (its width tuned per level, with hindsight).
#
# What the grader enforces here: it calls `train_dncnn(model, 512 clean 24x24 patches, [0.05, 0.3],
# steps=250, seed)` and counts the optimizer updates: exactly `steps` (one minibatch each, not epochs)
# earn the first point; the returned losses are checked for format only (one finite float per step).
# On its own held-out shots it measures the error of the model's output against the noise (it must
# fall below 0.8x its value before training), and requires the denoised shots to beat the tuned
# Gaussian filter at sigma 0.1 and 0.2 and stay within 1 dB of it at 0.3. Then it shuffles the values
# inside every weight tensor and denoises again: the gain over the noisy input must collapse (to at
# most +2 dB at sigma 0.2), so the result has to come from the network's forward pass, not from a
# classical filter switched on after training.

# %% tags=["solution"]
def train_dncnn(model, clean, sigma_range, steps, seed, batch_size=16, lr=5e-3):
    """Train `model` in place to predict the noise of images with a random noise level each.

    Args:
        model: the keras.Model from build_dncnn.
        clean: tf.Tensor float32 (N, H, W, 1) (NHWC), clean training patches in [0, 1].
        sigma_range: [lo, hi], the range of noise standard deviations to train on.
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches, the sigmas and the noise.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss (MSE against the noise) of each step.
    """
    ### BEGIN SOLUTION (about 16 lines) Hint: tf.GradientTape inside a @tf.function step; the target is noisy - clean_batch.
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(autograph=False)  # a plain step: no Python control flow to convert
    def train_step(noisy, noise):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(noisy, training=True) - noise))  # the target is the NOISE
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        target = tf.gather(clean, rng.integers(0, clean.shape[0], batch_size))
        noisy = add_blind_noise(target, sigma_range, int(rng.integers(2**31 - 1)))
        losses.append(float(train_step(noisy, noisy - target)))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train one model on product shots with noise levels from 0.05 to 0.3, then denoise shots it has never
# seen at three noise levels with that same model. The Gaussian filter's width is tuned per level
# (with hindsight); the network needs no knob: it reads the noise level off the image.

# %% tags=["demo"]
from scipy import ndimage

from fixtures.dncnn import product_shots
from graders import metrics, plots

sigma_range = [0.05, 0.3]
train_clean = tf.convert_to_tensor(product_shots(512, size=24, seed=0)[..., None])
test_clean = product_shots(8, size=32, seed=1)

model = build_dncnn(seed=0)
losses = train_dncnn(model, train_clean, sigma_range, steps=250, seed=0)

rows = [test_clean]
for k, sigma in enumerate([0.05, 0.15, 0.3]):
    noisy = test_clean + sigma * np.random.default_rng(k).standard_normal(test_clean.shape).astype(np.float32)
    denoised = np.asarray(denoise(model, tf.convert_to_tensor(noisy[..., None])))[..., 0]
    blur = max((ndimage.gaussian_filter(noisy, (0, w, w)) for w in np.arange(0.3, 2.6, 0.1)),
               key=lambda b: metrics.psnr(np.clip(b, 0, 1), test_clean, 1.0))
    print(f"sigma {sigma:.2f}: noisy {metrics.psnr(np.clip(noisy, 0, 1), test_clean, 1.0):5.2f} dB, "
          f"best Gaussian filter {metrics.psnr(np.clip(blur, 0, 1), test_clean, 1.0):5.2f} dB, "
          f"DnCNN {metrics.psnr(denoised, test_clean, 1.0):5.2f} dB")
    rows += [np.clip(noisy, 0, 1), denoised]
plots.loss_curve({"train MSE (noise)": losses}, smooth=10)
plt.show()
plots.image_grid(np.concatenate(rows), ncols=8,
                 title="clean / noisy and denoised at sigma 0.05, 0.15, 0.3")
plt.show()
