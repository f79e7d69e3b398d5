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

check = checker("sr_transfer_learning", "tf", globals())

# %% [markdown]
# ## Part 1: load the pretrained model
#
# The course ships a tiny super-resolution network already trained on **clean bicubic x2** pairs:
# `data/files/sr_transfer_learning_x2.npz` (`fixtures.sr_transfer_learning.PATH`). It is VDSR at toy
# scale, grey, "bicubic in, same size out": the low-resolution image is first enlarged with bicubic
# interpolation, and the network adds the missing detail (a residual):
#
# $$y = x + \mathrm{conv}_4\big(\mathrm{relu}(\mathrm{conv}_3(\mathrm{relu}(\mathrm{conv}_2(\mathrm{relu}(\mathrm{conv}_1(x))))))\big)$$
#
# Four 3x3 convolutions with bias, stride 1 and zero "same" padding, channels
# 1 -> 16 -> 16 -> 16 -> 1, ReLU after the first three. The file holds numpy arrays
# `conv1_kernel` ... `conv4_kernel` of shape **(kh, kw, c_in, c_out)**, which is exactly the layout
# of a Keras `Conv2D` kernel, and `conv1_bias` ... `conv4_bias` of shape (c_out,). Build the model
# with the functional API (the skip connection needs it), declare the input as
# `keras.Input(shape=(None, None, 1))` so it works on any image size, name the convolutions
# `"conv1"` ... `"conv4"`, and set each layer's `[kernel, bias]`.

# %% tags=["solution"]
def load_pretrained(path):
    """A Keras model holding the weights stored in the .npz file at `path`.

    Args:
        path: str, a .npz file with float32 arrays conv{i}_kernel (kh, kw, c_in, c_out) and
            conv{i}_bias (c_out,) for i = 1..4.
    Returns:
        keras.Model mapping float32 (N, H, W, 1) (NHWC) bicubic-enlarged images in [0, 1] to
        float32 (N, H, W, 1): the input plus the predicted residual (not clipped), with conv layers
        named "conv1" ... "conv4".
    """
    ### BEGIN SOLUTION (about 12 lines) Hint: keras.layers.Conv2D(c_out, 3, padding="same", name=...), keras.layers.Add(); layer.set_weights([kernel, bias]).
    inputs = keras.Input(shape=(None, None, 1))
    h = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1")(inputs)
    h = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv2")(h)
    h = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv3")(h)
    residual = keras.layers.Conv2D(1, 3, padding="same", name="conv4")(h)
    outputs = keras.layers.Add()([inputs, residual])  # the network predicts the detail bicubic misses
    model = keras.Model(inputs, outputs, name="tiny_sr")
    with np.load(path) as stored:
        for i in range(1, 5):
            model.get_layer(f"conv{i}").set_weights([stored[f"conv{i}_kernel"], stored[f"conv{i}_bias"]])
    return model
    ### END SOLUTION


# %% tags=["check"]
check("load")

# %% [markdown]
# ## Part 2: freeze the first layers
#
# The first layers of an image network compute generic features (edges, gradients, textures) that
# serve many degradations; the last layers map them to the task's output. To fine-tune on a new,
# small data set, **freeze** the first `n_frozen` convolutions (kernels *and* biases) and train only
# the rest: fewer parameters to fit, less overfitting, and the pretrained features survive.
#
# In Keras a layer is frozen with `layer.trainable = False`: its variables leave
# `model.trainable_variables`, so a `GradientTape` loop over them (or `fit`, after the next
# `compile`) leaves them alone. Set it *before* compiling: a model compiled earlier keeps training
# what was trainable then. Return the variables that are still trainable: the ones to hand to the
# optimiser.

