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

check = checker("neural_style_transfer", "tf", globals())

# %% [markdown]
# ## Part 1: the Gram matrix
#
# Flatten the feature maps of one image, $F \in \mathbb R^{C \times HW}$ (one row per channel), and
# take the inner products of every pair of channels, averaged over the $HW$ positions:
#
# $$G = \frac{1}{HW}\, F F^\top \in \mathbb R^{C \times C},\qquad G_{ij} = \frac{1}{HW}\sum_{p} F_{ip} F_{jp}$$
#
# $G_{ij}$ says how strongly channels $i$ and $j$ fire *together*, wherever that happens: the
# positions are summed away, which is what makes it a description of texture and colour (style)
# rather than of layout (content). This exercise normalises by $HW$ only (the TensorFlow tutorial's
# choice), so the Gram matrices of a small and a large image of the same texture are comparable. The
# PyTorch tutorial divides by $C \cdot HW$ instead: with one layer that only rescales the style
# weight, but summed over layers of different widths it multiplies layer $l$'s loss by $1/C_l^2$,
# i.e. it reweights the layers.
#
# Keras features are channels last, (N, H, W, C): reshape them to (N, H*W, C) and compute $F^\top F$
# (which is the same $C \times C$ matrix). Reshaping them to (N, C, H*W) directly would scramble the
# channels.

