# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
#
# The data: 24x24 RGB scenes, one shape each (square, disk or triangle) in one of six colours, small
# or large, with captions such as "a small red disk" given as token ids over a 22-token vocabulary
# (`itc.VOCAB`, id 0 is padding at the end of each row).

# %% tags=["setup"]
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from fixtures import image_text_contrastive as itc
from graders.notebook import checker

EMBED_DIM = 32  # the shared embedding space
check = checker("image_text_contrastive", "tf", globals())

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
        image_emb: tf.Tensor float32 (N, D), image embeddings (any norm); row i matches text row i.
        text_emb: tf.Tensor float32 (N, D), text embeddings (any norm).
        temperature: float > 0; the cosine similarities are divided by it.
    Returns:
        tf.Tensor float32 of shape () (a scalar that can be differentiated): the mean of the
        image->text and text->image cross-entropies over the (N, N) logits, >= 0.
    """
    ### BEGIN SOLUTION (about 6 lines) Hint: keras.ops.normalize(..., axis=-1), keras.ops.matmul, keras.losses.sparse_categorical_crossentropy(..., from_logits=True) on the logits and their transpose.
    image_emb = keras.ops.normalize(image_emb, axis=-1)
    text_emb = keras.ops.normalize(text_emb, axis=-1)
    logits = keras.ops.matmul(image_emb, keras.ops.transpose(text_emb)) / temperature  # (N, N)
    targets = keras.ops.arange(keras.ops.shape(logits)[0])
    image_to_text = keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True)
    text_to_image = keras.losses.sparse_categorical_crossentropy(targets, keras.ops.transpose(logits), from_logits=True)
    return (keras.ops.mean(image_to_text) + keras.ops.mean(text_to_image)) / 2
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
# - **image encoder**: three `Conv2D(..., 3, padding="same", activation="relu")` layers with 16, 32 and
#   32 filters, the first two followed by `MaxPooling2D(2)`; then a global max pool over the positions
#   (the shape may be anywhere), a `Dense(embed_dim)` and the L2 normalisation
#   (`keras.layers.UnitNormalization()`). Declare the input as `keras.Input(shape=(None, None, 3))`.
# - **text encoder**: a bag of words: the mean of 32-dimensional word embeddings over the caption's
#   real tokens (**not** over the padding, or the same caption padded to another length would get
#   another embedding), then `Dense(embed_dim)` and the L2 normalisation. An
#   `Embedding(vocab_size, 32, mask_zero=True)` passes a padding mask on to
#   `GlobalAveragePooling1D()`, which then averages over the real tokens only. Declare the input as
#   `keras.Input(shape=(None,), dtype="int64")`.

# %% tags=["solution"]
def build_image_encoder(embed_dim, seed):
    """A freshly initialised image encoder; the same seed gives the same weights.

    Returns:
        keras.Model mapping float32 images (N, H, W, 3) (NHWC), H and W multiples of 4 (24 here), values
        in [0, 1], to float32 (N, embed_dim), every row of unit L2 norm.
    """
    ### BEGIN SOLUTION (about 11 lines) Hint: keras.utils.set_random_seed, then keras.Sequential; GlobalMaxPooling2D, Dense, UnitNormalization.
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None, None, 3)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),                                      # (N, H/2, W/2, 16)
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),                                      # (N, H/4, W/4, 32)
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.GlobalMaxPooling2D(),                                 # (N, 32): position does not matter
        keras.layers.Dense(embed_dim),
        keras.layers.UnitNormalization(axis=-1),
    ], name="image_encoder")
    ### END SOLUTION


def build_text_encoder(vocab_size, embed_dim, seed):
    """A freshly initialised bag-of-words text encoder; the same seed gives the same weights.

    Returns:
        keras.Model mapping int64 token ids (N, L), values in [0, vocab_size), 0 = padding (at the end of
        a row), to float32 (N, embed_dim), every row of unit L2 norm; extra padding changes nothing.
    """
    ### BEGIN SOLUTION (about 8 lines) Hint: Embedding(..., mask_zero=True) then GlobalAveragePooling1D() averages over the real tokens only.
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(vocab_size, 32, mask_zero=True),           # (N, L, 32) and a padding mask
        keras.layers.GlobalAveragePooling1D(),                             # (N, 32): masked mean
        keras.layers.Dense(embed_dim),
        keras.layers.UnitNormalization(axis=-1),
    ], name="text_encoder")
    ### END SOLUTION


# %% tags=["check"]
check("encoders")

# %% [markdown]
# ## Part 3: contrastive training
#
# Each step: draw a minibatch of `batch_size` distinct pairs, encode the images and the captions, and
# take an Adam step on `info_nce` with respect to the trainable variables of **both** encoders. Adam
# with learning rate 3e-3, batch size 32 and temperature 0.1 train these encoders in about 150
# steps. Wrap the gradient step in `tf.function`: it runs several times faster than eagerly.
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
        image_encoder, text_encoder: the keras.Models from build_image_encoder and build_text_encoder.
        images: tf.Tensor float32 (N, H, W, 3) (NHWC), values in [0, 1].
        tokens: tf.Tensor int64 (N, L), the caption of each image (row i describes image i).
        steps: int, number of optimiser steps (one minibatch of distinct pairs each).
        seed: int; fixes the minibatches.
        temperature, batch_size, lr: InfoNCE temperature, pairs per minibatch, Adam learning rate.
    Returns:
        list of `steps` Python floats: the training loss of each step.
    """
    ### BEGIN SOLUTION (about 16 lines) Hint: tf.GradientTape inside a @tf.function step over the variables of BOTH encoders; rng.choice(N, batch_size, replace=False).
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    variables = image_encoder.trainable_variables + text_encoder.trainable_variables

    @tf.function(autograph=False)  # a plain step: no Python control flow to convert
    def train_step(batch_images, batch_tokens):
        with tf.GradientTape() as tape:
            loss = info_nce(image_encoder(batch_images, training=True), text_encoder(batch_tokens, training=True),
                            temperature)
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.choice(images.shape[0], batch_size, replace=False)
        losses.append(float(train_step(tf.gather(images, idx), tf.gather(tokens, idx))))  # the SAME idx for both
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
        images: tf.Tensor float32 (N, H, W, 3) (NHWC), values in [0, 1].
        class_prompts: tf.Tensor int64 (K, P, L): P prompts (token ids, 0 = padding) for each of K classes.
    Returns:
        tf.Tensor int64 (N,), values in [0, K): the class whose averaged and re-normalised prompt
        embedding has the highest cosine similarity with each image's embedding.
    """
    ### BEGIN SOLUTION (about 7 lines) Hint: encode the (K * P, L) prompts in one batch, reshape to (K, P, D), mean over P, keras.ops.normalize, argmax over classes.
    k, p, length = class_prompts.shape
    image_emb = keras.ops.normalize(image_encoder(images, training=False), axis=-1)              # (N, D)
    prompt_emb = text_encoder(keras.ops.reshape(class_prompts, (k * p, length)), training=False)  # (K * P, D)
    prompt_emb = keras.ops.reshape(keras.ops.normalize(prompt_emb, axis=-1), (k, p, -1))
    class_emb = keras.ops.normalize(keras.ops.mean(prompt_emb, axis=1), axis=-1)                 # (K, D)
    scores = keras.ops.matmul(image_emb, keras.ops.transpose(class_emb))                         # (N, K)
    return keras.ops.cast(keras.ops.argmax(scores, axis=1), "int64")
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
losses = train_clip(image_encoder, text_encoder, tf.convert_to_tensor(train_images),
                    tf.convert_to_tensor(train_tokens), steps=150, seed=0)

# Retrieval: 32 new scenes of 32 distinct combinations, each against all 32 captions.
test_images, test_tokens, _ = itc.distinct(32, seed=1)
u = np.asarray(image_encoder(test_images, training=False))
v = np.asarray(text_encoder(test_tokens, training=False))
best = (u @ v.T).argmax(1)
print(f"image->text recall@1: {np.mean(best == np.arange(32)):.2f} (chance 1/32 = 0.03)")
for caption, retrieved in list(zip(itc.decode(test_tokens), itc.decode(test_tokens[best])))[:8]:
    print(f"{caption:>24} -> {retrieved}")

# Zero-shot shape classification of new scenes: seen colour-shape pairs, then held-out pairs.
seen_images, _, seen_attrs = itc.dataset(200, seed=3, split="train")
zs_images, _, zs_attrs = itc.dataset(200, seed=2, split="heldout")
prompts = tf.convert_to_tensor(itc.prompts())
seen = np.asarray(zero_shot_classify(image_encoder, text_encoder, tf.convert_to_tensor(seen_images), prompts))
print(f"zero-shot shape accuracy on new scenes of seen colour-shape pairs: {np.mean(seen == seen_attrs[:, 0]):.2f} (chance 0.33)")
pred = np.asarray(zero_shot_classify(image_encoder, text_encoder, tf.convert_to_tensor(zs_images), prompts))
print(f"zero-shot shape accuracy on scenes of held-out colour-shape pairs: {np.mean(pred == zs_attrs[:, 0]):.2f} (chance 0.33)")
print("held-out pairs, first 8:", [f"{itc.COLOURS[c]} {itc.SHAPES[s]} -> {itc.SHAPES[p]}" for (s, c, _), p in zip(zs_attrs[:8], pred)])

plots.loss_curve({"InfoNCE": losses}, smooth=10)
plt.show()
plots.image_grid(np.concatenate([test_images[:8], zs_images[:8]]), ncols=8,
                 title="top: retrieval queries / bottom: held-out colour-shape pairs")
plt.show()
