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

check = checker("gan_enhancement", "tf", globals())

# %% [markdown]
# ## Part 1: the generator and the conditional PatchGAN discriminator
#
# Grey images, NHWC, values in [0, 1]. Both networks are fully convolutional (declare inputs as
# `keras.Input(shape=(None, None, C))`), so they work on any image whose height and width are
# multiples of 4.
#
# * **Generator** `low (N, H, W, 1) -> enhanced (N, H, W, 1)`: a tiny U-Net, built with the
#   functional API. `skip = Conv2D(8, 3, padding="same")` + LeakyReLU (slope 0.2);
#   `Conv2D(16, 4, strides=2, padding="same")` + LeakyReLU (H/2);
#   `Conv2DTranspose(8, 4, strides=2, padding="same")` + LeakyReLU (back to H); then the **skip
#   connection**: `Concatenate()` the skip features with the upsampled ones (16 channels) and map
#   them with `Conv2D(1, 3, padding="same", activation="sigmoid")` to an image in [0, 1]. The skip
#   carries the fine detail past the bottleneck: enhancement changes tones, not edges.
# * **Discriminator** (pix2pix's conditional PatchGAN) `pair (N, H, W, 2) -> logits (N, H/4, W/4, 1)`:
#   it sees the **low-light input and an image stacked along the channel axis** (channel 0 the input,
#   channel 1 the enhanced or real image), so it judges whether the image is a plausible enhancement
#   *of this input*, not just a plausible image. `Conv2D(8, 4, strides=2, padding="same")` + LeakyReLU,
#   `Conv2D(16, 4, strides=2, padding="same")` + LeakyReLU, `Conv2D(1, 3, padding="same")`: one **raw
#   logit per patch** (each sees an 18x18 pixel patch), no sigmoid and no `Dense` layer.
#
# Seed with `keras.utils.set_random_seed(seed)` before creating the layers.

# %% tags=["solution"]
def build_generator(seed):
    """A freshly initialised tiny U-Net enhancer.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        keras.Model mapping (N, H, W, 1) (NHWC) float32 in [0, 1], H and W multiples of 4, to
        (N, H, W, 1) float32 in [0, 1] for any input (sigmoid output).
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: functional API; keras.layers.Concatenate()([skip, up]); activation="sigmoid" last.
    keras.utils.set_random_seed(seed)
    layers = keras.layers
    x = keras.Input(shape=(None, None, 1))
    skip = layers.Conv2D(8, 3, padding="same", activation="leaky_relu")(x)                         # (N, H, W, 8)
    down = layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu")(skip)          # (N, H/2, W/2, 16)
    up = layers.Conv2DTranspose(8, 4, strides=2, padding="same", activation="leaky_relu")(down)    # (N, H, W, 8)
    out = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(layers.Concatenate()([skip, up]))
    return keras.Model(x, out, name="unet_generator")
    ### END SOLUTION


def build_discriminator(seed):
    """A freshly initialised conditional PatchGAN discriminator.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        keras.Model mapping pairs float32 (N, H, W, 2) (NHWC; channel 0 the low-light input,
        channel 1 the candidate enhanced image, both in [0, 1]; H, W multiples of 4) to raw logits
        float32 (N, H/4, W/4, 1), one per patch (any real number; positive means "real pair").
    """
    ### BEGIN SOLUTION (about 7 lines) Hint: keras.Sequential of three Conv2D; no sigmoid, no Dense.
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None, None, 2)),
        keras.layers.Conv2D(8, 4, strides=2, padding="same", activation="leaky_relu"),    # (N, H/2, W/2, 8)
        keras.layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu"),   # (N, H/4, W/4, 16)
        keras.layers.Conv2D(1, 3, padding="same"),                                        # (N, H/4, W/4, 1) logits
    ], name="patchgan_discriminator")
    ### END SOLUTION


# %% tags=["check"]
check("models")

# %% [markdown]
# ## Part 2: the losses
#
# With $\ell = D(x, \cdot)$ the patch logits and $\mathrm{BCE}(\ell, t)$ the binary cross-entropy
# from logits averaged over **every patch of every image**:
#
# * discriminator: real pairs $(x, y)$ are labelled 1, generated pairs $(x, G(x))$ 0:
#   $L_D = \mathrm{BCE}(\ell_{real}, 1) + \mathrm{BCE}(\ell_{fake}, 0)$ (the sum of the two means);
# * generator (pix2pix): fool D **and** stay close to the target in **L1** (mean absolute error):
#
# $$L_G = \mathrm{BCE}(\ell_{fake}, 1) + \lambda\,\operatorname{mean}\,\lvert G(x) - y\rvert$$
#
# The L1 term does the enhancement (it pins the output to the right tones, pixel by pixel); the
# adversarial term only asks for outputs that look real, which L1 alone (whose optimum is a
# median) leaves blurry. pix2pix uses $\lambda = 100$. Use
# `keras.losses.binary_crossentropy(..., from_logits=True)` or `tf.nn.sigmoid_cross_entropy_with_logits`,
# stable for logits of any size.

# %% tags=["solution"]
def discriminator_loss(real_logits, fake_logits):
    """BCE of the conditional discriminator, from logits.

    Args:
        real_logits: tf.Tensor float32 (N, h, w, 1), D's patch logits on real pairs (target 1).
        fake_logits: tf.Tensor float32 (N, h, w, 1), D's patch logits on generated pairs (target 0).
    Returns:
        0-d tf.Tensor: mean BCE over the real patches + mean BCE over the fake patches.
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: tf.nn.sigmoid_cross_entropy_with_logits with tf.ones_like / tf.zeros_like, then tf.reduce_mean.
    real = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(real_logits), logits=real_logits)
    fake = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits)
    return tf.reduce_mean(real) + tf.reduce_mean(fake)
    ### END SOLUTION


