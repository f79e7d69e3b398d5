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
from keras import layers

from fixtures import digits
from graders import plots
from graders.notebook import checker

check = checker("cnn_classification", "tf", globals())

# %% [markdown]
# ## The data
#
# 1797 handwritten digits from scikit-learn, upsampled to 16x16 grey images in [0, 1], split once
# into 1348 training and 449 held-out test digits. Keras wants images **NHWC**: add the channel axis
# last, `(N, 16, 16) -> (N, 16, 16, 1)`.

# %% tags=["demo"]
train_images, train_labels = digits.load_digits("train")
test_images, test_labels = digits.load_digits("test")
print(train_images.shape, train_images.dtype, train_labels[:10])
plots.image_grid(train_images[:16], title="training digits: " + " ".join(map(str, train_labels[:16])))
plt.show()

# %% [markdown]
# ## Part 1: the model
#
# Two blocks of convolution, BatchNorm, ReLU and 2x2 max-pooling turn a `(N, 16, 16, 1)` batch into
# `(N, 4, 4, 16)` feature maps; flatten them and map the 256 features to one score per class with a
# `Dense` layer. Return **logits**: no softmax at the end, the loss applies it (Part 2).
# A convolution followed by BatchNorm needs no bias (`use_bias=False`): BatchNorm's shift replaces it.
#
# Keras' `BatchNormalization(momentum=0.99)` default averages its running statistics over about 100
# steps: too slow for a training run of a hundred steps, after which inference would still use
# statistics from the first, random batches. Use `momentum=0.9` (PyTorch's default `momentum=0.1`
# means the same thing: the weight of the *new* batch).

# %% tags=["solution"]
def build_cnn(num_classes=10, seed=0):
    """A small CNN for 16x16 grey images.

    Args:
        num_classes: int, the number of classes K.
        seed: int; the same seed must give the same initial weights.
    Returns:
        keras.Model mapping float32 images (N, 16, 16, 1) (NHWC, values in [0, 1]) to float32
        logits (N, K): unnormalised scores, no softmax.
    """
    ### BEGIN SOLUTION (about 14 lines) Hint: keras.utils.set_random_seed, then keras.Sequential of Conv2D, BatchNormalization(momentum=0.9), ReLU, MaxPooling2D, Flatten, Dense.
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(16, 16, 1)),
        layers.Conv2D(8, 3, padding="same", use_bias=False),   # (N, 16, 16, 8)
        layers.BatchNormalization(momentum=0.9),
        layers.ReLU(),
        layers.MaxPooling2D(2),                                # (N, 8, 8, 8)
        layers.Conv2D(16, 3, padding="same", use_bias=False),  # (N, 8, 8, 16)
        layers.BatchNormalization(momentum=0.9),
        layers.ReLU(),
        layers.MaxPooling2D(2),                                # (N, 4, 4, 16)
        layers.Flatten(),                                      # (N, 256)
        layers.Dense(num_classes),                             # (N, K) logits
    ])
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 2: training
#
# Each step draws a random batch, computes the cross-entropy of the logits under a
# `tf.GradientTape`, and updates the weights with Adam. Tell the loss it gets logits:
# `SparseCategoricalCrossentropy(from_logits=True)` (sparse: the labels are class indices, not
# one-hot vectors). With the default `from_logits=False` it would treat the raw scores as
# probabilities. Call the model with `training=True` so BatchNorm normalises with the statistics of
# each batch and updates its running averages. `@tf.function` compiles the step into a graph,
# several times faster than running it eagerly.
#
# Decay the learning rate from 0.01 to 0 over the run (`keras.optimizers.schedules.CosineDecay`
# as the optimizer's learning rate): the last steps then fine-tune instead of jumping around, and
# BatchNorm's running averages, which mix the last ten or so batches, describe the final weights.
# With a constant high rate, the model you evaluate can be a few points worse than the one the
# training loss suggests.
#
# The check trains a fresh model with your function (100 steps of 64 digits) and measures the
# cross-entropy and accuracy itself, on held-out digits it re-renders (small shifts, rotations and
# noise): it needs 85% accuracy; this model reaches about 93-97%. What the check enforces:
#
# - **at most 200,000 weights** (Part 1), and **exactly `steps` optimizer steps**: the grader counts
#   the updates of every `torch.optim` / Keras optimizer, so `steps` used as epochs fails;
# - the **points go to what the grader measures** (cross-entropy on the training and held-out
#   digits, accuracy); the list you return is only checked for its format (one float per step);
# - the predictions must **come from the model's weights**: the grader shuffles the values inside
#   every weight tensor and the accuracy must fall to chance (at most 40%);
# - a hidden check relabels the classes and hands the training digits over **sorted by class**:
#   draw a fresh random batch at every step.

