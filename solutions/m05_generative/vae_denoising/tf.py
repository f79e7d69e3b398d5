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

check = checker("vae_denoising", "tf", globals())

# %% [markdown]
# ## Part 1: the reparameterisation trick
#
# The encoder outputs, for every image, the mean $\mu$ and the **log-variance** $\log\sigma^2$ of a
# diagonal Gaussian $q(z\mid x) = \mathcal N(\mu, \operatorname{diag}\sigma^2)$. A sample drawn "on the
# side" (with NumPy, or wrapped in `tf.stop_gradient`) has no gradient back to $\mu$ and $\sigma$.
# Write the sample as a differentiable function of them and of parameter-free noise:
#
# $$z = \mu + \exp\!\big(\tfrac12\log\sigma^2\big)\odot\varepsilon,\qquad \varepsilon\sim\mathcal N(0, I)$$
#
# `exp(0.5 * logvar)` is the standard deviation (not `exp(logvar)`, the variance, and not `logvar`
# itself). Draw $\varepsilon$ with `keras.random.normal(..., seed=seed)`: with an integer seed it is a
# stateless draw, the same for the same seed whatever the global random state is; with a
# `keras.random.SeedGenerator` (what the model uses while training) every call draws fresh noise.

# %% tags=["solution"]
def reparameterize(mu, logvar, seed=None):
    """Draw z ~ N(mu, exp(logvar)) as a differentiable function of mu and logvar.

    Args:
        mu: tf.Tensor float32 (N, D), the posterior means.
        logvar: tf.Tensor float32 (N, D), the posterior log-variances log(sigma^2), any real value.
        seed: int, a keras.random.SeedGenerator, or None. An int fixes eps (the same seed and shape give
            the same eps, independent of the global RNG); a SeedGenerator draws fresh eps at every call.
    Returns:
        tf.Tensor float32 (N, D): mu + exp(0.5 * logvar) * eps, eps ~ N(0, I) drawn independently for
        every element; gradients flow to mu and logvar.
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: keras.random.normal(keras.ops.shape(mu), seed=seed), keras.ops.exp.
    eps = keras.random.normal(keras.ops.shape(mu), dtype=mu.dtype, seed=seed)
    return mu + keras.ops.exp(0.5 * logvar) * eps
    ### END SOLUTION


# %% tags=["check"]
check("reparameterize")

# %% [markdown]
# ## Part 2: the KL term
#
# The VAE maximises the evidence lower bound (ELBO); as a loss, per image,
#
# $$\mathcal L(x) = \underbrace{-\,\mathbb E_{q(z\mid x)}\log p(x\mid z)}_{\text{reconstruction}}
#   + \beta\,\underbrace{\mathrm{KL}\big(q(z\mid x)\,\|\,\mathcal N(0, I)\big)}_{\text{keeps } q \text{ close to the prior}}$$
#
# For a diagonal Gaussian against the standard normal the KL has a closed form, **summed** over the
# $D$ latent dimensions:
#
# $$\mathrm{KL} = -\tfrac12 \sum_{j=1}^{D}\big(1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2\big)
#   = \tfrac12 \sum_{j=1}^{D}\big(\mu_j^2 + \sigma_j^2 - 1 - \log\sigma_j^2\big) \;\ge 0$$
#
# It is 0 exactly when $\mu = 0$ and $\sigma = 1$. Return one value per image: reduce over the
# latent axis only, never over the batch.

# %% tags=["solution"]
def kl_divergence(mu, logvar):
    """KL(N(mu, diag(exp(logvar))) || N(0, I)) per example.

    Args:
        mu: tf.Tensor float32 (N, D); logvar: tf.Tensor float32 (N, D), log-variances.
    Returns:
        tf.Tensor float32 (N,): 0.5 * sum over the D latent dims of (mu^2 + exp(logvar) - 1 - logvar),
        one non-negative value per example (not averaged over the batch).
    """
    ### BEGIN SOLUTION (about 1 line) Hint: keras.ops.sum(..., axis=1).
    return -0.5 * keras.ops.sum(1.0 + logvar - keras.ops.square(mu) - keras.ops.exp(logvar), axis=1)
    ### END SOLUTION


# %% tags=["check"]
check("kl_divergence")

# %% [markdown]
# ## Part 3: the model
#
# A small convolutional VAE for 16x16 grey digits, NHWC:
#
# - **encoder** `x (N, 16, 16, 1) -> (mu, logvar)`, each `(N, latent_dim)`:
#   `Conv2D(16, 3, strides=2, padding="same")` (16 -> 8) and `Conv2D(32, 3, strides=2, padding="same")`
#   (8 -> 4), LeakyReLU (`activation="leaky_relu"`) after each, `Flatten`, then **two**
#   `Dense(latent_dim)` heads, one for `mu` and one for `logvar` (no activation: any real numbers);
# - **decoder** `z (N, latent_dim) -> image (N, 16, 16, 1)`: `Dense(4 * 4 * 32)` + LeakyReLU,
#   `Reshape((4, 4, 32))`, `Conv2DTranspose(16, 4, strides=2, padding="same")` + LeakyReLU (4 -> 8),
#   `Conv2DTranspose(1, 4, strides=2, padding="same")` (8 -> 16) with a **sigmoid**: images in [0, 1];
# - `call(x)` returns `(reconstruction, mu, logvar)`, the reconstruction decoding a sample
#   `z = reparameterize(mu, logvar, self.seed_generator)` (fresh noise at every call).
#
# A subclassed `keras.Model` keeps the three pieces together; `build_vae` calls it once on a dummy
# batch so that its weights exist.
#
# The grader accepts at most 200,000 parameters (this design has about 26,000) and the same seed
# must give the same initial weights.

# %% tags=["solution"]
class VAE(keras.Model):
    """Convolutional VAE for (N, 16, 16, 1) images in [0, 1].

    encode(x): x float32 (N, 16, 16, 1) (NHWC) -> (mu, logvar), float32 (N, latent_dim) each.
    decode(z): z float32 (N, latent_dim) -> images float32 (N, 16, 16, 1) in [0, 1] (sigmoid).
    call(x) -> (decode(reparameterize(mu, logvar, self.seed_generator)), mu, logvar).
    """

    def __init__(self, latent_dim=8, seed=0, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION (about 16 lines) Hint: keras.Sequential encoder and decoder, two Dense heads, keras.random.SeedGenerator(seed).
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.encoder = keras.Sequential([
            keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu"),   # (N, 8, 8, 16)
            keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="leaky_relu"),   # (N, 4, 4, 32)
            keras.layers.Flatten(),                                                           # (N, 512)
        ], name="encoder")
        self.fc_mu = keras.layers.Dense(latent_dim, name="mu")
        self.fc_logvar = keras.layers.Dense(latent_dim, name="logvar")
        self.decoder = keras.Sequential([
            keras.layers.Dense(4 * 4 * 32, activation="leaky_relu"),
            keras.layers.Reshape((4, 4, 32)),
            keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="leaky_relu"),  # (N, 8, 8, 16)
            keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),      # (N, 16, 16, 1)
        ], name="decoder")
        ### END SOLUTION

    def encode(self, x, training=False):
        ### BEGIN SOLUTION (about 2 lines)
        h = self.encoder(x, training=training)
        return self.fc_mu(h), self.fc_logvar(h)
        ### END SOLUTION

    def decode(self, z, training=False):
        ### BEGIN SOLUTION (about 1 line)
        return self.decoder(z, training=training)
        ### END SOLUTION

    def call(self, x, training=False):
        ### BEGIN SOLUTION (about 3 lines)
        mu, logvar = self.encode(x, training=training)
        z = reparameterize(mu, logvar, self.seed_generator)
        return self.decode(z, training=training), mu, logvar
        ### END SOLUTION


def build_vae(seed, latent_dim=8):
    """A freshly initialised VAE, built (its weights exist).

    Args:
        seed: int; the same seed gives the same initial weights.
        latent_dim: int, the size D of z.
    Returns:
        VAE (keras.Model); model(x) maps (N, 16, 16, 1) float32 in [0, 1] to
        (reconstruction (N, 16, 16, 1) in [0, 1], mu (N, D), logvar (N, D)).
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: keras.utils.set_random_seed, then call the model on keras.ops.zeros((1, 16, 16, 1)).
    keras.utils.set_random_seed(seed)
    model = VAE(latent_dim, seed=seed)
    model(keras.ops.zeros((1, 16, 16, 1)))
    return model
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 4: training on noisy/clean pairs
#
# A plain VAE reconstructs its own input. For denoising, feed it a **noisy** image and score the
# reconstruction against the **clean** one:
#
# $$\mathcal L = \underbrace{\textstyle\sum_{\text{pixels}} \mathrm{BCE}\big(\hat x, x_{clean}\big)}_{\text{summed over the 256 pixels}}
#   + \beta\,\mathrm{KL}\big(q(z \mid x_{noisy})\,\|\,\mathcal N(0, I)\big),\qquad
#   x_{noisy} = \operatorname{clip}(x_{clean} + \sigma\varepsilon, 0, 1)$$
#
# averaged over the batch. Both terms are **sums per image** (pixels and latent dimensions): with
# `keras.losses.binary_crossentropy`'s mean over pixels, the KL would weigh 256 times too much and
# the model would ignore its input (posterior collapse). Draw fresh noise every step (a
# `keras.random.SeedGenerator(seed)`); Adam with learning rate 3e-3 and batches of 64 train this
# model in a few hundred steps. Wrap the gradient step in `tf.function`: it runs several times
# faster than eagerly.

