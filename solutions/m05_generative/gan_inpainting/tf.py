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

check = checker("gan_inpainting", "tf", globals())

# %% [markdown]
# ## Part 1: the reconstruction loss
#
# The generator is told what was under the hole by an L1 loss on the **hole pixels only**: the
# pixels outside the hole are given to it and will be pasted back anyway (Part 2), so they must
# not dilute the loss. With $M$ the mask (1 in the hole, 0 elsewhere), $\hat x$ the prediction
# and $x$ the clean image:
#
# $$L_{rec} = \frac{\sum_i M_i\,\lvert \hat x_i - x_i\rvert}{\max\big(1, \sum_i M_i\big)}$$
#
# the mean absolute error **per hole pixel**, over the whole batch. Dividing by all pixels instead
# (`keras.ops.mean(keras.ops.abs(pred - target) * mask)`) makes the loss depend on how big the holes are, so
# small holes barely count; the `max(1, .)` keeps a batch without holes at 0 instead of 0/0.

# %% tags=["solution"]
def masked_l1(pred, target, mask):
    """Mean absolute error over the hole pixels.

    Args:
        pred: tf.Tensor float32 (N, H, W, 1) (NHWC), the generator's output in [0, 1].
        target: tf.Tensor float32 (N, H, W, 1), the clean images in [0, 1].
        mask: tf.Tensor float32 (N, H, W, 1), 1.0 inside the holes, 0.0 elsewhere.
    Returns:
        0-d tf.Tensor (differentiable): sum(mask * |pred - target|) / max(1, sum(mask)).
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: keras.ops.sum of mask * keras.ops.abs(...), divided by keras.ops.maximum(keras.ops.sum(mask), 1.0).
    ops = keras.ops
    return ops.sum(mask * ops.abs(pred - target)) / ops.maximum(ops.sum(mask), 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("masked_l1")

# %% [markdown]
# ## Part 2: compositing
#
# The generator repaints the whole image, but only its hole pixels are kept: the known pixels are
# copied back from the input, so inpainting never alters what was not missing:
#
# $$\text{out} = M \odot \hat x + (1 - M) \odot x_{masked}$$
#
# The grader checks that every pixel outside the hole comes back **bit for bit** as it went in.

# %% tags=["solution"]
def composite(pred, masked_input, mask):
    """Paste the generator's output into the holes, keep every other pixel of the input.

    Args:
        pred: tf.Tensor float32 (N, H, W, 1) (NHWC), the generator's output in [0, 1].
        masked_input: tf.Tensor float32 (N, H, W, 1), the image with its holes set to 0.
        mask: tf.Tensor float32 (N, H, W, 1), 1.0 inside the holes, 0.0 elsewhere.
    Returns:
        tf.Tensor float32 (N, H, W, 1): pred inside the holes, masked_input outside
        (identical values there).
    """
    ### BEGIN SOLUTION (about 1 line) Hint: a blend with mask and 1 - mask.
    return mask * pred + (1.0 - mask) * masked_input
    ### END SOLUTION


# %% tags=["check"]
check("composite")

# %% [markdown]
# ## Part 3: the two networks
#
# * **Generator** (an encoder-decoder, as in the Context Encoder): input the masked image **and the
#   mask** stacked as 2 channels, `(N, H, W, 2)`; output the repainted image `(N, H, W, 1)` in
#   [0, 1] (**sigmoid**). Without the mask channel the network cannot tell a hole from a black
#   region. A 3x3 convolution, two stride-2 convolutions (`Conv2D(16, 4, strides=2,
#   padding="same")`: H -> H/2 -> H/4), two **dilated** 3x3 convolutions (`dilation_rate=2`) at H/4
#   so that every hole pixel sees context beyond the hole's border, then two
#   `Conv2DTranspose(kernel 4, strides 2, padding="same")` back to H. 16 filters and
#   `activation="leaky_relu"` (slope 0.2) are enough. Declare `keras.Input(shape=(None, None, 2))`
#   so any H and W (multiples of 4) work.
# * **Discriminator**: image `(N, H, W, 1)` -> **one raw logit** `(N, 1)` per image (no sigmoid:
#   the loss applies it, `from_logits=True`). Two stride-2 `Conv2D(kernel 4, padding="same")` with
#   LeakyReLU, a 3x3 convolution to 1 channel (a map of local real/fake scores, as in PatchGAN),
#   then the mean over the positions (`GlobalAveragePooling2D`), so any image size works.
#
# Call `keras.utils.set_random_seed(seed)` before creating the layers.

# %% tags=["solution"]
def build_generator(seed):
    """Inpainting generator (encoder-decoder with dilated convolutions in the middle).

    Args:
        seed: int; the same seed must build identical weights.
    Returns:
        keras.Model mapping float32 (N, H, W, 2) (NHWC; channel 0 the masked image in [0, 1] with
        holes set to 0, channel 1 the mask, 1 in the holes), H and W multiples of 4, to float32
        (N, H, W, 1) in [0, 1] (sigmoid output).
    """
    ### BEGIN SOLUTION (about 12 lines) Hint: keras.Sequential; Conv2D(16, 3, dilation_rate=2, padding="same") in the middle; activation="sigmoid" last.
    keras.utils.set_random_seed(seed)
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=(None, None, 2)),
        layers.Conv2D(16, 3, padding="same", activation="leaky_relu"),
        layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu"),                 # H/2
        layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu"),                 # H/4
        layers.Conv2D(16, 3, dilation_rate=2, padding="same", activation="leaky_relu"),           # sees further
        layers.Conv2D(16, 3, dilation_rate=2, padding="same", activation="leaky_relu"),
        layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="leaky_relu"),        # H/2
        layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),            # H
    ], name="inpainting_generator")
    ### END SOLUTION


def build_discriminator(seed):
    """Discriminator: one real/fake logit per image.

    Args:
        seed: int; the same seed must build identical weights.
    Returns:
        keras.Model mapping float32 images (N, H, W, 1) (NHWC) in [0, 1], H and W multiples of 4,
        to float32 (N, 1) raw logits (any real number; positive means "real").
    """
    ### BEGIN SOLUTION (about 8 lines) Hint: Conv2D(16, 4, strides=2, padding="same") halves H; GlobalAveragePooling2D() gives (N, 1).
    keras.utils.set_random_seed(seed)
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=(None, None, 1)),
        layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu"),   # H/2
        layers.Conv2D(32, 4, strides=2, padding="same", activation="leaky_relu"),   # H/4
        layers.Conv2D(1, 3, padding="same"),                                        # patch logits
        layers.GlobalAveragePooling2D(),                                            # (N, 1)
    ], name="discriminator")
    ### END SOLUTION


# %% tags=["check"]
check("models")

# %% [markdown]
# ## Part 4: adversarial training
#
# Each step, on a random batch of clean images $x$ and their masks $M$ (image `i` goes with mask `i`):
#
# 1. `masked = x * (1 - M)`; `pred = generator(concat([masked, M], axis=-1))`;
#    `fake = composite(pred, masked, M)`.
# 2. **D loss**: BCE from logits, real images labelled 1, `tf.stop_gradient(fake)` labelled 0 (the
#    sum of the two means); its gradients update D only.
# 3. **G loss**: $L_G = L_{rec} + \lambda_{adv}\,\mathrm{BCE}(D(\text{fake}), 1)$ with
#    $L_{rec}$ = `masked_l1(pred, x, M)` and $\lambda_{adv}$ = `adv_weight`; its gradients update
#    G only.
#
# Two `tf.GradientTape`s recording the same forward pass give each network its own gradients (the
# pattern of the TensorFlow DCGAN tutorial); wrap the step in `@tf.function`, it runs several times
# faster than eagerly. The reconstruction term does most of the work: alone, the adversarial term
# only asks for *plausible* stripes, not the ones that were there. The Context Encoder paper weighs
# them 0.999 and 0.001; here the grader passes `adv_weight=0.01`. `keras.optimizers.Adam(lr,
# beta_1=0.5)` for both.
#
# The grader trains your networks with your function on grating scenes (Part 3's shapes,
# 24x24 pixels, holes of 6 to 10 pixels), then inpaints **other** scenes with its own masks,
# composites them itself and measures the PSNR inside the holes against two baselines it computes:
# filling the hole with the mean of the known pixels, and OpenCV's `cv2.inpaint` (Telea).
#
# What else the grader enforces (it trusts only what it measures itself):
#
# * **budget**: one D and one G update per step, 600 optimizer steps for `steps=300` (it counts
#   them; more, e.g. `steps` used as epochs, fails). The loss lists you return are checked for format
#   only; the L1 error in the holes that the grader measures must fall below 0.8x the untrained
#   generator's.
# * **the output comes from your generator**: with the values inside each of its weight tensors
#   shuffled, the gain over the mean fill must drop to at most +0.5 dB; a hole PSNR above 26 dB is too
#   good for a network of this size after 300 steps (the reference gets about 18-20 dB) and is
#   reported as not coming from it.
# * **`adv_weight` is honoured**: the grader runs one step with `adv_weight` 0, 0.01 and 100 from the
#   same seeded networks; at 100 the adversarial term must turn around at least 5% of the generator's
#   first (Adam) step, at 0.01 at most 1%.

# %% tags=["solution"]
def train_inpainter(generator, discriminator, images, masks, steps, seed, adv_weight=0.01,
                    batch_size=16, lr=4e-3):
    """Train an inpainting GAN in place: masked L1 plus a weighted adversarial term.

    Args:
        generator: the keras.Model from build_generator.
        discriminator: the keras.Model from build_discriminator.
        images: tf.Tensor float32 (M, H, W, 1) (NHWC), clean training images in [0, 1].
        masks: tf.Tensor float32 (M, H, W, 1), 1.0 in the holes; masks[i] goes with images[i].
        steps: int, number of (D step, G step) pairs.
        seed: int; fixes the batches.
        adv_weight: float, weight of the adversarial term in the generator's loss.
        batch_size, lr: int and float; Adam(lr, beta_1=0.5) for each network.
    Returns:
        (rec_losses, d_losses): two lists of `steps` Python floats, the generator's masked L1 and
        the discriminator's loss at each step.
    """
    ### BEGIN SOLUTION (about 25 lines) Hint: two tf.GradientTape blocks around one forward pass inside a @tf.function step.
    rng = np.random.default_rng(seed)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    opt_g = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)

    @tf.function(autograph=False)  # plain graph code: no Python control flow to convert
    def step(x, m):
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            masked = x * (1.0 - m)
            pred = generator(tf.concat([masked, m], axis=-1), training=True)
            fake = composite(pred, masked, m)
            real_logits = discriminator(x, training=True)
            fake_logits = discriminator(tf.stop_gradient(fake), training=True)
            d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
            rec = masked_l1(pred, x, m)
            adv_logits = discriminator(fake, training=True)
            g_loss = rec + adv_weight * bce(tf.ones_like(adv_logits), adv_logits)
        d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
        g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
        opt_d.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        opt_g.apply_gradients(zip(g_grads, generator.trainable_variables))
        return rec, d_loss

    rec_losses, d_losses = [], []
    for _ in range(steps):
        idx = rng.integers(0, images.shape[0], batch_size)
        rec, d_loss = step(tf.gather(images, idx), tf.gather(masks, idx))
        rec_losses.append(float(rec))
        d_losses.append(float(d_loss))
    return rec_losses, d_losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train on grating scenes, then fill holes in scenes the network has never seen. The rows show the
# clean scenes, the masked inputs, your composited result, and the two classical baselines: the
# hole filled with the mean of the known pixels, and OpenCV's Telea inpainting, which smears the
# border's grey levels inwards and cannot continue the stripes. Train longer (`steps=1500`) and the
# stripes in the holes sharpen. The discriminator's loss hovers near 2 ln 2 = 1.39, a coin flip: the
# composites differ from real scenes only inside a small square, and the masked L1 does most of the
# teaching.

# %% tags=["demo"]
import cv2

from fixtures import degrade
from fixtures import gan_inpainting as scenes
from graders import plots

size, hole = 24, (6, 10)
train_x = scenes.gratings(1024, size, seed=0)
train_m = degrade.hole_masks(1024, size, hole, seed=1)
test_x = scenes.gratings(8, size, seed=2)
test_m = degrade.hole_masks(8, size, hole, seed=3)
test_masked = degrade.apply_mask(test_x, test_m)

G, D = build_generator(seed=0), build_discriminator(seed=1)
rec_losses, d_losses = train_inpainter(G, D, tf.constant(train_x[..., None]), tf.constant(train_m[..., None]),
                                       steps=400, seed=0)
x_in = np.stack([test_masked, test_m], axis=-1)
filled = np.asarray(composite(G(x_in, training=False), x_in[..., :1], x_in[..., 1:]))[..., 0]
mean_fill = np.where(test_m > 0, (test_masked.sum((1, 2)) / (1 - test_m).sum((1, 2)))[:, None, None], test_masked)
telea = np.stack([cv2.inpaint(np.round(im * 255).astype(np.uint8), m.astype(np.uint8), 3, cv2.INPAINT_TELEA)
                  for im, m in zip(test_x * (1 - test_m), test_m)]).astype(np.float32) / 255

hole_px = test_m > 0
for name, im in [("GAN inpainting", filled), ("mean fill", mean_fill), ("Telea", telea)]:
    print(f"{name:>15}: PSNR in the holes {10 * np.log10(1 / np.mean((im[hole_px] - test_x[hole_px]) ** 2)):5.2f} dB")
plots.loss_curve({"masked L1 (G)": rec_losses, "BCE (D)": d_losses}, title="inpainting GAN losses", smooth=20)
plt.show()
plots.image_grid(np.concatenate([test_x, test_masked, filled, mean_fill, telea]), ncols=8,
                 title="rows: clean / masked / GAN inpainting / mean fill / Telea")
plt.show()
