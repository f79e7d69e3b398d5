# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
# Tensors live on `DEVICE` (the GPU when there is one).

# %% tags=["setup"]
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from graders.notebook import checker

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
check = checker("neural_style_transfer", "torch", globals())

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

# %% tags=["solution"]
def gram_matrix(features):
    """Gram matrices of a batch of feature maps, normalised by the number of positions.

    Args:
        features: torch.Tensor float32 (N, C, H, W) (NCHW), any values.
    Returns:
        torch.Tensor float32 (N, C, C): G[n] = F F^T / (H * W) with F = features[n] reshaped to
        (C, H * W). Symmetric; differentiable (no detach, no numpy).
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: reshape to (N, C, H*W), then torch.bmm (or @) with its transpose(1, 2).
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (h * w)
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
# Both are means of squared differences over all their elements (batch included), i.e. `F.mse_loss`.

# %% tags=["solution"]
def content_loss(features, target):
    """Content loss of one layer.

    Args:
        features: torch.Tensor float32 (N, C, H, W) (NCHW), the generated image's feature maps.
        target: torch.Tensor float32 of the same shape, the content image's feature maps.
    Returns:
        torch.Tensor float32 scalar (shape ()): the mean over all elements of (features - target)**2.
    """
    ### BEGIN SOLUTION (about 1 line) Hint: F.mse_loss.
    return F.mse_loss(features, target)
    ### END SOLUTION


def style_loss(features, target_gram):
    """Style loss of one layer.

    Args:
        features: torch.Tensor float32 (N, C, H, W) (NCHW), the generated image's feature maps.
        target_gram: torch.Tensor float32 (N, C, C), the style image's Gram matrices (gram_matrix).
    Returns:
        torch.Tensor float32 scalar (shape ()): the mean over all elements of
        (gram_matrix(features) - target_gram)**2.
    """
    ### BEGIN SOLUTION (about 1 line) Hint: your gram_matrix, then F.mse_loss.
    return F.mse_loss(gram_matrix(features), target_gram)
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
# The network is a fixed measuring instrument: it is built once, put in eval mode, and **frozen**
# (`requires_grad_(False)`): only the pixels of the image are optimised. The grader checks that its
# weights are the same after `transfer_style` as before.

# %%
class FeatureExtractor(nn.Module):
    """Maps images (N, 3, H, W) in [0, 1] to [f1 (N, 16, H, W), f2 (N, 32, H/2, W/2), f3 (N, 64, H/4, W/4)]."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)

    def forward(self, x):
        f1 = F.relu(self.conv1(x - 0.5))
        f2 = F.relu(self.conv2(F.avg_pool2d(f1, 2)))
        f3 = F.relu(self.conv3(F.avg_pool2d(f2, 2)))
        return [f1, f2, f3]


def build_extractor(seed):
    """A frozen random-weight FeatureExtractor on DEVICE: He-normal weights drawn with `seed`, zero biases."""
    torch.manual_seed(seed)
    model = FeatureExtractor()
    for conv in (model.conv1, model.conv2, model.conv3):
        nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
        nn.init.zeros_(conv.bias)
    return model.requires_grad_(False).eval().to(DEVICE)


CONTENT_LAYER = 1          # index of the content layer in the extractor's outputs (f2)

# %% [markdown]
# ## Part 3: optimising the pixels
#
# Start from the content image and minimise
#
# $$\mathcal L(x) = \mathcal L_c\big(F_2(x), F_2(c)\big) + w_{style} \sum_{l=1}^{3} \mathcal L_s\big(F_l(x), G(F_l(s))\big)$$
#
# over the **pixels** of $x$: the image is the only thing with `requires_grad=True`, and the only
# thing the optimiser gets. Compute the targets (content features, style Gram matrices) once, before
# the loop, without gradients. Use Adam on the image with learning rate `lr`, and after every step
# clamp the pixels back into [0, 1] in place (under `torch.no_grad()`), so the result is an image.
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
        extractor: the frozen network from build_extractor; returns a list of 3 feature maps (NCHW).
        content: torch.Tensor float32 (1, 3, H, W) (NCHW), the content image, values in [0, 1].
        style: torch.Tensor float32 (1, 3, Hs, Ws), the style image in [0, 1]; its size may differ.
        steps: int, number of Adam steps.
        seed: int; seeds any randomness (starting from the content image, the reference draws none).
        style_weight: float, w_style in the total loss.
        lr: float, Adam's learning rate (in pixel units).
    Returns:
        (image, losses): image a torch.Tensor float32 (1, 3, H, W), values in [0, 1], detached;
        losses a list of `steps` Python floats, the total loss of each step.
    """
    ### BEGIN SOLUTION (about 17 lines) Hint: targets under torch.no_grad(); image = content.clone().requires_grad_(True); torch.optim.Adam([image]); image.clamp_(0, 1) under no_grad after each step.
    torch.manual_seed(seed)
    content, style = content.to(DEVICE), style.to(DEVICE)
    with torch.no_grad():
        content_target = extractor(content)[CONTENT_LAYER]
        style_grams = [gram_matrix(f) for f in extractor(style)]
    image = content.clone().requires_grad_(True)    # the pixels are the parameters
    optimizer = torch.optim.Adam([image], lr=lr)
    losses = []
    for _ in range(steps):
        features = extractor(image)
        loss = content_loss(features[CONTENT_LAYER], content_target)
        loss = loss + style_weight * sum(style_loss(f, g) for f, g in zip(features, style_grams))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            image.clamp_(0.0, 1.0)                   # keep it an image
        losses.append(loss.item())
    return image.detach(), losses
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
    to_tensor = lambda im: torch.as_tensor(im.transpose(2, 0, 1)[None], device=DEVICE)
    image, losses = transfer_style(extractor, to_tensor(c), to_tensor(s), steps=200, seed=0)
    results.append(image.cpu().numpy()[0].transpose(1, 2, 0))
    curves[f"pair {i}"] = losses
plots.loss_curve(curves, title="total loss (log scale)")
plt.yscale("log")
plt.show()
plots.image_grid(np.stack(contents + styles + results), ncols=4, title="rows: content / style / result")
plt.show()
