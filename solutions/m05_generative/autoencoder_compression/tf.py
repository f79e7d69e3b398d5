# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
#
# The images are 16x16 grey handwritten digits in [0, 1] (`fixtures.digits`): H * W * C = 256 values
# per image. A compression ratio `ratio` means a code of 256 / `ratio` values per image.

# %% tags=["setup"]
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from graders.notebook import checker

IMAGE_SHAPE = (16, 16, 1)  # (H, W, C) of one image
check = checker("autoencoder_compression", "tf", globals())

# %% [markdown]
# ## Part 1: an autoencoder with a bottleneck of the stated size
#
# The **encoder** maps an image to a code of `256 // ratio` numbers, the **decoder** maps the code
# back to an image. Everything the decoder knows about the image must go through the code: that is
# what makes the code a compressed image.
#
# - **encoder** (a `keras.Sequential` named `"encoder"`):
#   `Conv2D(16, 3, strides=2, padding="same")` + LeakyReLU (16x16 -> 8x8),
#   `Conv2D(32, 3, strides=2, padding="same")` + LeakyReLU (8x8 -> 4x4), `Flatten`, then
#   `Dense(code_size)` with **no activation** (the code may take any real value);
# - **decoder** (a `keras.Sequential` named `"decoder"`): `Dense(4 * 4 * 32)` + LeakyReLU,
#   `Reshape((4, 4, 32))`, `Conv2DTranspose(16, 4, strides=2, padding="same")` + LeakyReLU
#   (4x4 -> 8x8), `Conv2DTranspose(1, 4, strides=2, padding="same")` with a **sigmoid** activation
#   (8x8 -> 16x16), so the output is an image in [0, 1] whatever the code;
# - the autoencoder: `keras.Sequential([encoder, decoder])`.
#
# `encode(model, images)` and `decode(model, code)` expose the two halves (`model.get_layer("encoder")`),
# so the code can be stored or sent on its own; the model itself must be exactly
# `decode(encode(x))`: no skip connection from the input to the decoder (a U-Net's skips would carry
# the image around the bottleneck, and the "compressed" code would not be all the decoder needs).
# LeakyReLU is `activation="leaky_relu"` (slope 0.2).
#
# The grader accepts at most 100,000 parameters at ratio 16 (this design has about 30,000), and
# the same seed must give the same initial weights.

# %% tags=["solution"]
def build_autoencoder(seed, ratio):
    """A freshly initialised convolutional autoencoder whose code holds 256 / ratio values per image.

    Args:
        seed: int; the same seed gives the same initial weights.
        ratio: int dividing 256 (e.g. 4, 8, 16, 64): values per image / values per code.
    Returns:
        keras.Model mapping (N, 16, 16, 1) (NHWC) float32 in [0, 1] to the same shape in [0, 1]
        (sigmoid output), made of two sub-models: get_layer("encoder") maps images to codes
        (N, 256 // ratio) of any real values, get_layer("decoder") maps codes back to images.
    Raises:
        ValueError if `ratio` does not divide 256.
    """
    ### BEGIN SOLUTION (about 20 lines) Hint: code_size = H * W * C // ratio; keras.utils.set_random_seed; two named keras.Sequential.
    n_values = int(np.prod(IMAGE_SHAPE))
    if ratio <= 0 or n_values % ratio:
        raise ValueError(f"ratio {ratio} does not divide {n_values}")
    code_size = n_values // ratio
    keras.utils.set_random_seed(seed)
    encoder = keras.Sequential([
        keras.Input(shape=IMAGE_SHAPE),
        keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="leaky_relu"),   # (N, 8, 8, 16)
        keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="leaky_relu"),   # (N, 4, 4, 32)
        keras.layers.Flatten(),                                                           # (N, 512)
        keras.layers.Dense(code_size),                                                    # (N, code_size)
    ], name="encoder")
    decoder = keras.Sequential([
        keras.Input(shape=(code_size,)),
        keras.layers.Dense(4 * 4 * 32, activation="leaky_relu"),
        keras.layers.Reshape((4, 4, 32)),
        keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="leaky_relu"),  # (N, 8, 8, 16)
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),      # (N, 16, 16, 1)
    ], name="decoder")
    return keras.Sequential([encoder, decoder], name="autoencoder")
    ### END SOLUTION


def encode(model, images):
    """Compress: the code of each image.

    Args:
        model: the keras.Model from build_autoencoder.
        images: tf.Tensor float32 (N, 16, 16, 1) (NHWC), values in [0, 1].
    Returns:
        tf.Tensor float32 (N, 256 // ratio): the code, any real values.
    """
    ### BEGIN SOLUTION (about 1 line) Hint: model.get_layer("encoder")(images, training=False).
    return model.get_layer("encoder")(images, training=False)
    ### END SOLUTION


