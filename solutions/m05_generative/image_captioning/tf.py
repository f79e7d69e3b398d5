# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
#
# The data: 32x32 RGB scenes with one coloured shape and a templated caption such as
# "a small red disk on the left" (`fixtures.image_captioning`). The vocabulary has 20 tokens:
# `PAD = 0`, `BOS = 1` (begin of sentence), `EOS = 2` (end of sentence), then 17 words. A batch of
# captions is an integer tensor `(N, L)` of word ids, right-padded with `PAD`, without `BOS`/`EOS`.

# %% tags=["setup"]
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from fixtures.image_captioning import BOS, EOS, PAD, VOCAB_SIZE
from graders.notebook import checker

check = checker("image_captioning", "tf", globals())

# %% [markdown]
# ## Part 1: teacher forcing
#
# The decoder is trained to predict the next token from the tokens before it. With **teacher
# forcing** it is fed the *ground-truth* previous tokens (not its own predictions): the input
# sequence is the caption shifted right by one behind `BOS`, the target is the caption followed by
# `EOS`, and the padding stays padding. For the caption `a red disk` (`L = 5` columns):
#
# | position | 0 | 1 | 2 | 3 | 4 | 5 |
# |---|---|---|---|---|---|---|
# | caption | a | red | disk | pad | pad | |
# | inputs | **bos** | a | red | disk | pad | pad |
# | targets | a | red | disk | **eos** | pad | pad |
# | mask | 1 | 1 | 1 | 1 | 0 | 0 |
#
# The mask marks the positions whose target is a real token (the words and `EOS`); the loss ignores
# the others. `EOS` is a target only (the model must learn to stop), `BOS` an input only.

# %% tags=["solution"]
def teacher_forcing_batch(captions):
    """Decoder inputs, targets and padding mask for teacher forcing.

    Args:
        captions: tf.Tensor int64 (N, L) of word ids, each row one caption of 1..L words
            right-padded with PAD (0); no BOS or EOS.
    Returns:
        (inputs, targets, mask), each of shape (N, L + 1):
        inputs  int64: BOS, then the caption's words, then PAD;
        targets int64: the caption's words, then EOS, then PAD (inputs shifted left by one);
        mask    float32: 1.0 where targets is a word or EOS, 0.0 where it is PAD.
    """
    ### BEGIN SOLUTION (about 7 lines) Hint: lengths = count of non-PAD per row; tf.concat a BOS column in front; tf.one_hot(lengths, L + 1) marks where EOS goes.
    captions = tf.cast(captions, tf.int64)
    n, length = tf.shape(captions)[0], tf.shape(captions)[1]
    lengths = tf.reduce_sum(tf.cast(captions != PAD, tf.int32), axis=1)
    inputs = tf.concat([tf.fill([n, 1], tf.constant(BOS, tf.int64)), captions], axis=1)
    padded = tf.concat([captions, tf.fill([n, 1], tf.constant(PAD, tf.int64))], axis=1)
    eos_here = tf.one_hot(lengths, length + 1, dtype=tf.int64)          # 1 right after the last word
    targets = padded + EOS * eos_here                                   # that position held PAD (0)
    mask = tf.cast(targets != PAD, tf.float32)
    return inputs, targets, mask
    ### END SOLUTION


# %% tags=["check"]
check("teacher_forcing")

# %% [markdown]
# ## Part 2: the masked cross-entropy
#
# The decoder outputs logits `(N, T, V)`: one score per vocabulary token at every position. The loss
# is the cross-entropy of the target token, **averaged over the real tokens only**:
#
# $$\mathcal L = \frac{\sum_{n,t} m_{n,t}\,\big(-\log \operatorname{softmax}(z_{n,t})_{y_{n,t}}\big)}{\sum_{n,t} m_{n,t}}$$
#
# A plain mean over all positions would count the padding: short captions would weigh less than
# long ones, and the model would be rewarded for predicting `PAD` after `EOS`. Work from the logits
# (`keras.ops.sparse_categorical_crossentropy(..., from_logits=True)` applies a numerically stable
# log-softmax itself).

