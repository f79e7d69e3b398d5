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

check = checker("denoising_autoencoder", "tf", globals())

# %% [markdown]
# ## Part 1: the corruption
#
# A denoising autoencoder is trained on pairs (noisy input, clean target) that you make yourself
# from clean images. Add white Gaussian noise of standard deviation `sigma` (not variance) to every
# pixel, independently for every pixel *and every image*, then clip to the valid range [0, 1]:
#
# $$\tilde x = \operatorname{clip}(x + \sigma\,\varepsilon,\ 0,\ 1),\qquad \varepsilon \sim \mathcal N(0, 1)$$
#
# Draw the noise with `keras.random.normal(..., seed=seed)`: with an integer seed it is a stateless
# draw, so the same seed always gives the same noise whatever the global random state is.

# %% tags=["solution"]
def add_noise(images, sigma, seed):
    """Corrupt images with clipped additive white Gaussian noise.

    Args:
        images: tf.Tensor, float32, any shape, e.g. (N, H, W, 1) (NHWC), values in [0, 1].
        sigma: float, the noise's standard deviation (0.1 = 10% of the intensity range).
        seed: int; the same seed gives the same noise, independent of the global RNG.
    Returns:
        tf.Tensor with the shape and dtype of `images`, values in [0, 1]:
        clip(images + sigma * N(0, 1) noise drawn independently for every element, 0, 1).
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: keras.random.normal(shape, stddev=..., seed=...), keras.ops.clip.
    noise = keras.random.normal(keras.ops.shape(images), stddev=sigma, dtype=images.dtype, seed=int(seed))
    return keras.ops.clip(images + noise, 0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("add_noise")

# %% [markdown]
# ## Part 2: the autoencoder
#
# A small convolutional encoder-decoder:
#
# - **encoder**: `Conv2D(16, 3, strides=2, padding="same")` + LeakyReLU (slope 0.2) halves the
#   resolution (32x32 -> 16x16), then `Conv2D(32, 3, padding="same")` + LeakyReLU;
# - **decoder**: `Conv2DTranspose(1, 4, strides=2, padding="same")` brings back the full resolution,
#   with a **sigmoid** activation that keeps the output in [0, 1] like the images.
#
# Declare the input as `keras.Input(shape=(None, None, 1))` and keep the model fully convolutional (no
# `Dense` layer), so it denoises images of any size whose height and width are multiples of 8.
#
# LeakyReLU (`activation="leaky_relu"`) rather than ReLU: with the high learning rate used here,
# plain ReLUs tend to "die" (stay at zero for every input) and the model then lands well below its
# potential on some seeds.

# %% tags=["solution"]
def build_denoiser(seed):
    """A freshly initialised convolutional denoising autoencoder.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        keras.Model mapping (N, H, W, 1) (NHWC) float32 in [0, 1], H and W multiples of 8, to
        (N, H, W, 1) float32 in [0, 1] for any input (sigmoid output).
    """
    ### BEGIN SOLUTION (about 8 lines) Hint: keras.utils.set_random_seed, then keras.Sequential; activation="sigmoid" last.
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None, None, 1)),
        keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu"),   # (N, H/2, W/2, 16)
        keras.layers.Conv2D(32, 3, padding="same", activation="leaky_relu"),              # (N, H/2, W/2, 32)
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),  # (N, H, W, 1)
    ], name="denoising_autoencoder")
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 3: training
#
# Each step: sample a minibatch of clean patches, corrupt it with `add_noise` (fresh noise every step,
# so the model never sees the same noisy image twice), and minimise the mean squared error between the
# model's output on the **noisy** batch and the **clean** batch. Adam with learning rate 5e-3 and
# batch size 16 train this model in a few hundred steps. Wrap the gradient step in `tf.function`: it
# runs several times faster than eagerly.
#
# The grader trains your model with your function, then measures PSNR and SSIM of its output on
# noisy patches cut from *other* photographs than the training ones, compares them with the noisy
# input's, and measures how much of the noise your model leaves on flat grey images. What the check
# enforces:
#
# - **at most 100,000 parameters** (Part 2) and **exactly `steps` optimizer steps** (the grader counts
#   the optimizer's updates; `steps` is not a number of epochs);
# - PSNR gain over the noisy input of at least +5 dB at sigma 0.2 (+3.5 dB at 0.15, hidden), SSIM gain
#   of at least +0.2 (+0.15), at most 30% (35%) of the noise left on flat grey images;
# - the output must **come from the model's weights**: with the values inside every weight tensor
#   shuffled, the PSNR gain must fall to at most +2 dB (a filter switched on after training does
#   not), and a gain above +13 dB (+12 dB) is not what a model of this size and budget reaches;
# - the list you return is checked for its format only (one float per step); the points go to
#   what the grader measures. The feedback also shows the best-tuned Gaussian blur for comparison.

# %% tags=["solution"]
def train_denoiser(model, clean, sigma, steps, seed, batch_size=16, lr=5e-3):
    """Train `model` in place to map noisy images to clean ones.

    Args:
        model: the keras.Model from build_denoiser.
        clean: tf.Tensor float32 (N, H, W, 1) (NHWC), clean training images in [0, 1].
        sigma: float, standard deviation of the Gaussian noise to train on.
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches and the noise.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss (MSE) of each step.
    """
    ### BEGIN SOLUTION (about 16 lines) Hint: tf.GradientTape inside a @tf.function step; numpy default_rng(seed) for indices and noise seeds.
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(autograph=False)  # a plain step: no Python control flow to convert
    def train_step(noisy, target):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(noisy, training=True) - target))  # CLEAN target
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        target = tf.gather(clean, rng.integers(0, clean.shape[0], batch_size))
        noisy = add_noise(target, sigma, int(rng.integers(2**31 - 1)))
        losses.append(float(train_step(noisy, target)))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train on patches of the training photographs, then denoise patches of photographs the model has
# never seen. The last row is a Gaussian blur of the noisy input (1.3 pixels wide), the classical
# baseline: with this tiny model and a few hundred steps the autoencoder is about as good as a
# well-tuned blur; it pulls ahead with more capacity and training (try `steps=2000`).

# %% tags=["demo"]
from scipy import ndimage

from fixtures import images
from graders import metrics, plots

sigma = 0.2
train_clean = tf.convert_to_tensor(images.patches(512, size=32, split="train", seed=0)[..., None])
test_clean = images.patches(8, size=32, split="test", seed=1)
test_noisy = images.add_gaussian_noise(test_clean, sigma, seed=2)

model = build_denoiser(seed=0)
losses = train_denoiser(model, train_clean, sigma, steps=300, seed=0)
denoised = np.asarray(model(test_noisy[..., None], training=False))[..., 0]
blurred = np.stack([ndimage.gaussian_filter(im, 1.3) for im in test_noisy])

for name, im in [("noisy", test_noisy), ("denoised", denoised), ("Gaussian blur", blurred)]:
    print(f"{name:>13}: PSNR {metrics.psnr(im, test_clean, 1.0):5.2f} dB, "
          f"SSIM {metrics.ssim(im[..., None], test_clean[..., None], 1.0):.3f}")
plots.loss_curve({"train MSE": losses}, smooth=10)
plt.show()
plots.image_grid(np.concatenate([test_clean, test_noisy, denoised, blurred]), ncols=8,
                 title="rows: clean / noisy / denoised / Gaussian blur")
plt.show()