# %% tags=["solution"]
def train_cnn(model, images, labels, steps, seed, batch_size=64):
    """Train `model` in place on the cross-entropy of its logits, with Adam (learning rate 1e-2,
    decayed to 0 along a cosine).

    Args:
        model: the keras.Model from build_cnn.
        images: tf.Tensor float32 (N, 16, 16, 1), NHWC, values in [0, 1].
        labels: tf.Tensor int64 (N,), class indices in [0, K).
        steps: int, the number of optimizer steps (one random batch each).
        seed: int, seeds the batch order (and dropout, if any).
        batch_size: int, images per step.
    Returns:
        list of `steps` Python floats: the mean cross-entropy of each step's batch.
    """
    ### BEGIN SOLUTION (about 17 lines) Hint: CosineDecay as Adam's learning rate; a @tf.function step with tf.GradientTape and optimizer.apply_gradients; tf.gather a random batch; float(loss).
    keras.utils.set_random_seed(seed)
    schedule = keras.optimizers.schedules.CosineDecay(1e-2, decay_steps=steps)  # 1e-2 -> 0
    optimizer = keras.optimizers.Adam(learning_rate=schedule)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        batch = rng.permutation(images.shape[0])[:batch_size]
        losses.append(float(train_step(tf.gather(images, batch), tf.gather(labels, batch))))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# Train on the whole training split and watch the loss: it starts near ln 10 = 2.30 (a uniform guess
# over 10 classes) and should fall below 0.1 within a few hundred steps.

# %% tags=["demo"]
to_nhwc = lambda images: tf.convert_to_tensor(images[..., None])  # (N, 16, 16) -> (N, 16, 16, 1)
model = build_cnn(num_classes=10, seed=0)
losses = train_cnn(model, to_nhwc(train_images), tf.convert_to_tensor(train_labels), steps=300, seed=0)
plots.loss_curve({"training batches": losses}, smooth=10)
plt.show()

# %% [markdown]
# ## Part 3: predicting classes
#
# At inference, call the model with `training=False`: BatchNorm then uses its running averages
# instead of the statistics of the batch at hand, so a prediction does not depend on which other
# images share the batch (and a batch of one image works), and Dropout is switched off.
# (`model.predict(x)` does the same, in batches, and returns numpy.) The class is the argmax over
# the class axis.

# %% tags=["solution"]
def predict_classes(model, images):
    """Predicted class of each image, with the model in inference mode.

    Args:
        model: a keras.Model from build_cnn.
        images: tf.Tensor float32 (N, 16, 16, 1), NHWC, values in [0, 1].
    Returns:
        tf.Tensor (or np.ndarray) int64 (N,): the index of the largest logit of each image.
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: model(images, training=False), then tf.argmax over axis=-1.
    logits = model(images, training=False)
    return tf.argmax(logits, axis=-1)
    ### END SOLUTION


# %% tags=["check"]
check("predict")

# %% [markdown]
# Held-out accuracy, a few test digits with their predicted labels (red: wrong), and the digits the
# model gets wrong.

# %% tags=["demo"]
predicted = np.asarray(predict_classes(model, to_nhwc(test_images)))
print(f"held-out accuracy: {np.mean(predicted == test_labels):.3f}")
fig, axes = plt.subplots(2, 8, figsize=(10, 3))
for ax, image, label, pred in zip(axes.flat, test_images, test_labels, predicted):
    ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"{pred}" if pred == label else f"{pred} (is {label})", color="black" if pred == label else "red")
    ax.axis("off")
plt.tight_layout()
plt.show()
wrong = np.flatnonzero(predicted != test_labels)[:16]
if len(wrong):
    plots.image_grid(test_images[wrong], title="misclassified, predicted/true: "
                     + " ".join(f"{predicted[i]}/{test_labels[i]}" for i in wrong))
    plt.show()
