# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
# Models and tensors live on `DEVICE` (the GPU when there is one).
#
# The data: 24x24 RGB scenes, one shape each (square, disk or triangle) in one of six colours, small
# or large, with captions such as "a small red disk" given as token ids over a 22-token vocabulary
# (`itc.VOCAB`, id 0 is padding at the end of each row).

# %% tags=["setup"]
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from fixtures import image_text_contrastive as itc
from graders.notebook import checker

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
EMBED_DIM = 32  # the shared embedding space
check = checker("image_text_contrastive", "torch", globals())

# %% [markdown]
# ## Part 1: the symmetric InfoNCE loss
#
# A batch holds $N$ matching pairs: image $i$ goes with caption $i$. L2-normalise both sets of
# embeddings, so that their dot products are cosine similarities, and divide by the temperature
# $\tau$ to get an $N \times N$ matrix of logits, $s_{ij} = \hat u_i^\top \hat v_j / \tau$. Row $i$ is
# a classification problem "which of the $N$ captions goes with image $i$?" whose answer is $i$; column
# $j$ is "which image goes with caption $j$?". The CLIP loss is the mean of both cross-entropies:
#
# $$\mathcal L = \frac12\Big[\frac1N\sum_i -\log\frac{e^{s_{ii}}}{\sum_j e^{s_{ij}}}
#   + \frac1N\sum_j -\log\frac{e^{s_{jj}}}{\sum_i e^{s_{ij}}}\Big]$$
#
# The other $N - 1$ captions of the batch are the negatives: no labels are needed beyond the pairing.

