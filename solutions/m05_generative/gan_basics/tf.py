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

check = checker("gan_basics", "tf", globals())

# %% [markdown]
# ## Part 1: the two networks
#
# A tiny DCGAN for 16x16 grey digits, NHWC (channels last, the Keras default).
#
# * **Generator** `z (N, latent_dim) -> image (N, 16, 16, 1)`: a `Dense` layer to a 4x4 feature
#   map (`layers.Reshape((4, 4, 32))`), then two `Conv2DTranspose(kernel 4, strides 2,
#   padding="same")` layers (4 -> 8 -> 16), ReLU in between, and **`tanh` at the end**, so images
#   lie in [-1, 1].
# * **Discriminator** `image (N, 16, 16, 1) -> logit (N, 1)`: two stride-2 `Conv2D` layers
#   (16 -> 8 -> 4) with `LeakyReLU(0.2)`, then `Dense(1)` giving **one raw logit**. No sigmoid:
#   the loss applies it (Part 2, `from_logits=True`).
#
# 16 and 32 filters are plenty here. Call `keras.utils.set_random_seed(seed)` before creating the
# layers so the same seed builds the same network.

# %% tags=["solution"]
def build_generator(latent_dim=16, seed=0):
    """DCGAN generator.

    Args:
        latent_dim: int, length of the noise vector z.
        seed: int; the same seed must build identical weights.
    Returns:
        keras.Model mapping noise z ~ N(0, I), float32 (N, latent_dim), to images float32
        (N, 16, 16, 1) (NHWC) with values in [-1, 1] (tanh output; pixel value 0 -> -1, 1 -> 1).
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: keras.Sequential([keras.Input((latent_dim,)), layers.Dense(...), layers.Reshape((4, 4, 32)), ...]).
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(4 * 4 * 32, activation="relu"),
        layers.Reshape((4, 4, 32)),
        layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="relu"),  # 4 -> 8
        layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),   # 8 -> 16
    ], name="generator")
    ### END SOLUTION


def build_discriminator(seed=0):
    """DCGAN discriminator.

    Args:
        seed: int; the same seed must build identical weights.
    Returns:
        keras.Model mapping images float32 (N, 16, 16, 1) (NHWC) in [-1, 1] to float32 (N, 1)
        raw logits (any real number; no sigmoid). A positive logit means "real".
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: layers.Conv2D(filters, 4, strides=2, padding="same") halves 16 -> 8 -> 4.
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((16, 16, 1)),
        layers.Conv2D(16, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),  # 16 -> 8
        layers.Conv2D(32, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),  # 8 -> 4
        layers.Flatten(),
        layers.Dense(1),
    ], name="discriminator")
    ### END SOLUTION


# %% tags=["check"]
check("models")

# %% [markdown]
# ## Part 2: the losses
#
# With $D$ returning logits $\ell$ and $\sigma$ the sigmoid, binary cross-entropy with label 1 is
# $-\log\sigma(\ell) = \mathrm{softplus}(-\ell)$ and with label 0 it is
# $-\log(1-\sigma(\ell)) = \mathrm{softplus}(\ell)$.
#
# * discriminator: real images are labelled 1, fakes 0:
#   $L_D = \operatorname{mean}\,\mathrm{softplus}(-\ell_{real}) + \operatorname{mean}\,\mathrm{softplus}(\ell_{fake})$
#   (the **sum** of the two means);
# * generator, **non-saturating**: label the fakes 1, $L_G = \operatorname{mean}\,\mathrm{softplus}(-\ell_{fake})$,
#   instead of minimising $\log(1-\sigma(\ell_{fake}))$, whose gradient vanishes exactly when the
#   generator is bad (D confidently rejects its samples).
#
# Use `keras.losses.BinaryCrossentropy(from_logits=True)`: with `from_logits=False` on
# probabilities Keras clips them to [1e-7, 1 - 1e-7], so a logit of -200 costs 16 instead of 200,
# and `tf.math.log(tf.sigmoid(x))` gives `-inf`.

# %% tags=["solution"]
def discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of the discriminator, from logits.

    Args:
        real_logits: tf.Tensor float32 (N, 1), D's logits on real images (target 1).
        fake_logits: tf.Tensor float32 (N, 1), D's logits on generated images (target 0).
    Returns:
        scalar tf.Tensor: mean BCE on the real batch + mean BCE on the fake batch. Must stay finite
        and exact for logits of any size (e.g. +-200).
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: keras.losses.BinaryCrossentropy(from_logits=True) with tf.ones_like / tf.zeros_like.
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
    ### END SOLUTION


