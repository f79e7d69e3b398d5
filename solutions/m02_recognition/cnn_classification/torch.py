# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.

# %% tags=["setup"]
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from fixtures import digits
from graders import plots
from graders.notebook import checker

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
check = checker("cnn_classification", "torch", globals())

# %% [markdown]
# ## The data
#
# 1797 handwritten digits from scikit-learn, upsampled to 16x16 grey images in [0, 1], split once
# into 1348 training and 449 held-out test digits. PyTorch wants images **NCHW**: add the channel
# axis at position 1, `(N, 16, 16) -> (N, 1, 16, 16)`.

# %% tags=["demo"]
train_images, train_labels = digits.load_digits("train")
test_images, test_labels = digits.load_digits("test")
print(train_images.shape, train_images.dtype, train_labels[:10])
plots.image_grid(train_images[:16], title="training digits: " + " ".join(map(str, train_labels[:16])))
plt.show()

# %% [markdown]
# ## Part 1: the model
#
# Two blocks of convolution, BatchNorm, ReLU and 2x2 max-pooling turn a `(N, 1, 16, 16)` batch into
# `(N, 16, 4, 4)` feature maps; flatten them and map the 256 features to one score per class with a
# linear layer. Return **logits**: no softmax at the end, the loss applies it (Part 2).
# A convolution followed by BatchNorm needs no bias (`bias=False`): BatchNorm's shift replaces it.

# %% tags=["solution"]
def build_cnn(num_classes=10, seed=0):
    """A small CNN for 16x16 grey images.

    Args:
        num_classes: int, the number of classes K.
        seed: int; the same seed must give the same initial weights.
    Returns:
        torch.nn.Module on DEVICE mapping float32 images (N, 1, 16, 16) (NCHW, values in [0, 1])
        to float32 logits (N, K): unnormalised scores, no softmax.
    """
    ### BEGIN SOLUTION (about 14 lines) Hint: torch.manual_seed, then nn.Sequential of Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear.
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=3, padding=1, bias=False),   # (N, 8, 16, 16)
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.MaxPool2d(2),                                         # (N, 8, 8, 8)
        nn.Conv2d(8, 16, kernel_size=3, padding=1, bias=False),  # (N, 16, 8, 8)
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),                                         # (N, 16, 4, 4)
        nn.Flatten(),                                            # (N, 256)
        nn.Linear(16 * 4 * 4, num_classes),                      # (N, K) logits
    )
    return model.to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("build")

# %% [markdown]
# ## Part 2: training
#
# Each step draws a random batch, computes the cross-entropy of the logits, back-propagates and
# updates the weights with Adam. `nn.CrossEntropyLoss` takes **logits** and applies log-softmax
# itself; a softmax before it squashes the scores twice and the loss can no longer fall below
# log(1 + 9/e) = 1.46. Put the model in training mode (`model.train()`) so BatchNorm normalises with
# the statistics of each batch and updates its running averages.
#
# Decay the learning rate from 0.01 to 0 over the run (`CosineAnnealingLR`, one `scheduler.step()`
# per step): the last steps then fine-tune instead of jumping around, and BatchNorm's running
# averages, which mix the last ten or so batches, describe the final weights. With a constant high
# rate, the model you evaluate can be a few points worse than the one the training loss suggests.
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
        model: the torch.nn.Module from build_cnn.
        images: torch.Tensor float32 (N, 1, 16, 16), NCHW, values in [0, 1].
        labels: torch.Tensor int64 (N,), class indices in [0, K).
        steps: int, the number of optimizer steps (one random batch each).
        seed: int, seeds the batch order (and dropout, if any).
        batch_size: int, images per step.
    Returns:
        list of `steps` Python floats: the mean cross-entropy of each step's batch.
    """
    ### BEGIN SOLUTION (about 15 lines) Hint: torch.randperm for a batch; nn.CrossEntropyLoss on logits; zero_grad, backward, step, scheduler step; loss.item().
    torch.manual_seed(seed)
    images, labels = images.to(DEVICE), labels.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)  # 1e-2 -> 0
    loss_fn = nn.CrossEntropyLoss()  # expects logits: log-softmax is inside
    model.train()
    losses = []
    for _ in range(steps):
        batch = torch.randperm(len(images))[:batch_size].to(DEVICE)
        loss = loss_fn(model(images[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# Train on the whole training split and watch the loss: it starts near ln 10 = 2.30 (a uniform guess
# over 10 classes) and should fall below 0.1 within a few hundred steps.

# %% tags=["demo"]
to_nchw = lambda images: torch.as_tensor(images[:, None], device=DEVICE)  # (N, 16, 16) -> (N, 1, 16, 16)
model = build_cnn(num_classes=10, seed=0)
losses = train_cnn(model, to_nchw(train_images), torch.as_tensor(train_labels, device=DEVICE), steps=300, seed=0)
plots.loss_curve({"training batches": losses}, smooth=10)
plt.show()

# %% [markdown]
# ## Part 3: predicting classes
#
# At inference, switch the model to evaluation mode (`model.eval()`): BatchNorm then uses its running
# averages instead of the statistics of the batch at hand, so a prediction does not depend on which
# other images share the batch (and a batch of one image works), and Dropout is switched off.
# `torch.no_grad()` skips building the autograd graph. The class is the argmax over the class axis.

# %% tags=["solution"]
def predict_classes(model, images):
    """Predicted class of each image, with the model in inference mode.

    Args:
        model: a torch.nn.Module from build_cnn.
        images: torch.Tensor float32 (N, 1, 16, 16), NCHW, values in [0, 1].
    Returns:
        torch.Tensor int64 (N,): the index of the largest logit of each image.
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: model.eval(), torch.no_grad(), argmax over dim=1.
    model.eval()
    with torch.no_grad():
        return model(images.to(DEVICE)).argmax(dim=1)
    ### END SOLUTION


# %% tags=["check"]
check("predict")

# %% [markdown]
# Held-out accuracy, a few test digits with their predicted labels (red: wrong), and the digits the
# model gets wrong.

# %% tags=["demo"]
predicted = predict_classes(model, to_nchw(test_images)).cpu().numpy()
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