def generator_loss(fake_logits, fake, target, l1_weight):
    """pix2pix generator loss: adversarial BCE (label 1) plus l1_weight times the L1 distance.

    Args:
        fake_logits: tf.Tensor float32 (N, h, w, 1), D's patch logits on generated pairs.
        fake: tf.Tensor float32 (N, H, W, 1) (NHWC), the generator's output in [0, 1].
        target: tf.Tensor float32 (N, H, W, 1), the well-exposed target in [0, 1].
        l1_weight: float, lambda (e.g. 100).
    Returns:
        0-d tf.Tensor: mean BCE(fake_logits, 1) + l1_weight * mean |fake - target|.
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: the generator wants D to say "real" (1); tf.reduce_mean(tf.abs(...)).
    adversarial = tf.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(fake_logits), logits=fake_logits))
    return adversarial + l1_weight * tf.reduce_mean(tf.abs(fake - target))
    ### END SOLUTION


# %% tags=["check"]
check("losses")

# %% [markdown]
# ## Part 3: training on paired images
#
# Each step, take a random minibatch of **aligned pairs** `(low[i], high[i])` (the same indices for
# both) and, inside one `tf.function` step,
#
# 1. **D step**: `fake = generator(low_b)`; D scores `tf.concat([low_b, high_b], -1)` (real) and
#    `tf.concat([low_b, fake], -1)` (fake) under a `GradientTape`; `discriminator_loss`; apply the
#    gradients to D's variables only (the tape on D's variables is the Keras counterpart of `detach()`);
# 2. **G step**: under a second tape, `fake = generator(low_b)` and D's logits on
#    `tf.concat([low_b, fake], -1)`; `generator_loss(..., fake, high_b, l1_weight)`; apply the
#    gradients to G's variables only.
#
# Adam with `beta_1=0.5` for each network (the pix2pix/DCGAN setting), learning rate `lr`. Call
# `optimizer.build(model.trainable_variables)` before the first step: the step is then traced once
# instead of twice (the optimizers would otherwise create their slots inside the first trace). The
# grader calls `train_enhancer(G, D, low, high, steps=80, seed=..., l1_weight=100.0, batch_size=16,
# lr=2e-3)` on 512 training pairs, then enhances dark patches of *other* photographs with your
# generator and measures PSNR and SSIM against the well-exposed originals, next to the dark
# input's and those of histogram equalisation (its own, OpenCV's).
#
# A discriminator trained for 80 steps here stays close to chance (the L1 term makes the fakes good
# within a few dozen steps, so D has little left to learn), so the grader checks your D step on its
# own: it also runs your loop for 8 steps on pairs whose targets are plain white images and checks
# that D's scores of real pairs rise relative to those of the untrained generator's outputs.
#
# What else the grader enforces (it trusts only what it measures itself): exactly one D and one G
# update per step, 160 optimizer steps for `steps=80` (it counts them; more, e.g. `steps` used as
# epochs, fails); the loss lists you return are checked for format only, for your plot; the L1 error
# it measures on held-out patches must fall below 0.8x the untrained generator's; and the output must
# come from your generator's weights: with the values inside each of its weight tensors shuffled, the
# PSNR gain over the dark input must drop to at most +10 dB (the reference: about +13.5 dB trained,
# +7 dB shuffled).

# %% tags=["solution"]
def train_enhancer(generator, discriminator, low, high, steps, seed, l1_weight=100.0, batch_size=16, lr=2e-3):
    """Train a pix2pix-style enhancer in place with alternating D and G updates.

    Args:
        generator: the keras.Model from build_generator (low -> enhanced, (N, H, W, 1) in [0, 1]).
        discriminator: the keras.Model from build_discriminator (pairs (N, H, W, 2) -> logits (N, H/4, W/4, 1)).
        low: tf.Tensor float32 (M, H, W, 1) (NHWC), the dark inputs in [0, 1].
        high: tf.Tensor float32 (M, H, W, 1), the well-exposed targets in [0, 1]; high[i] pairs with low[i].
        steps: int, number of (D step, G step) pairs, one minibatch each.
        seed: int; fixes the minibatches.
        l1_weight: float, lambda of the generator loss.
        batch_size, lr: minibatch size; Adam(lr, beta_1=0.5) for each network.
    Returns:
        (d_losses, g_losses): two lists of `steps` Python floats, the losses of each step.
    """
    ### BEGIN SOLUTION (about 24 lines) Hint: two optimizers and two GradientTapes in a @tf.function step; numpy default_rng(seed) for the indices.
    rng = np.random.default_rng(seed)
    opt_g = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_g.build(generator.trainable_variables)          # create the optimizers' slots before tracing
    opt_d.build(discriminator.trainable_variables)
    l1_weight = tf.constant(l1_weight, tf.float32)

    @tf.function(autograph=False)  # a plain step: no Python control flow to convert
    def train_step(x, y):
        with tf.GradientTape() as tape:
            fake = generator(x, training=True)
            d_loss = discriminator_loss(discriminator(tf.concat([x, y], -1), training=True),
                                        discriminator(tf.concat([x, fake], -1), training=True))
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            fake = generator(x, training=True)
            g_loss = generator_loss(discriminator(tf.concat([x, fake], -1), training=True), fake, y, l1_weight)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        opt_g.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    d_losses, g_losses = [], []
    for _ in range(steps):
        idx = rng.integers(0, low.shape[0], batch_size)
        d_loss, g_loss = train_step(tf.gather(low, idx), tf.gather(high, idx))   # the SAME indices: aligned pairs
        d_losses.append(float(d_loss))
        g_losses.append(float(g_loss))
    return d_losses, g_losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train on pairs cut from the training photographs, then enhance dark patches of photographs the
# model has never seen. Histogram equalisation (last row) needs no training and fixes the
# brightness, but it forces every patch to a flat histogram: it over-stretches flat regions,
# amplifies the noise and gets the tones wrong. The GAN learns the actual camera response from
# the pairs. Watch the generator's loss fall (that is the L1 term) while the discriminator's hovers.

# %% tags=["demo"]
from fixtures import gan_enhancement as data

from graders import metrics, plots

train_low, train_high = data.pairs(512, size=32, split="train", seed=0)
test_low, test_high = data.pairs(8, size=32, split="test", seed=1)

G, D = build_generator(seed=0), build_discriminator(seed=1)
d_losses, g_losses = train_enhancer(G, D, tf.convert_to_tensor(train_low[..., None]),
                                    tf.convert_to_tensor(train_high[..., None]), steps=300, seed=0)
enhanced = np.asarray(G(test_low[..., None], training=False))[..., 0]
equalized = data.equalize(test_low)

for name, im in [("dark input", test_low), ("GAN", enhanced), ("hist. equal.", equalized)]:
    print(f"{name:>12}: PSNR {metrics.psnr(im, test_high, 1.0):5.2f} dB, "
          f"SSIM {metrics.ssim(im[..., None], test_high[..., None], 1.0):.3f}")
plots.loss_curve({"discriminator": d_losses, "generator": g_losses}, title="pix2pix losses", smooth=10)
plt.show()
plots.image_grid(np.concatenate([test_high, test_low, enhanced, equalized]), ncols=8,
                 title="rows: target / dark input / GAN / histogram equalisation")
plt.show()