def generator_loss(fake_logits):
    """Non-saturating generator loss: BCE of D's logits on fakes against the label 1.

    Args:
        fake_logits: tf.Tensor float32 (N, 1), D's logits on generated images.
    Returns:
        scalar tf.Tensor: mean of -log(sigmoid(fake_logits)), computed stably from logits.
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: the generator wants D to say "real" (1) on its fakes.
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(tf.ones_like(fake_logits), fake_logits)
    ### END SOLUTION


# %% tags=["check"]
check("losses")

# %% [markdown]
# ## Part 3: the training loop
#
# Each step, on a random batch of real images and a fresh batch of noise:
#
# 1. **D step**: generate `fake = generator(z, training=True)`; under a `tf.GradientTape`, compute
#    `discriminator_loss` on `discriminator(real)` and `discriminator(fake)`; apply its gradients
#    to `discriminator.trainable_variables` only.
# 2. **G step**: under a second tape, `generator_loss(discriminator(generator(z)))`; apply its
#    gradients to `generator.trainable_variables` only.
#
# Wrap the step in `@tf.function` (eager mode is several times slower). The real images arrive in
# [0, 1]: rescale them to [-1, 1] (`x * 2 - 1`) to match the generator's tanh, or D tells real from
# fake by the background value alone. Use Adam with `beta_1=0.5` (the DCGAN setting) and a learning
# rate of about `2e-3`: the grader trains only 400 steps of 32 images. GAN losses do not go down
# steadily: D and G play against each other, so judge the samples, not the curves.
#
# The grader calls `train_gan(..., steps=400, seed=..., batch_size=32, lr=2e-3)` on the training digits,
# then draws its own noise z ~ N(0, I), samples your generator in inference mode and compares the
# samples with held-out digits through a small pretrained digit classifier: a Fréchet distance
# between its features (a toy FID) and the number of digit classes the samples cover.
#
# What the grader enforces in this part (it trusts only what it measures itself):
#
# * **budget**: exactly one discriminator and one generator update per step, 800 optimizer steps for
#   `steps=400` (it counts them); more ("steps used as epochs") fails. The loss lists you return are
#   checked for format only, for your plots.
# * **the samples**: judge Fréchet distance to held-out digits at most 15 (the reference: about 4-8),
#   and below half the untrained generator's; at least 5 digit classes, each confidently judged on at
#   least 2% of the samples.
# * **they come from your generator**: after the grader shuffles the values inside each of the
#   generator's weight tensors the distance must rise to at least 30; at most 10% of the samples may
#   be copies of a public digit (within 0.03 RMS), and a distance below 1.2 is too good for a 400-step
#   DCGAN of this size and is reported as not coming from it.
# * **the generator's step uses its own loss only**: the grader sets the discriminator's output bias
#   to +60 (every image judged real, where $-\log D(G(z))$ has no gradient left) and runs one step;
#   at most half of the generator's weights may move by more than lr/4.
#
# This is what the famous broken Keras example gets wrong: `gan.compile(loss=[bce, bce])` gives
# two losses to a model with one output, and `gan.fit(noise)` has no targets and never trains D.

# %% tags=["solution"]
def train_gan(generator, discriminator, real_images, latent_dim, steps, seed, batch_size=32, lr=2e-3):
    """Train a GAN in place with alternating discriminator and generator updates.

    Args:
        generator: the model from build_generator (z -> images in [-1, 1]).
        discriminator: the model from build_discriminator (images -> logits (N, 1)).
        real_images: tf.Tensor float32 (M, 16, 16, 1) (NHWC), pixel values in [0, 1].
        latent_dim: int, the generator's noise length.
        steps: int, number of (D step, G step) pairs.
        seed: int, seeds the batch sampling and the noise z ~ N(0, I) (standard normal, as the
            generator is sampled afterwards).
        batch_size, lr: int and float; Adam(lr, beta_1=0.5) for each network.
    Returns:
        (d_losses, g_losses): two lists of `steps` floats, the losses of each step (for plots).
    """
    ### BEGIN SOLUTION (about 25 lines) Hint: two tf.GradientTape blocks inside one @tf.function step.
    keras.utils.set_random_seed(seed)
    real = tf.cast(real_images, tf.float32) * 2.0 - 1.0          # [0, 1] -> [-1, 1], like tanh
    opt_g = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_g.build(generator.trainable_variables)
    opt_d.build(discriminator.trainable_variables)

    @tf.function(autograph=False)  # plain graph code: no Python control flow to convert
    def step(batch, z):
        fake = generator(z, training=True)
        with tf.GradientTape() as tape:
            d_loss = discriminator_loss(discriminator(batch, training=True), discriminator(fake, training=True))
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            g_loss = generator_loss(discriminator(generator(z, training=True), training=True))
        grads = tape.gradient(g_loss, generator.trainable_variables)
        opt_g.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    d_losses, g_losses = [], []
    for _ in range(steps):
        idx = tf.random.uniform((batch_size,), 0, real.shape[0], dtype=tf.int32)
        d_loss, g_loss = step(tf.gather(real, idx), tf.random.normal((batch_size, latent_dim)))
        d_losses.append(float(d_loss))
        g_losses.append(float(g_loss))
    return d_losses, g_losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# Train a GAN on the training digits and look at what it generates. Train longer (e.g. 1500 steps)
# and the strokes sharpen; watch how the two losses hover around each other instead of falling.

# %% tags=["demo"]
from fixtures import digits

from graders.plots import image_grid, loss_curve

train_images, _ = digits.load_digits("train")
real = tf.convert_to_tensor(train_images[..., None])      # (M, 16, 16, 1) in [0, 1]
G, D = build_generator(16, seed=0), build_discriminator(seed=1)
d_losses, g_losses = train_gan(G, D, real, latent_dim=16, steps=600, seed=0)
loss_curve({"discriminator": d_losses, "generator": g_losses}, title="GAN losses", smooth=20)
plt.tight_layout()
plt.show()
samples = G(tf.random.normal((32, 16)), training=False)
image_grid((samples.numpy() + 1) / 2, layout="NHWC", title="generated digits (tanh output mapped to [0, 1])")
plt.show()
image_grid(train_images[:32], title="real training digits, for comparison")
plt.show()
