# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.

# %% tags=["setup"]
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers

from graders.notebook import checker

check = checker("srgan", "tf", globals())

# %% [markdown]
# ## Part 1: sub-pixel convolution (pixel shuffle)
#
# A sub-pixel convolution upsamples by `r` in two steps: an ordinary convolution at the **low**
# resolution produces `C * r * r` channels, then a fixed rearrangement, the **pixel shuffle**, moves
# each group of `r * r` channels into an `r x r` block of pixels. In TensorFlow's convention
# (`tf.nn.depth_to_space`, channels last), input channel `(i * r + j) * C + c` at pixel `(h, w)`
# becomes output channel `c` at pixel `(h * r + i, w * r + j)`:
#
# $$y[n, h r + i, w r + j, c] = x[n, h, w, (i r + j) C + c]$$
#
# Write it with `reshape` and `transpose`: split the channel axis into `(r, r, C)`, move the first
# `r` axis next to `H` and the second next to `W`, then merge. A `reshape` alone, without the
# `transpose`, has the right shape but scatters the pixels. (PyTorch's `nn.PixelShuffle` orders the
# channels differently, as `c * r * r + i * r + j`: weights trained in one framework cannot be
# copied to the other blindly.)

# %% tags=["solution"]
def pixel_shuffle(x, scale):
    """Rearrange channels into space (sub-pixel upsampling), like tf.nn.depth_to_space(x, scale).

    Args:
        x: tf.Tensor, any dtype, shape (N, H, W, C * scale**2) (NHWC).
        scale: int >= 1, the upsampling factor r.
    Returns:
        tf.Tensor of x's dtype, shape (N, H * scale, W * scale, C), with
        out[n, h * r + i, w * r + j, c] = x[n, h, w, (i * r + j) * C + c].
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: tf.reshape(x, (n, h, w, r, r, c)), tf.transpose(..., (0, 1, 3, 2, 4, 5)), tf.reshape.
    shape = tf.shape(x)
    n, h, w = shape[0], shape[1], shape[2]
    c = x.shape[-1] // (scale * scale)
    x = tf.transpose(tf.reshape(x, (n, h, w, scale, scale, c)), (0, 1, 3, 2, 4, 5))   # (n, h, i, w, j, c)
    return tf.reshape(x, (n, h * scale, w * scale, c))
    ### END SOLUTION


# %% tags=["check"]
check("pixel_shuffle")

# %% [markdown]
# ## Part 2: generator and discriminator
#
# **Generator** (a miniature SRResNet), grey low-resolution image `(N, h, w, 1)` in [0, 1] to
# `(N, scale * h, scale * w, 1)`, with the functional API:
#
# 1. `Conv2D(width, 3, padding="same")` + LeakyReLU(0.2);
# 2. one residual block: `x + Conv(LeakyReLU(Conv(x)))`, both convolutions `width` filters, 3x3;
# 3. one upsampling stage per factor 2 (one for x2, **two** for x4, as in SRGAN):
#    `Conv2D(4 * width, 3, padding="same")`, then `PixelShuffle(2)` (the layer below, wrapping
#    Part 1), then LeakyReLU;
# 4. `Conv2D(1, 3, padding="same")`, added to the bicubic enlargement of the input
#    (`layers.UpSampling2D(scale, interpolation="bicubic")`): the network only has to learn the
#    missing detail (global residual learning), which trains in seconds instead of minutes.
#    Initialise this last convolution to zeros (`kernel_initializer="zeros"`): the untrained
#    generator is then exactly bicubic, and training can only add detail from there.
#
# Every convolution works at the low resolution except the last: that is why sub-pixel convolution
# is cheap. Keep it fully convolutional (`keras.Input((None, None, 1))`, no `Dense` layer) so it
# upscales images of any size.
#
# **Discriminator**, HR image `(N, H, W, 1)` to one raw logit per image `(N, 1)`:
#
# 1. a fixed **high-pass** front end, `x - AveragePooling2D(3, strides=1, padding="same")(x)` (the
#    image minus its 3x3 local mean): what tells a super-resolved image from a real one is the
#    missing fine detail, not the brightness, so the discriminator looks at the high frequencies
#    only (the "frequency separation" of Fritsche et al., 2019). Without it, this tiny network
#    trained for a few seconds cannot tell the two apart;
# 2. `Conv2D(16, 3, strides=2, padding="same")` + LeakyReLU(0.2), `Conv2D(32, 3, strides=2,
#    padding="same")` + LeakyReLU(0.2);
# 3. `GlobalAveragePooling2D()`, then `Dense(1)`. No sigmoid: the losses take logits.
#
# (SRGAN's discriminator is a deeper VGG-like stack with BatchNorm; this one has the same shape of
# computation at a size that trains in seconds, and works on any image size.)
#
# Call `keras.utils.set_random_seed(seed)` before creating the layers.

# %% tags=["solution"]
class PixelShuffle(layers.Layer):
    """Keras layer wrapping pixel_shuffle."""

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, x):
        return pixel_shuffle(x, self.scale)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        r = self.scale
        return (n, None if h is None else h * r, None if w is None else w * r, c // (r * r))


def build_generator(scale, seed, width=16):
    """A freshly initialised SRResNet-style generator with sub-pixel upsampling and a bicubic skip.

    Args:
        scale: int, 2 or 4, the upsampling factor.
        seed: int; the same seed gives the same initial weights.
        width: int, number of feature channels.
    Returns:
        keras.Model mapping float32 (N, h, w, 1) (NHWC) in [0, 1] to float32
        (N, scale * h, scale * w, 1), values near [0, 1] (not clipped).
    """
    ### BEGIN SOLUTION (about 14 lines) Hint: functional API; per factor 2: Conv2D(4 * width) -> PixelShuffle(2) -> LeakyReLU.
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((None, None, 1))
    features = layers.LeakyReLU(0.2)(layers.Conv2D(width, 3, padding="same")(inputs))
    h = layers.LeakyReLU(0.2)(layers.Conv2D(width, 3, padding="same")(features))
    h = layers.Add()([features, layers.Conv2D(width, 3, padding="same")(h)])
    for _ in range(int(np.log2(scale))):       # x2: one stage, x4: two stages
        h = layers.LeakyReLU(0.2)(PixelShuffle(2)(layers.Conv2D(4 * width, 3, padding="same")(h)))
    detail = layers.Conv2D(1, 3, padding="same", kernel_initializer="zeros")(h)   # starts as exactly bicubic
    bicubic = layers.UpSampling2D(scale, interpolation="bicubic")(inputs)
    return keras.Model(inputs, layers.Add()([bicubic, detail]), name="generator")
    ### END SOLUTION


def build_discriminator(seed):
    """A freshly initialised discriminator.

    Args:
        seed: int; the same seed gives the same initial weights.
    Returns:
        keras.Model mapping float32 (N, H, W, 1) (NHWC) in [0, 1], H and W multiples of 4, to
        float32 (N, 1) raw logits (any real number, no sigmoid); positive means "real".
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: high-pass with layers.Subtract and AveragePooling2D(3, strides=1, padding="same"), then convs, GlobalAveragePooling2D, Dense(1).
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((None, None, 1))
    detail = layers.Subtract()([inputs, layers.AveragePooling2D(3, strides=1, padding="same")(inputs)])
    h = layers.LeakyReLU(0.2)(layers.Conv2D(16, 3, strides=2, padding="same")(detail))   # H/2
    h = layers.LeakyReLU(0.2)(layers.Conv2D(32, 3, strides=2, padding="same")(h))        # H/4
    logits = layers.Dense(1)(layers.GlobalAveragePooling2D()(h))
    return keras.Model(inputs, logits, name="discriminator")
    ### END SOLUTION