# %% tags=["solution"]
def gram_matrix(features):
    """Gram matrices of a batch of feature maps, normalised by the number of positions.

    Args:
        features: tf.Tensor float32 (N, H, W, C) (NHWC), any values.
    Returns:
        tf.Tensor float32 (N, C, C): G[n] = F F^T / (H * W) with F the (C, H * W) matrix of
        features[n]. Symmetric; differentiable (TensorFlow ops only, no numpy).
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: tf.einsum("nhwc,nhwd->ncd", ...) divided by H*W (tf.shape for dynamic sizes).
    shape = tf.shape(features)
    positions = tf.cast(shape[1] * shape[2], features.dtype)
    return tf.einsum("nhwc,nhwd->ncd", features, features) / positions
    ### END SOLUTION


# %% tags=["check"]
check("gram")

# %% [markdown]
# ## Part 2: content and style losses
#
# - **content loss**: the feature maps of the generated image $x$ against those of the content image
#   $c$ at one (deep) layer, *position by position*: $\mathcal L_c = \operatorname{mean}\big((F(x) - F(c))^2\big)$;
# - **style loss** of one layer: the Gram matrix of the generated image's features against the
#   style image's (computed once, beforehand): $\mathcal L_s = \operatorname{mean}\big((G(F(x)) - G_{style})^2\big)$.
#
# Both are means of squared differences over all their elements (batch included).

# %% tags=["solution"]
def content_loss(features, target):
    """Content loss of one layer.

    Args:
        features: tf.Tensor float32 (N, H, W, C) (NHWC), the generated image's feature maps.
        target: tf.Tensor float32 of the same shape, the content image's feature maps.
    Returns:
        tf.Tensor float32 scalar (shape ()): the mean over all elements of (features - target)**2.
    """
    ### BEGIN SOLUTION (about 1 line) Hint: tf.reduce_mean(tf.square(...)).
    return tf.reduce_mean(tf.square(features - target))
    ### END SOLUTION


def style_loss(features, target_gram):
    """Style loss of one layer.

    Args:
        features: tf.Tensor float32 (N, H, W, C) (NHWC), the generated image's feature maps.
        target_gram: tf.Tensor float32 (N, C, C), the style image's Gram matrices (gram_matrix).
    Returns:
        tf.Tensor float32 scalar (shape ()): the mean over all elements of
        (gram_matrix(features) - target_gram)**2.
    """
    ### BEGIN SOLUTION (about 1 line) Hint: your gram_matrix, then tf.reduce_mean(tf.square(...)).
    return tf.reduce_mean(tf.square(gram_matrix(features) - target_gram))
    ### END SOLUTION


# %% tags=["check"]
check("losses")

# %% [markdown]
# ## The feature extractor (given)
#
# Style transfer needs a network whose features describe images: Gatys et al. used an ImageNet VGG-19.
# Nothing can be downloaded here, so we use a small convolutional network with **random** weights,
# fixed by a seed: random filters followed by ReLUs already measure colours, edges and their
# co-occurrences, and matching their Gram matrices is known to transfer textures (Ustyuzhaninov et
# al., 2017; He et al., 2016). Three 3x3 convolutions with 16, 32 and 64 channels, ReLU, and 2x2
# average pooling between them (average pooling, as Gatys et al. recommend, gives smoother gradients
# than max pooling). It returns the three ReLU outputs; all of them are style layers, the middle one is
# the content layer.
#
# The network is a fixed measuring instrument: it is built once and **frozen**
# (`model.trainable = False`): only the pixels of the image are optimised. The grader checks that its
# weights are the same after `transfer_style` as before.

# %%
def build_extractor(seed):
    """A frozen random-weight extractor: images (N, H, W, 3) in [0, 1] (NHWC) -> [f1 (N, H, W, 16),
    f2 (N, H/2, W/2, 32), f3 (N, H/4, W/4, 64)]. He-normal weights drawn with `seed`, zero biases."""
    keras.utils.set_random_seed(seed)
    conv = lambda channels: keras.layers.Conv2D(channels, 3, padding="same", activation="relu",
                                                kernel_initializer="he_normal", bias_initializer="zeros")
    inputs = keras.Input(shape=(None, None, 3))
    f1 = conv(16)(keras.layers.Rescaling(1.0, offset=-0.5)(inputs))
    f2 = conv(32)(keras.layers.AveragePooling2D(2)(f1))
    f3 = conv(64)(keras.layers.AveragePooling2D(2)(f2))
    model = keras.Model(inputs, [f1, f2, f3], name="random_feature_extractor")
    model.trainable = False
    return model


CONTENT_LAYER = 1          # index of the content layer in the extractor's outputs (f2)

# %% [markdown]
# ## Part 3: optimising the pixels
#
# Start from the content image and minimise
#
# $$\mathcal L(x) = \mathcal L_c\big(F_2(x), F_2(c)\big) + w_{style} \sum_{l=1}^{3} \mathcal L_s\big(F_l(x), G(F_l(s))\big)$$
#
# over the **pixels** of $x$: the image is a `tf.Variable`, the only variable the tape differentiates
# and the optimiser updates. Compute the targets (content features, style Gram matrices) once, before
# the loop. Use `keras.optimizers.Adam` with learning rate `lr`, and after every step clip the pixels
# back into [0, 1] (`image.assign(tf.clip_by_value(...))`), so the result is an image. Wrap the step
# in `tf.function`: it runs several times faster than eagerly.
#
# The grader runs your function, then measures the returned image itself: it recomputes the style
# loss in numpy (its own copy of the extractor and its own Gram matrices), which must fall well below
# the content image's, and checks that the result's luminance still follows the content image's
# layout. It also checks that the extractor's weights did not change.
#
# Limits the grader enforces: exactly `steps` (200) optimizer steps on the pixels (the grader counts
# them). The losses you return are checked for format only: the grader recomputes the style loss
# itself, which must fall to at most 0.35 of the content image's overall, and to at most 0.2 at the
# first layer (the references reach about 0.1; a style loss on the last layer only leaves the first
# layer near 0.3–0.65). The content correlation (blurred luminance) must stay at least 0.4. The
# result must come from optimising your weighted losses: the grader runs `transfer_style` a second
# time with `style_weight=1` and the style loss of that result must be at least 1.25 times higher
# than with `style_weight=20` (the references: about 4–40 times); a result that ignores `style_weight`
# fails.

# %% tags=["solution"]
def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    """Neural style transfer by gradient descent on the pixels.

    Args:
        extractor: the frozen keras.Model from build_extractor; returns a list of 3 feature maps (NHWC).
        content: tf.Tensor float32 (1, H, W, 3) (NHWC), the content image, values in [0, 1].
        style: tf.Tensor float32 (1, Hs, Ws, 3), the style image in [0, 1]; its size may differ.
        steps: int, number of Adam steps.
        seed: int; seeds any randomness (starting from the content image, the reference draws none).
        style_weight: float, w_style in the total loss.
        lr: float, Adam's learning rate (in pixel units).
    Returns:
        (image, losses): image a tf.Tensor float32 (1, H, W, 3), values in [0, 1];
        losses a list of `steps` Python floats, the total loss of each step.
    """
    ### BEGIN SOLUTION (about 19 lines) Hint: image = tf.Variable(content); tf.GradientTape inside a @tf.function step; optimizer.apply_gradients([(grad, image)]); image.assign(tf.clip_by_value(image, 0, 1)).
    keras.utils.set_random_seed(seed)
    content_target = extractor(content, training=False)[CONTENT_LAYER]
    style_grams = [gram_matrix(f) for f in extractor(style, training=False)]
    image = tf.Variable(content)                     # the pixels are the parameters
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            features = extractor(image, training=False)
            loss = content_loss(features[CONTENT_LAYER], content_target)
            loss += style_weight * tf.add_n([style_loss(f, g) for f, g in zip(features, style_grams)])
        grad = tape.gradient(loss, image)
        optimizer.apply_gradients([(grad, image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))  # keep it an image
        return loss

    losses = [float(step()) for _ in range(steps)]
    return tf.convert_to_tensor(image), losses
    ### END SOLUTION


# %% tags=["check"]
check("transfer")

# %% [markdown]
# ## See it work
#
# Transfer the style of procedural "paintings" onto crops of photographs. Raise `style_weight` for
# more style and less content; with 0 the content image comes back unchanged.

# %% tags=["demo"]
from fixtures import neural_style_transfer as nst
from graders import plots

contents = [nst.content_image(seed, 48, 48) for seed in range(4)]
styles = [nst.style_image(seed + 100, 48, 48) for seed in range(4)]
extractor = build_extractor(seed=0)
results, curves = [], {}
for i, (c, s) in enumerate(zip(contents, styles)):
    image, losses = transfer_style(extractor, tf.constant(c[None]), tf.constant(s[None]), steps=200, seed=0)
    results.append(np.asarray(image)[0])
    curves[f"pair {i}"] = losses
plots.loss_curve(curves, title="total loss (log scale)")
plt.yscale("log")
plt.show()
plots.image_grid(np.stack(contents + styles + results), ncols=4, title="rows: content / style / result")
plt.show()