# %% tags=["solution"]
def freeze_for_finetuning(model, n_frozen):
    """Freeze the first `n_frozen` conv layers of `model` in place (kernels and biases).

    Args:
        model: a keras.Model from load_pretrained.
        n_frozen: int in 0..4, how many of conv1..conv4 to freeze, counted from the input.
    Returns:
        list of the variables that remain trainable (those of conv{n_frozen+1} ... conv4), in the
        model's order; the weights themselves are not changed.
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: model.get_layer(f"conv{i}").trainable = ...; model.trainable_weights.
    for i in range(1, 5):
        model.get_layer(f"conv{i}").trainable = i > n_frozen
    return list(model.trainable_weights)
    ### END SOLUTION


# %% tags=["check"]
check("freeze")

# %% [markdown]
# ## Part 3: fine-tune on a new degradation
#
# The pretrained model knows clean bicubic x2. Now the camera changes: the grader's new pairs are
# **another degradation** (a blurrier lens, or a larger scale factor), again enlarged with bicubic
# interpolation to the target size. Fine-tune the model on them: each step, sample a minibatch of
# (`lr_up`, `hr`) pairs and minimise the mean squared error between `model(lr_up)` and `hr`,
# updating **only the trainable variables** (Adam, learning rate 1e-3: small enough to adapt the
# pretrained weights without wrecking them). Wrap the gradient step in `tf.function`: it runs
# several times faster than eagerly.
#
# The grader fine-tunes your model with your function and measures PSNR on held-out pairs of the
# new degradation. It checks that the frozen layers did not move by a single bit, and it runs the
# same fine-tuning from a random initialisation: starting from the pretrained weights must be
# clearly better after the same small number of steps. That is the point of transfer learning.
#
# What the grader enforces: every `finetune(..., steps=70)` call (from the pretrained weights and from
# the random initialisation alike) must take exactly `steps` optimizer updates, one minibatch each, not
# epochs; the returned losses are checked for format only (one finite Python float per step). The
# points are for what it measures on held-out pairs: fine-tuning must gain at least +0.4 dB over the
# pretrained model as loaded and end at least +0.7 dB over bicubic; with the values inside every weight
# tensor shuffled the model must no longer reach +0.7 dB over bicubic (the result has to come from the
# network: an unsharp mask switched on after fine-tuning gains about +1.4 dB on its own, but not from
# the weights); and the pretrained start must lead the random start by at least +0.5 dB.

# %% tags=["solution"]
def finetune(model, lr_up, hr, steps, seed, batch_size=16, lr=1e-3):
    """Fine-tune the trainable variables of `model` in place on (lr_up, hr) pairs.

    Args:
        model: a keras.Model from load_pretrained, possibly with frozen layers (trainable False).
        lr_up: tf.Tensor float32 (N, H, W, 1) (NHWC), degraded images enlarged to H x W, in [0, 1].
        hr: tf.Tensor float32 (N, H, W, 1), the matching sharp images, in [0, 1].
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss (MSE) of each step.
    """
    ### BEGIN SOLUTION (about 15 lines) Hint: tf.GradientTape inside a @tf.function step over model.trainable_variables; numpy default_rng(seed) for the indices.
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    variables = model.trainable_variables  # frozen layers are not in this list

    @tf.function(autograph=False)  # a plain step: no Python control flow to convert
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(x, training=True) - y))
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.integers(0, lr_up.shape[0], batch_size)
        losses.append(float(train_step(tf.gather(lr_up, idx), tf.gather(hr, idx))))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("finetune")

# %% [markdown]
# ## See it work
#
# Fine-tune the pretrained model (first two layers frozen) and a randomly initialised copy for the
# same number of steps on the new degradation, then compare them with bicubic interpolation on
# patches of photographs neither has seen.

# %% tags=["demo"]
from fixtures import sr_transfer_learning as fx
from graders import metrics, plots

new = dict(factor=fx.NEW_FACTOR, blur=fx.NEW_BLUR)
train_lr, train_hr = fx.bicubic_pairs(512, 32, split="train", seed=0, **new)
test_lr, test_hr = fx.bicubic_pairs(8, 48, split="test", seed=1, **new)

pretrained = load_pretrained(str(fx.PATH))
freeze_for_finetuning(pretrained, 2)
scratch = load_pretrained(str(fx.INIT_PATH))  # the same network, randomly initialised
outputs = {"x2 model as is": np.clip(np.asarray(pretrained(test_lr, training=False)), 0, 1)}
curves = {}
for name, model in [("pretrained", pretrained), ("from scratch", scratch)]:
    curves[name] = finetune(model, tf.constant(train_lr), tf.constant(train_hr), steps=150, seed=0)
    outputs[name] = np.clip(np.asarray(model(test_lr, training=False)), 0, 1)

print(f"{'bicubic':>14}: PSNR {metrics.psnr(test_lr, test_hr, 1.0):5.2f} dB")
for name, out in outputs.items():
    print(f"{name:>14}: PSNR {metrics.psnr(out, test_hr, 1.0):5.2f} dB")
plots.loss_curve(curves, smooth=10)
plt.show()
plots.image_grid(np.concatenate([test_hr, test_lr, outputs["from scratch"], outputs["pretrained"]])[..., 0],
                 ncols=8, title="rows: sharp / bicubic / from scratch / pretrained + fine-tuned")
plt.show()