# %% tags=["check"]
check("models")

# %% [markdown]
# ## Part 3: the generator's loss
#
# SRGAN's generator minimises a **content** loss plus a small **adversarial** loss:
#
# $$L_G = \underbrace{\operatorname{mean}\,(\mathrm{SR} - \mathrm{HR})^2}_{\text{content (MSE)}}
#        \;+\; \lambda\, \underbrace{\operatorname{mean}\,\mathrm{softplus}(-\ell_{fake})}_{\text{BCE}(\ell_{fake},\ 1)}$$
#
# with $\ell_{fake}$ the discriminator's logits on the super-resolved images and $\lambda$ =
# `adv_weight` (SRGAN uses $10^{-3}$). The adversarial term is the non-saturating GAN loss: the
# generator wants D to say "real" (label **1**) on its outputs. Here the content term is the
# pixel **MSE**, averaged over every pixel; SRGAN proper uses the MSE between VGG feature maps
# (a *perceptual* loss), which rewards texture rather than the blurry mean.
#
# Compute the BCE from logits (`keras.losses.BinaryCrossentropy(from_logits=True)`): on
# probabilities Keras clips them to [1e-7, 1 - 1e-7], so a logit of -200 costs 16 instead of 200.

# %% tags=["solution"]
def generator_loss(fake_logits, sr, hr, adv_weight):
    """SRGAN generator loss: pixel MSE + adv_weight * non-saturating adversarial BCE.

    Args:
        fake_logits: tf.Tensor float32 (N, 1), D's logits on the super-resolved images.
        sr: tf.Tensor float32 (N, H, W, 1) (NHWC), the generator's output.
        hr: tf.Tensor float32 (N, H, W, 1), the high-resolution targets in [0, 1].
        adv_weight: float >= 0, the weight lambda of the adversarial term.
    Returns:
        scalar tf.Tensor: mean((sr - hr)**2) + adv_weight * mean(-log(sigmoid(fake_logits))),
        exact and finite for logits of any size.
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: keras.ops.mean(keras.ops.square(...)) and BinaryCrossentropy(from_logits=True)(tf.ones_like(fake_logits), fake_logits).
    content = keras.ops.mean(keras.ops.square(sr - hr))
    adversarial = keras.losses.BinaryCrossentropy(from_logits=True)(tf.ones_like(fake_logits), fake_logits)
    return content + adv_weight * adversarial
    ### END SOLUTION


# %% tags=["check"]
check("losses")

# %% [markdown]
# ## Part 4: adversarial training
#
# Each step, on a random minibatch of (low-res, high-res) pairs:
#
# 1. **D step**: `sr = generator(lr_batch, training=True)`; under a `tf.GradientTape`, D's loss is
#    BCE from logits with real HR images labelled 1 and `sr` labelled 0 (the sum of the two means);
#    apply its gradients to `discriminator.trainable_variables` only.
# 2. **G step**: under a second tape, `generator_loss(discriminator(sr), sr, hr_batch, adv_weight)`
#    with `sr` recomputed inside the tape; apply its gradients to `generator.trainable_variables` only.
#
# Two Adam optimisers with learning rate `learning_rate` and `beta_1=0.5`. Wrap the step in
# `@tf.function` (eager mode is several times slower), and pass `adv_weight` in as a tensor or a
# Python float captured once. With `adv_weight=0` this is plain MSE training (an SRResNet): the
# grader trains your code both ways and compares them.
#
# The grader trains on patches of the training photographs, then super-resolves patches of
# *other* photographs: the SRGAN must not lose much PSNR against the content-only model and must
# beat bicubic, and the trained discriminator, run by the grader, must score held-out real HR
# patches above the generator's outputs and above blurred copies of them.
#
# The seed's Keras example gets this wrong: `gan.fit(x=low_res_images, y=high_res_images)` on a
# `Sequential([generator, discriminator])` compiled with binary cross-entropy asks the
# discriminator's single probability to equal a whole image, and never trains D at all.
#
# What the grader enforces: it runs `train_srgan(..., steps=100, seed, adv_weight=...)` three times
# (adv_weight 1e-3, 0 and 1, same seed). Each run must take exactly `steps` updates of EACH optimizer (200 in all:
# one D step and one G step per step, one minibatch each, not epochs), and change both networks; the
# returned loss lists are checked for format only (one finite Python float per step each). The points
# are for what the grader measures: at 1e-3 the PSNR may be at most 0.3 dB below the content-only run;
# the run at adv_weight=1 must end with outputs at least 0.005 (RMS) away from the run at 1e-3, so
# adv_weight must set the strength of the adversarial term; the discriminator must rank held-out real
# HR patches above blurred copies at least 70% of the time (above super-resolved ones 40%); the PSNR
# must be at most 0.1 dB below bicubic, and with the values inside every generator weight tensor
# shuffled it must fall below that bar, so the output has to come from the generator (plain bicubic
# switched on after training passes the bar, but not from the weights).

# %% tags=["solution"]
def train_srgan(generator, discriminator, low_res, high_res, steps, seed, adv_weight=1e-3,
                batch_size=16, learning_rate=1e-3):
    """Train an SRGAN in place with alternating discriminator and generator steps.

    Args:
        generator, discriminator: the models from build_generator / build_discriminator.
        low_res: tf.Tensor float32 (M, h, w, 1) (NHWC), low-resolution training patches in [0, 1].
        high_res: tf.Tensor float32 (M, scale * h, scale * w, 1), the matching HR patches.
        steps: int, number of (D step, G step) pairs.
        seed: int; fixes the minibatches.
        adv_weight: float, the adversarial weight lambda of generator_loss (0: content only).
        batch_size, learning_rate: minibatch size; Adam(learning_rate, beta_1=0.5) for each network.
    Returns:
        (g_losses, d_losses): two lists of `steps` Python floats, the losses of each step.
    """
    ### BEGIN SOLUTION (about 25 lines) Hint: numpy default_rng(seed) for the batch indices; two tapes in one @tf.function step.
    rng = np.random.default_rng(seed)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    opt_g = keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.5)
    opt_g.build(generator.trainable_variables)        # create the optimizers' slots before tracing:
    opt_d.build(discriminator.trainable_variables)    # the step is then traced once, not twice
    weight = tf.constant(adv_weight, tf.float32)

    @tf.function(autograph=False)
    def step(lr_batch, hr_batch):
        sr = generator(lr_batch, training=True)
        with tf.GradientTape() as tape:
            real_logits = discriminator(hr_batch, training=True)
            fake_logits = discriminator(sr, training=True)
            d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            sr = generator(lr_batch, training=True)
            g_loss = generator_loss(discriminator(sr, training=True), sr, hr_batch, weight)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        opt_g.apply_gradients(zip(grads, generator.trainable_variables))
        return g_loss, d_loss

    g_losses, d_losses = [], []
    for _ in range(steps):
        idx = rng.integers(0, low_res.shape[0], batch_size)
        g_loss, d_loss = step(tf.gather(low_res, idx), tf.gather(high_res, idx))
        g_losses.append(float(g_loss))
        d_losses.append(float(d_loss))
    return g_losses, d_losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train the same generator twice on patches of the training photographs, with and without the
# adversarial term, then super-resolve x2 patches of photographs neither has seen. With this tiny
# model and budget all three rows look alike and stay within a few tenths of a dB of each other;
# the SRGAN usually scores a little *below* the content-only model: the adversarial term rewards
# what looks real, not what is closest on average. It pays off with a perceptual content loss, a
# deeper generator and hours of training (SRGAN's textures score lower PSNR than the MSE model but
# look sharper: the perception-distortion trade-off).

# %% tags=["demo"]
from fixtures import degrade

from graders import metrics, plots

scale = 2
train_lr, train_hr = degrade.sr_pairs(512, 32, scale, "train", seed=0)
test_lr, test_hr = degrade.sr_pairs(8, 48, scale, "test", seed=1)

results = {}
for name, weight in [("content only", 0.0), ("SRGAN", 1e-3)]:
    G, D = build_generator(scale, seed=0), build_discriminator(seed=1)
    g_losses, d_losses = train_srgan(G, D, tf.constant(train_lr[..., None]), tf.constant(train_hr[..., None]),
                                     steps=300, seed=0, adv_weight=weight)
    results[name] = np.clip(G(test_lr[..., None], training=False).numpy()[..., 0], 0, 1)
    if weight:
        plots.loss_curve({"generator": g_losses, "discriminator": d_losses}, title="SRGAN losses", smooth=10)
        plt.show()
bicubic = degrade.upscale_bicubic(test_lr, scale)
for name, im in [("bicubic", bicubic), *results.items()]:
    print(f"{name:>12}: PSNR {metrics.psnr(im[:, 2:-2, 2:-2], test_hr[:, 2:-2, 2:-2], 1.0):5.2f} dB")
plots.image_grid(np.concatenate([test_hr, bicubic, results["content only"], results["SRGAN"]]), ncols=8,
                 title="rows: HR / bicubic / content only / SRGAN")
plt.show()