# %% tags=["solution"]
def info_nce(image_emb, text_emb, temperature):
    """Symmetric InfoNCE (CLIP) loss of a batch of matching image-text pairs.

    Args:
        image_emb: torch.Tensor float32 (N, D), image embeddings (any norm); row i matches text row i.
        text_emb: torch.Tensor float32 (N, D), text embeddings (any norm).
        temperature: float > 0; the cosine similarities are divided by it.
    Returns:
        torch.Tensor float32 of shape () (a scalar that can be back-propagated): the mean of the
        image->text and text->image cross-entropies over the (N, N) logits, >= 0.
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: F.normalize(..., dim=-1), a matrix product, F.cross_entropy on the logits and on their transpose.
    image_emb = F.normalize(image_emb, dim=-1)
    text_emb = F.normalize(text_emb, dim=-1)
    logits = image_emb @ text_emb.T / temperature  # (N, N): row i = image i against every caption
    targets = torch.arange(len(logits), device=logits.device)
    return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2
    ### END SOLUTION


# %% tags=["check"]
check("info_nce")

# %% [markdown]
# ## Part 2: the two encoders
#
# A dual encoder maps images and captions into the same `embed_dim`-dimensional space, each output
# L2-normalised (unit length), so a dot product of an image and a caption embedding is their cosine
# similarity.
#
# - **image encoder**: three `Conv2d(..., 3, padding=1)` + ReLU blocks with 16, 32 and 32 channels, the
#   first two followed by `MaxPool2d(2)`; then a global max pool over the positions (the shape may be
#   anywhere), a `Linear(32, embed_dim)` and the L2 normalisation.
# - **text encoder**: a bag of words: the mean of 32-dimensional word embeddings over the caption's
#   real tokens (**not** over the padding, or the same caption padded to another length would get
#   another embedding), then `Linear(32, embed_dim)` and the L2 normalisation.
#   `nn.EmbeddingBag(vocab_size, 32, mode="mean", padding_idx=0)` does the masked mean in one layer.

# %% tags=["solution"]
class ImageEncoder(nn.Module):
    """forward(x): x float32 (N, 3, H, W) (NCHW), H and W multiples of 4 (24 here), values in [0, 1].
    Returns float32 (N, embed_dim), every row of unit L2 norm."""

    def __init__(self, embed_dim):
        super().__init__()
        ### BEGIN SOLUTION (about 8 lines) Hint: nn.Sequential of Conv2d, ReLU, MaxPool2d, then nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear.
        self.net = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),    # (N, 16, H/2, W/2)
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # (N, 32, H/4, W/4)
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
            nn.AdaptiveMaxPool2d(1), nn.Flatten(),                         # (N, 32): where the shape is does not matter
            nn.Linear(32, embed_dim),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION (about 1 line)
        return F.normalize(self.net(x), dim=-1)
        ### END SOLUTION


class TextEncoder(nn.Module):
    """forward(tokens): tokens int64 (N, L), ids in [0, vocab_size), 0 = padding (at the end of a row).
    Returns float32 (N, embed_dim), every row of unit L2 norm; extra padding changes nothing."""

    def __init__(self, vocab_size, embed_dim):
        super().__init__()
        ### BEGIN SOLUTION (about 2 lines) Hint: nn.EmbeddingBag(..., mode="mean", padding_idx=0) leaves the padding out of the mean.
        self.embed = nn.EmbeddingBag(vocab_size, 32, mode="mean", padding_idx=0)  # (N, L) -> (N, 32)
        self.proj = nn.Linear(32, embed_dim)
        ### END SOLUTION

    def forward(self, tokens):
        ### BEGIN SOLUTION (about 1 line)
        return F.normalize(self.proj(self.embed(tokens)), dim=-1)
        ### END SOLUTION


def build_image_encoder(embed_dim, seed):
    """A freshly initialised ImageEncoder(embed_dim) on DEVICE; the same seed gives the same weights."""
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.manual_seed before creating the layers.
    torch.manual_seed(seed)
    return ImageEncoder(embed_dim).to(DEVICE)
    ### END SOLUTION


def build_text_encoder(vocab_size, embed_dim, seed):
    """A freshly initialised TextEncoder(vocab_size, embed_dim) on DEVICE; the same seed gives the same weights."""
    ### BEGIN SOLUTION (about 2 lines)
    torch.manual_seed(seed)
    return TextEncoder(vocab_size, embed_dim).to(DEVICE)
    ### END SOLUTION


# %% tags=["check"]
check("encoders")

# %% [markdown]
# ## Part 3: contrastive training
#
# Each step: draw a minibatch of `batch_size` distinct pairs, encode the images and the captions, and
# take an Adam step on `info_nce` with respect to the parameters of **both** encoders. Adam with
# learning rate 3e-3, batch size 32 and temperature 0.1 train these encoders in about 150
# steps.
#
# The grader trains your encoders with your function on scenes of 33 of the 36 colour-shape-size
# combinations, then measures on new scenes: image-to-caption retrieval (recall@1 among 32 distinct
# captions; chance is 1/32) and zero-shot shape classification with prompts in templates no training
# caption used ("a photo of a {shape}", ...).
#
# Limits the grader enforces: `train_clip(..., steps=150)` must take exactly 150 optimizer steps (the
# grader counts them; `steps` counts minibatches, not epochs), each encoder has at most 50,000
# parameters, and the losses you return are checked for format only (one float per step): the points
# go to what the grader measures itself on new scenes, the InfoNCE (which must fall below 0.4 times
# its value before training), recall@1 and zero-shot accuracy. The embeddings must come from the
# trained weights: the grader shuffles the values inside every weight tensor of both encoders, and
# recall@1 must then fall to 0.25 or less (the reference falls to chance, 0.03). A perfect recall@1
# on all 96 new scenes is beyond encoders of this size and budget (the references reach 0.80–0.96)
# and is reported as not coming from them.

# %% tags=["solution"]
def train_clip(image_encoder, text_encoder, images, tokens, steps, seed, temperature=0.1, batch_size=32, lr=3e-3):
    """Train both encoders in place with the symmetric InfoNCE loss.

    Args:
        image_encoder, text_encoder: the modules from build_image_encoder and build_text_encoder.
        images: torch.Tensor float32 (N, 3, H, W) (NCHW), values in [0, 1].
        tokens: torch.Tensor int64 (N, L), the caption of each image (row i describes image i).
        steps: int, number of optimiser steps (one minibatch of distinct pairs each).
        seed: int; fixes the minibatches.
        temperature, batch_size, lr: InfoNCE temperature, pairs per minibatch, Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss of each step.
    """
    ### BEGIN SOLUTION (about 12 lines) Hint: one Adam over list(image_encoder.parameters()) + list(text_encoder.parameters()); rng.choice(N, batch_size, replace=False).
    rng = np.random.default_rng(seed)
    images, tokens = images.to(DEVICE), tokens.to(DEVICE)
    params = list(image_encoder.parameters()) + list(text_encoder.parameters())
    optimizer = torch.optim.Adam(params, lr=lr)
    image_encoder.train()
    text_encoder.train()
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.choice(len(images), batch_size, replace=False), device=DEVICE)
        loss = info_nce(image_encoder(images[idx]), text_encoder(tokens[idx]), temperature)  # the SAME idx for both
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## Part 4: zero-shot classification
#
# A contrastive model classifies images into classes it was never trained on as classes: write one
# caption ("prompt") per class, encode it, and pick for every image the class whose prompt embedding
# is the most similar. CLIP averages several prompts per class (*prompt ensembling*: "a photo of a
# {shape}", "the {shape}", ...): average the unit-length embeddings of a class's prompts, then
# **normalise the average again** (a mean of unit vectors is shorter than 1, the more so the more the
# prompts disagree), and compare by cosine similarity.

# %% tags=["solution"]
def zero_shot_classify(image_encoder, text_encoder, images, class_prompts):
    """Zero-shot classification with prompt ensembling.

    Args:
        image_encoder, text_encoder: encoders as from Part 2 (trained or not).
        images: torch.Tensor float32 (N, 3, H, W) (NCHW), values in [0, 1].
        class_prompts: torch.Tensor int64 (K, P, L): P prompts (token ids, 0 = padding) for each of K classes.
    Returns:
        torch.Tensor int64 (N,), values in [0, K): the class whose averaged and re-normalised prompt
        embedding has the highest cosine similarity with each image's embedding.
    """
    ### BEGIN SOLUTION (about 8 lines) Hint: encode the (K * P, L) prompts in one batch, reshape to (K, P, D), mean over P, F.normalize, argmax over classes.
    k, p, length = class_prompts.shape
    image_encoder.eval()
    text_encoder.eval()
    with torch.no_grad():
        image_emb = F.normalize(image_encoder(images.to(DEVICE)), dim=-1)                   # (N, D)
        prompt_emb = text_encoder(class_prompts.to(DEVICE).reshape(k * p, length))          # (K * P, D)
        class_emb = F.normalize(F.normalize(prompt_emb, dim=-1).reshape(k, p, -1).mean(1), dim=-1)  # (K, D)
        return (image_emb @ class_emb.T).argmax(dim=1)
    ### END SOLUTION


# %% tags=["check"]
check("zero_shot")

# %% [markdown]
# ## See it work
#
# Train on scenes of the training combinations, then retrieve captions for new scenes and classify
# new scenes by shape with prompts the model never saw. Scenes of the three colour-shape pairs that
# training never showed (red triangles, green squares, blue disks) are much harder than new scenes of
# seen pairs: the model partly learned "red means square or disk". Compositional generalisation is
# where small contrastive models (and large ones: see Winoground) are weakest.

# %% tags=["demo"]
from graders import plots

train_images, train_tokens, _ = itc.dataset(512, seed=0, split="train")
image_encoder = build_image_encoder(EMBED_DIM, seed=0)
text_encoder = build_text_encoder(itc.VOCAB_SIZE, EMBED_DIM, seed=0)
losses = train_clip(image_encoder, text_encoder, torch.as_tensor(train_images).permute(0, 3, 1, 2),
                    torch.as_tensor(train_tokens), steps=150, seed=0)

# Retrieval: 32 new scenes of 32 distinct combinations, each against all 32 captions.
test_images, test_tokens, _ = itc.distinct(32, seed=1)
image_encoder.eval()
text_encoder.eval()
with torch.no_grad():
    u = image_encoder(torch.as_tensor(test_images, device=DEVICE).permute(0, 3, 1, 2))
    v = text_encoder(torch.as_tensor(test_tokens, device=DEVICE))
    best = (u @ v.T).argmax(1).cpu().numpy()
print(f"image->text recall@1: {np.mean(best == np.arange(32)):.2f} (chance 1/32 = 0.03)")
for caption, retrieved in list(zip(itc.decode(test_tokens), itc.decode(test_tokens[best])))[:8]:
    print(f"{caption:>24} -> {retrieved}")

# Zero-shot shape classification of new scenes: seen colour-shape pairs, then held-out pairs.
seen_images, _, seen_attrs = itc.dataset(200, seed=3, split="train")
zs_images, _, zs_attrs = itc.dataset(200, seed=2, split="heldout")
prompts = torch.as_tensor(itc.prompts())
seen = zero_shot_classify(image_encoder, text_encoder, torch.as_tensor(seen_images).permute(0, 3, 1, 2), prompts).cpu().numpy()
print(f"zero-shot shape accuracy on new scenes of seen colour-shape pairs: {np.mean(seen == seen_attrs[:, 0]):.2f} (chance 0.33)")
pred = zero_shot_classify(image_encoder, text_encoder, torch.as_tensor(zs_images).permute(0, 3, 1, 2), prompts).cpu().numpy()
print(f"zero-shot shape accuracy on scenes of held-out colour-shape pairs: {np.mean(pred == zs_attrs[:, 0]):.2f} (chance 0.33)")
print("held-out pairs, first 8:", [f"{itc.COLOURS[c]} {itc.SHAPES[s]} -> {itc.SHAPES[p]}" for (s, c, _), p in zip(zs_attrs[:8], pred)])

plots.loss_curve({"InfoNCE": losses}, smooth=10)
plt.show()
plots.image_grid(np.concatenate([test_images[:8], zs_images[:8]]), ncols=8,
                 title="top: retrieval queries / bottom: held-out colour-shape pairs")
plt.show()