# **What the grader checks.** It trains your model with `train_vae` for 200 steps and counts the
# optimizer updates: exactly `steps` (one minibatch each; `steps` are not epochs). It measures the
# reconstruction of held-out noisy digits itself, before and after training (the list of losses you
# return is checked for its format only). `beta` must weigh the KL term: the grader also trains with
# `beta=4`, and the held-out posteriors' mean KL must fall to at most 0.7 times the `beta=1` model's
# (it falls to about 0.2 times), and with `beta=0` (5 steps) every weight array must change.

# %% tags=["solution"]
def train_vae(model, clean, sigma, steps, seed, beta=1.0, batch_size=64, lr=3e-3):
    """Train `model` in place as a denoising VAE.

    Args:
        model: the VAE from build_vae.
        clean: tf.Tensor float32 (M, 16, 16, 1) (NHWC), clean training digits in [0, 1].
        sigma: float, standard deviation of the Gaussian noise added (then clipped to [0, 1]).
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches and the noise.
        beta: float, the KL weight (1.0 is the plain ELBO; 0.0 trains on the reconstruction only).
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the batch-mean loss (reconstruction + beta * KL) of each step.
    """
    ### BEGIN SOLUTION (about 20 lines) Hint: tf.GradientTape in a @tf.function step; keras.ops.binary_crossentropy, summed over axes (1, 2, 3).
    rng = np.random.default_rng(seed)
    noise_seed = keras.random.SeedGenerator(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    optimizer.build(model.trainable_variables)  # create its variables now, not while tracing the step
    beta = tf.constant(beta, tf.float32)

    @tf.function(autograph=False)  # a plain step: no Python control flow to convert
    def train_step(target):
        noisy = keras.ops.clip(target + sigma * keras.random.normal(keras.ops.shape(target), seed=noise_seed), 0.0, 1.0)
        with tf.GradientTape() as tape:
            recon, mu, logvar = model(noisy, training=True)
            bce = keras.ops.binary_crossentropy(target, recon)  # CLEAN target, per pixel
            reconstruction = keras.ops.mean(keras.ops.sum(bce, axis=(1, 2, 3)))
            loss = reconstruction + beta * keras.ops.mean(kl_divergence(mu, logvar))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        target = tf.gather(clean, rng.integers(0, clean.shape[0], batch_size))
        losses.append(float(train_step(target)))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## Part 5: denoising
#
# At test time, use the **mean** of the posterior: encode the noisy images, decode `mu` (no sampling),
# so the same input always gives the same output, in inference mode (`training=False`).

# %% tags=["solution"]
def denoise(model, noisy):
    """Denoise images with a trained VAE by decoding the posterior mean.

    Args:
        model: a VAE from build_vae.
        noisy: tf.Tensor float32 (N, 16, 16, 1) (NHWC) in [0, 1].
    Returns:
        tf.Tensor float32 (N, 16, 16, 1) in [0, 1]: decode(mu(noisy)); deterministic.
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: model.encode, then model.decode of mu.
    mu, _ = model.encode(noisy, training=False)
    return model.decode(mu, training=False)
    ### END SOLUTION


# %% tags=["check"]
check("denoise")

# %% [markdown]
# ## Part 6: sampling from the prior
#
# A VAE is also a generative model: decode $z \sim \mathcal N(0, I)$, the prior the KL term pulled the
# posteriors towards. Draw the `n` latent vectors with `keras.random.normal(..., seed=seed)`.

#
# **What the grader checks.** 400 samples of your trained model are judged by a small digit
# classifier: their Fréchet distance in its feature space to held-out digits must lie between 2 and 16
# (below 2 is closer than any decoder of this size gets: real digits score about 0.7), and at least 6
# classes must be covered. The samples must be new digits: half of them must lie at an RMS pixel distance
# of at least 0.08 from every public digit (copies are at 0; decoded samples at about 0.12). And they must
# come from the decoder: with the values inside every weight tensor shuffled, the Fréchet distance must
# rise to at least 25.

# %% tags=["solution"]
def sample(model, n, seed):
    """Generate images by decoding z ~ N(0, I).

    Args:
        model: a VAE from build_vae (its latent size is model.latent_dim).
        n: int, number of images; seed: int, the same seed gives the same images.
    Returns:
        tf.Tensor float32 (n, 16, 16, 1) (NHWC) in [0, 1].
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: keras.random.normal((n, model.latent_dim), seed=seed), then model.decode.
    z = keras.random.normal((n, model.latent_dim), seed=int(seed))
    return model.decode(z, training=False)
    ### END SOLUTION


# %% tags=["check"]
check("sample")

# %% [markdown]
# ## See it work
#
# Train on noisy training digits, then denoise held-out digits the model has never seen, and
# generate new digits from the prior. Try `beta=0` (a denoising autoencoder with noise in the
# middle: good reconstructions, poor samples) and `beta=4` (blurrier reconstructions, smoother
# latent space).

# %% tags=["demo"]
from fixtures import digits
from graders import metrics, plots

sigma = 0.4
train_clean, _ = digits.load_digits("train")
test_clean = digits.sample(16, split="test", seed=1)[0]
test_noisy = np.clip(test_clean + sigma * np.random.default_rng(2).standard_normal(test_clean.shape), 0, 1)
test_noisy = test_noisy.astype(np.float32)

model = build_vae(seed=0, latent_dim=8)
losses = train_vae(model, tf.convert_to_tensor(train_clean[..., None]), sigma, steps=600, seed=0)
denoised = np.asarray(denoise(model, tf.convert_to_tensor(test_noisy[..., None])))[..., 0]
generated = np.asarray(sample(model, 16, seed=3))[..., 0]

for name, im in [("noisy", test_noisy), ("denoised", denoised)]:
    print(f"{name:>9}: PSNR {metrics.psnr(im, test_clean, 1.0):5.2f} dB")
plots.loss_curve({"loss (BCE + KL)": losses}, smooth=20)
plt.show()
plots.image_grid(np.concatenate([test_clean, test_noisy, denoised]), ncols=16,
                 title="rows: clean / noisy / denoised (decoded posterior mean)")
plt.show()
plots.image_grid(generated, ncols=16, title="samples from the prior z ~ N(0, I)")
plt.show()