# %% tags=["solution"]
def masked_cross_entropy(logits, targets, mask):
    """Token-level cross-entropy averaged over the unmasked positions.

    Args:
        logits: tf.Tensor float32 (N, T, V), raw scores (not probabilities).
        targets: tf.Tensor int64 (N, T), token ids in [0, V).
        mask: tf.Tensor float32 (N, T), 1.0 for real tokens, 0.0 for padding; at least one 1.
    Returns:
        tf scalar float32: sum(mask * CE) / sum(mask), differentiable with respect to logits.
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: keras.ops.sparse_categorical_crossentropy(targets, logits, from_logits=True) gives (N, T).
    ce = keras.ops.sparse_categorical_crossentropy(targets, logits, from_logits=True)   # (N, T)
    mask = keras.ops.cast(mask, ce.dtype)
    return keras.ops.sum(ce * mask) / keras.ops.sum(mask)
    ### END SOLUTION


# %% tags=["check"]
check("loss")

# %% [markdown]
# ## Part 3: the captioner and greedy decoding
#
# **Encoder**: a small CNN turns the image `(N, 32, 32, 3)` into a feature vector:
# three `Conv2D(..., 3, strides=2, padding="same", activation="relu")` layers with 16, 32 and 32
# channels (32 -> 16 -> 8 -> 4), `Flatten`, then `Dense(128)`.
#
# **Decoder**: `Embedding(vocab_size, 32)` for the input tokens; the image feature is concatenated
# to the embedding of **every** input token ("par-inject"), so the LSTM (`LSTM(64,
# return_sequences=True)`) sees the image at each step; `Dense(vocab_size)` gives the logits.
# (Setting the LSTM's initial state from the image, "init-inject" as in Show and Tell, works too but
# learns more slowly in this small budget.)
#
# The model takes a list `[images, tokens]`; the number of tokens `T` may vary from call to call
# (declare `keras.Input(shape=(None,), dtype="int32")`). `RepeatOverTime` below repeats the image
# feature along the token axis.
#
# **Greedy decoding** starts from `BOS` and appends, at each step, the most probable next token
# (`argmax` of the last position's logits) until `max_len` tokens are produced. Everything after the
# first `EOS` is set to `PAD`. Decoding is deterministic: no sampling.
#
# What the grader checks here: at most 250,000 parameters, the same seed gives the same weights, and
# the decoding rules. An untrained model hardly ever emits `EOS`, so to exercise "`PAD` after `EOS`"
# the grader adds 100 to the `EOS` entry of the output layer's bias (the last weight vector of size
# `vocab_size`, set through the model's weights) and expects `EOS` first, then only `PAD`.

# %% tags=["solution"]
class RepeatOverTime(keras.layers.Layer):
    """[features (N, F), tokens (N, T)] -> features repeated over the tokens' time axis, (N, T, F)."""

    def call(self, inputs):
        features, tokens = inputs
        steps = keras.ops.shape(tokens)[1]
        return keras.ops.repeat(keras.ops.expand_dims(features, 1), steps, axis=1)


def build_captioner(vocab_size, seed):
    """A freshly initialised CNN encoder + LSTM decoder.

    Args:
        vocab_size: int, number of tokens (20 here, PAD/BOS/EOS included).
        seed: int; the same seed gives the same initial weights.
    Returns:
        keras.Model: model([images (N, 32, 32, 3) float32 NHWC in [0, 1], tokens (N, T) int])
        -> logits (N, T, vocab_size) float32, the scores of the next token at every position.
    """
    ### BEGIN SOLUTION (about 14 lines) Hint: keras.utils.set_random_seed, then the functional API with two keras.Input; layers.Concatenate()([embedded, repeated]).
    keras.utils.set_random_seed(seed)
    images = keras.Input(shape=(32, 32, 3))
    tokens = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(images)   # (N, 16, 16, 16)
    x = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)        # (N, 8, 8, 32)
    x = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)        # (N, 4, 4, 32)
    features = keras.layers.Dense(128)(keras.layers.Flatten()(x))                          # (N, 128)
    embedded = keras.layers.Embedding(vocab_size, 32)(tokens)                             # (N, T, 32)
    x = keras.layers.Concatenate()([embedded, RepeatOverTime()([features, tokens])])      # (N, T, 160)
    x = keras.layers.LSTM(64, return_sequences=True)(x)                                   # (N, T, 64)
    logits = keras.layers.Dense(vocab_size)(x)                                            # (N, T, V)
    return keras.Model([images, tokens], logits, name="captioner")
    ### END SOLUTION