def decode(model, code):
    """Decompress: the images reconstructed from their codes alone.

    Args:
        model: the keras.Model from build_autoencoder.
        code: tf.Tensor float32 (N, 256 // ratio), as returned by encode.
    Returns:
        tf.Tensor float32 (N, 16, 16, 1) (NHWC), values in [0, 1].
    """
    ### BEGIN SOLUTION (about 1 line) Hint: model.get_layer("decoder").
    return model.get_layer("decoder")(code, training=False)
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 2: training
#
# An autoencoder is trained to reproduce its input: each step, sample a minibatch of images and
# minimise the mean squared error between `model(batch)` and the batch itself. No labels: the image
# is its own target. Adam with learning rate 5e-3 and batch size 32 train this model in a couple of
# hundred steps. Wrap the gradient step in `tf.function`: it runs several times faster than eagerly.
#
# The grader trains your model at ratio 16 (16 values per 256-pixel digit), then compresses digits
# it never saw with `encode` and `decode` and compares the PSNR with the thumbnail baseline of Part 3
# (a 4x4 thumbnail also holds 16 values). It trains for 200 steps at ratios 16 and 64 and counts
# the optimizer updates: exactly `steps` (one minibatch each; `steps` are not epochs). The list of
# losses you return is checked for its format only: the point goes to the held-out error the grader
# measures before and after training.

# %% tags=["solution"]
def train_autoencoder(model, images, steps, seed, batch_size=32, lr=5e-3):
    """Train `model` in place to reconstruct its input.

    Args:
        model: the keras.Model from build_autoencoder.
        images: tf.Tensor float32 (N, 16, 16, 1) (NHWC), training images in [0, 1].
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss (MSE) of each step.
    """
    ### BEGIN SOLUTION (about 14 lines) Hint: tf.GradientTape inside a @tf.function step; numpy default_rng(seed) for the indices.
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(autograph=False)  # a plain step: no Python control flow to convert
    def train_step(batch):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(batch, training=True) - batch))  # target: the input
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        batch = tf.gather(images, rng.integers(0, images.shape[0], batch_size))
        losses.append(float(train_step(batch)))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## Part 3: the baseline with the same budget, and quality against the ratio
#
# A compression scheme is only interesting if it beats the obvious one with **the same number of
# values**: store a thumbnail. At ratio $r$, shrink each image by $f = \sqrt r$ in both directions
# with area averaging ($f \times f$ blocks averaged: $HW/r$ values), and decompress by enlarging it
# back with bicubic interpolation, clipped to [0, 1] (bicubic overshoots near edges).
#
# The grader compares your thumbnails with its own (OpenCV's area and bicubic resizing; TensorFlow's
# bicubic kernel is a little softer than OpenCV's, which the grader allows for). It then trains your
# autoencoder at a second, higher ratio and checks that quality falls as the ratio grows, while the
# autoencoder still beats the thumbnail of the same size.

# %% tags=["solution"]
def thumbnail(images, ratio):
    """Downscale-and-upscale baseline holding H * W / ratio values per image.

    Args:
        images: tf.Tensor float32 (N, H, W, 1) (NHWC), values in [0, 1]; H and W divisible by
            f = sqrt(ratio).
        ratio: int, a perfect square (4, 16, 64, ...).
    Returns:
        tf.Tensor float32 (N, H, W, 1), values in [0, 1]: each image area-downscaled by f (f x f
        blocks averaged), then bicubic-upscaled by f and clipped to [0, 1].
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: keras.ops.average_pool(images, f, f), keras.ops.image.resize(..., interpolation="bicubic"), keras.ops.clip.
    f = int(round(np.sqrt(ratio)))
    if f * f != ratio:
        raise ValueError(f"ratio {ratio} is not a perfect square")
    height, width = images.shape[1], images.shape[2]
    small = keras.ops.average_pool(images, f, strides=f)  # (N, H/f, W/f, 1): the H*W/ratio stored values
    return keras.ops.clip(keras.ops.image.resize(small, (height, width), interpolation="bicubic"), 0.0, 1.0)
    ### END SOLUTION


# %% tags=["check"]
check("ratio")

# %% [markdown]
# ## See it work
#
# Train one autoencoder per ratio on the training digits, compress held-out digits with
# `encode` / `decode`, and compare with the thumbnail of the same size. The digits are 8x8 scans
# enlarged to 16x16: at ratio 4 the 8x8 thumbnail loses almost nothing and beats the autoencoder;
# at higher ratios the autoencoder, which has learnt what digits look like, wins by several dB.

# %% tags=["demo"]
from fixtures import digits
from graders import metrics, plots

train_images = tf.convert_to_tensor(digits.load_digits("train")[0][..., None])
test_images = digits.sample(16, "test", seed=1)[0][..., None]

rows, curves = [test_images], {}
for ratio in (4, 16, 64):
    model = build_autoencoder(seed=0, ratio=ratio)
    curves[f"ratio {ratio}"] = train_autoencoder(model, train_images, steps=300, seed=0)
    code = np.asarray(encode(model, test_images))
    recon = np.asarray(decode(model, code))
    thumb = np.asarray(thumbnail(tf.convert_to_tensor(test_images), ratio))
    print(f"ratio {ratio:2d}: code {code.shape}, autoencoder PSNR "
          f"{metrics.psnr(recon, test_images, 1.0):5.2f} dB, thumbnail {metrics.psnr(thumb, test_images, 1.0):5.2f} dB")
    rows += [recon, thumb]
plots.loss_curve(curves, smooth=10)
plt.show()
plots.image_grid(np.concatenate(rows), ncols=16,
                 title="rows: original, then autoencoder / thumbnail at ratio 4, 16 and 64")
plt.show()