def greedy_decode(model, images, max_len):
    """Caption images greedily.

    Args:
        model: the keras.Model from build_captioner.
        images: tf.Tensor float32 (N, 32, 32, 3) (NHWC), values in [0, 1].
        max_len: int, number of tokens to generate.
    Returns:
        tf.Tensor int64 (N, max_len): the generated tokens (without the leading BOS), each the
        argmax of the logits given the tokens before it; every position after the first EOS is PAD.
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: start with a (N, 1) column of BOS; model([images, tokens], training=False)[:, -1]; argmax; tf.concat.
    tokens = tf.fill([tf.shape(images)[0], 1], tf.constant(BOS, tf.int64))
    for _ in range(max_len):
        # Re-running the whole prefix keeps this short; a production decoder carries the LSTM state.
        logits = model([images, tokens], training=False)[:, -1]
        tokens = tf.concat([tokens, tf.argmax(logits, axis=-1)[:, None]], axis=1)
    out = tokens[:, 1:]
    is_eos = tf.cast(out == EOS, tf.int32)
    after_eos = tf.cumsum(is_eos, axis=1) - is_eos > 0   # strictly after the first EOS
    return tf.where(after_eos, tf.constant(PAD, tf.int64), out)
    ### END SOLUTION


# %% tags=["check"]
check("model")

# %% [markdown]
# ## Part 4: training
#
# Each step: sample a minibatch of images and captions, build the teacher-forcing inputs, targets
# and mask (Part 1), run the model on `[images, inputs]` and minimise the masked cross-entropy
# (Part 2) with Adam (learning rate 5e-3, batch size 32). A few hundred steps are enough. Wrap the
# gradient step in `tf.function`: it runs several times faster than eagerly.
#
# The grader trains your model with your function, captions scenes it has never seen with your
# `greedy_decode`, and measures the **exact-match rate** (the whole caption right) and the corpus
# **BLEU-4** against the true captions. As a control it also scores your captions against the
# captions of *other* images (shuffled): a model that ignores the image scores the same on both.
#
# Limits the grader enforces: `train_captioner(..., steps=250)` must take exactly 250 optimizer
# steps (the grader counts them; `steps` counts minibatches, not epochs). The losses you return are
# checked for format only (one float per step); the points go to what the grader measures itself:
# the weights change, and 1 − BLEU-4 of the held-out captions falls below 0.7 times its value before
# training.
# The captions must come from the trained weights: the grader shuffles the values inside every
# weight tensor and decodes again, and BLEU-4 must then fall to 0.25 or less (the reference falls to
# about 0). An exact-match rate above 90% on held-out scenes is far beyond what a model of this size
# reaches in 250 steps (the references reach 42–71%) and is reported as not coming from the model.

# %% tags=["solution"]
def train_captioner(model, images, captions, steps, seed, batch_size=32, lr=5e-3):
    """Train `model` in place with teacher forcing.

    Args:
        model: the keras.Model from build_captioner.
        images: tf.Tensor float32 (N, 32, 32, 3) (NHWC), values in [0, 1].
        captions: tf.Tensor int64 (N, L) word ids right-padded with PAD (no BOS/EOS).
        steps: int, number of optimiser steps (one minibatch each).
        seed: int; fixes the minibatches.
        batch_size, lr: minibatch size and Adam learning rate.
    Returns:
        list of `steps` Python floats: the masked cross-entropy of each step.
    """
    ### BEGIN SOLUTION (about 15 lines) Hint: tf.GradientTape inside a @tf.function step; numpy default_rng(seed) for the indices.
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(autograph=False)  # a plain step: no Python control flow to convert
    def train_step(batch_images, batch_captions):
        inputs, targets, mask = teacher_forcing_batch(batch_captions)
        with tf.GradientTape() as tape:
            loss = masked_cross_entropy(model([batch_images, inputs], training=True), targets, mask)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.integers(0, images.shape[0], batch_size)
        losses.append(float(train_step(tf.gather(images, idx), tf.gather(captions, idx))))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("train")

# %% [markdown]
# ## See it work
#
# Train on 1024 scenes, then caption scenes the model has never seen. Most captions come out right;
# the mistakes are mostly the shape or the size of small objects, the hardest things to see in
# 32x32 pixels after a few seconds of training.

# %% tags=["demo"]
from fixtures import image_captioning as data
from graders import plots

train = data.scenes(1024, seed=0)
test = data.scenes(200, seed=1)
model = build_captioner(VOCAB_SIZE, seed=0)
losses = train_captioner(model, tf.convert_to_tensor(train.images), tf.convert_to_tensor(train.captions),
                         steps=300, seed=0)
generated = data.decode(np.asarray(greedy_decode(model, tf.convert_to_tensor(test.images), max_len=9)))
exact = np.mean([g == t for g, t in zip(generated, test.texts)])
bleu = data.corpus_bleu([g.split() for g in generated], [t.split() for t in test.texts])
print(f"held-out exact match {exact:.2f}, BLEU-4 {bleu:.3f}")
for g, t in list(zip(generated, test.texts))[:8]:
    print(f"{'OK ' if g == t else 'BAD'} generated: {g:<34} true: {t}")
plots.loss_curve({"masked cross-entropy": losses}, smooth=10)
plt.show()
plots.image_grid(test.images[:8], ncols=8, title="the first 8 held-out scenes (captions above)")
plt.show()
