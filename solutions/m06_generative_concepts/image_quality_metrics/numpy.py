# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.

# %% tags=["setup"]
import matplotlib.pyplot as plt
import numpy as np

from graders.notebook import checker

check = checker("image_quality_metrics", "numpy", globals())

# %% [markdown]
# **Write each metric yourself.** NumPy, SciPy's filters (`scipy.ndimage`) and OpenCV's filters
# (`cv2.filter2D`, `cv2.GaussianBlur`) are fine. Library implementations of the metrics are the
# answer and fail the part that calls them: `graders.metrics`, `skimage.metrics`, `torchmetrics`,
# `cv2.PSNR`, `tf.image.psnr` / `tf.image.ssim` and `scipy.stats.entropy` (the grader watches which
# functions your code calls, however they are imported).
#
# ## Part 1: PSNR
#
# Compute the MSE in floating point and compare it with the square of `data_range`. Two classic
# bugs: subtracting two `uint8` images (the difference wraps around: `np.uint8(3) - np.uint8(5)`
# is 254), and using `data_range = 1` (or the image's own maximum) for images in 0..255.

# %% tags=["solution"]
def psnr(x, y, data_range):
    """Peak signal-to-noise ratio of ``x`` against ``y``, in dB.

    Args:
        x, y: np.ndarray of the same shape, any shape (one image (H, W) or (H, W, C), or a batch
            (N, H, W, C)); any numeric dtype (float or uint8). The MSE runs over all values.
        data_range: float, the range the pixel values can take: 1.0 for floats in [0, 1],
            255 for 8-bit images, 2.0 for floats in [-1, 1].
    Returns:
        float: 10 * log10(data_range**2 / MSE); float("inf") when the images are identical.
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: cast to float64 before subtracting; np.log10.
    diff = np.asarray(x, np.float64) - np.asarray(y, np.float64)
    mse = np.mean(diff**2)
    if mse == 0:
        return float("inf")
    return float(10 * np.log10(data_range**2 / mse))
    ### END SOLUTION


# %% tags=["check"]
check("psnr")

# %% [markdown]
# ## Part 2: SSIM
#
# Build the 11 x 11 Gaussian window (sigma 1.5, weights summing to 1) as the outer product of a 1-D
# kernel, filter the five maps $x$, $y$, $x^2$, $y^2$, $xy$ with it keeping only the *valid*
# positions (an output of size (H - 10, W - 10)), form the SSIM map and average it. Colour images:
# average the SSIMs of the channels. Cast to float64 first: `x * x` on uint8 wraps around too. You
# may write the filter with `np.lib.stride_tricks.sliding_window_view`, or use `scipy.ndimage` /
# `cv2` and crop the border.

# %% tags=["solution"]
def gaussian_kernel_1d(size=11, sigma=1.5):
    """1-D Gaussian weights: np.ndarray float64, shape (size,), centred, summing to 1."""
    ### BEGIN SOLUTION (about 3 lines) Hint: offsets np.arange(size) - (size - 1) / 2.
    r = np.arange(size, dtype=np.float64) - (size - 1) / 2
    g = np.exp(-(r**2) / (2 * sigma**2))
    return g / g.sum()
    ### END SOLUTION


def filter_valid(a, g):
    """Separable 'valid' filtering of a 2-D array with the 1-D kernel ``g`` along both axes.

    Args:
        a: np.ndarray float64, shape (H, W).
        g: np.ndarray float64, shape (k,).
    Returns:
        np.ndarray float64, shape (H - k + 1, W - k + 1): at (i, j) the weighted mean of the window
        a[i:i+k, j:j+k] with weights g[u] * g[v].
    """
    ### BEGIN SOLUTION (about 3 lines) Hint: sliding_window_view(a, k, axis=0) @ g, then along axis 1.
    from numpy.lib.stride_tricks import sliding_window_view

    a = sliding_window_view(a, len(g), axis=0) @ g
    return sliding_window_view(a, len(g), axis=1) @ g
    ### END SOLUTION


def ssim(x, y, data_range):
    """Structural similarity of ``x`` and ``y`` (Wang et al. 2004).

    Gaussian window 11 x 11 with sigma 1.5, K1 = 0.01, K2 = 0.03, population (not N-1) variances,
    SSIM map averaged over the valid window positions; the same definition as scikit-image
    (gaussian_weights=True, sigma=1.5, use_sample_covariance=False) and tf.image.ssim.

    Args:
        x, y: np.ndarray of the same shape, (H, W) grey or (H, W, C) colour (NHWC without the
            batch axis), H and W at least 11; any numeric dtype (float or uint8).
        data_range: float, the range the pixel values can take (1.0 for [0, 1], 255 for uint8).
    Returns:
        float in [-1, 1]: the mean SSIM (over the valid positions, then over the channels);
        1.0 for identical images.
    """
    ### BEGIN SOLUTION (about 14 lines) Hint: C1 = (0.01 * data_range) ** 2; loop over the channels.
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    if x.ndim == 2:
        x, y = x[..., None], y[..., None]
    g = gaussian_kernel_1d(11, 1.5)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    values = []
    for c in range(x.shape[-1]):
        a, b = x[..., c], y[..., c]
        mu_a, mu_b = filter_valid(a, g), filter_valid(b, g)
        var_a = filter_valid(a * a, g) - mu_a**2
        var_b = filter_valid(b * b, g) - mu_b**2
        cov = filter_valid(a * b, g) - mu_a * mu_b
        s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
        values.append(s.mean())
    return float(np.mean(values))
    ### END SOLUTION


# %% tags=["check"]
check("ssim")

# %% [markdown]
# How do the two metrics react to noise? And do they agree on *which* distortion is worse? Below,
# Gaussian noise, a blur and a brightness shift are scaled to the same MSE, so they share one PSNR.

# %% tags=["demo"]
from fixtures import images

clean = images.patches(1, size=96, split="test", seed=3)[0].astype(np.float64)
sigmas = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3]
noisy = [images.add_gaussian_noise(clean, s, seed=1) for s in sigmas]
fig, ax1 = plt.subplots(figsize=(6, 3.5))
ax1.plot(sigmas, [psnr(n, clean, 1.0) for n in noisy], "o-", color="tab:blue")
ax1.set_xlabel("noise sigma (image in [0, 1])")
ax1.set_ylabel("PSNR (dB)", color="tab:blue")
ax2 = ax1.twinx()
ax2.plot(sigmas, [ssim(n, clean, 1.0) for n in noisy], "s-", color="tab:red")
ax2.set_ylabel("SSIM", color="tab:red")
ax1.set_title("PSNR and SSIM against the noise level")
plt.tight_layout()
plt.show()

import cv2

blurred = cv2.GaussianBlur(clean, (0, 0), 1.5)
target_mse = np.mean((blurred - clean) ** 2)
noise = np.random.default_rng(0).normal(0, 1, clean.shape)
distorted = {
    "blur": blurred,
    "noise": clean + noise * np.sqrt(target_mse / np.mean(noise**2)),
    "brightness +": clean + np.sqrt(target_mse),
}
fig, axes = plt.subplots(1, 4, figsize=(11, 3))
axes[0].imshow(clean, cmap="gray", vmin=0, vmax=1)
axes[0].set_title("reference")
for ax, (name, im) in zip(axes[1:], distorted.items()):
    ax.imshow(im, cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"{name}\nPSNR {psnr(im, clean, 1.0):.1f} dB, SSIM {ssim(im, clean, 1.0):.3f}")
for ax in axes:
    ax.axis("off")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Part 3: diversity of a batch of samples
#
# Mode collapse makes a generator output (nearly) the same image for every input noise. Measure it
# with the mean pairwise RMS difference over the pairs $i < j$; a pair of an image with itself is
# not a pair. The Gram-matrix trick $\lVert a-b\rVert^2 = \lVert a\rVert^2 + \lVert b\rVert^2 - 2a\cdot b$
# is fast but can go slightly negative by rounding: clip at 0 before the square root.

# %% tags=["solution"]
def diversity(images):
    """Mean pairwise RMS difference of a batch of generated images.

    Args:
        images: np.ndarray float, shape (N, H, W) or (N, H, W, C) (NHWC), N >= 2, values in [0, 1].
    Returns:
        float >= 0: the mean over all pairs i < j of sqrt(mean((images[i] - images[j]) ** 2));
        0.0 when all images are identical.
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: flatten to (N, P); np.triu_indices(N, k=1) picks the pairs.
    flat = np.asarray(images, np.float64).reshape(len(images), -1)
    sq = np.sum(flat**2, axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * flat @ flat.T, 0) / flat.shape[1]
    i, j = np.triu_indices(len(flat), k=1)
    return float(np.mean(np.sqrt(d2[i, j])))
    ### END SOLUTION


# %% tags=["check"]
check("diversity")

# %% [markdown]
# A collapsed "generator" returns one image with a little noise; a healthy one returns varied
# samples. The diversity score separates them, PSNR/SSIM cannot (there is no reference image).

# %% tags=["demo"]
from graders import plots

diverse = images.patches(8, size=32, split="test", seed=5)
favourite = diverse[np.argmax(diverse.std(axis=(1, 2)))]  # the one sample a collapsed generator keeps making
collapsed = images.add_gaussian_noise(np.repeat(favourite[None], 8, axis=0), 0.02, seed=5)
fig, axes = plt.subplots(2, 1, figsize=(10, 3.2))
plots.image_grid(collapsed, ax=axes[0], title=f"collapsed batch: diversity {diversity(collapsed):.3f}")
plots.image_grid(diverse, ax=axes[1], title=f"diverse batch: diversity {diversity(diverse):.3f}")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Part 4: the Inception Score, from given class probabilities
#
# The Inception Score runs a classifier (Inception-v3 on ImageNet for natural images) on the
# generated images; here you get its output `probs[i] = p(y | x_i)`. Compute the marginal
# $p(y)$, the KL divergence of each row *from* the marginal, and the exponential of their mean.
# Exact zeros appear (confident classifiers): use $0 \log 0 = 0$.

# %% tags=["solution"]
def inception_score(probs):
    """Inception Score exp(E_x KL(p(y|x) || p(y))) of N samples from their class probabilities.

    Args:
        probs: np.ndarray float, shape (N, K): row i is p(y | x_i), non-negative, summing to 1
            (exact zeros allowed).
    Returns:
        float in [1, K]: 1 when every sample gets the same distribution; K when each sample is
        classified with certainty and the classes are used equally often.
    """
    ### BEGIN SOLUTION (about 5 lines) Hint: np.where(p > 0, p * np.log(p / marginal), 0).
    p = np.asarray(probs, np.float64)
    marginal = p.mean(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p / marginal), 0.0)
    return float(np.exp(terms.sum(axis=1).mean()))
    ### END SOLUTION


# %% tags=["check"]
check("inception_score")

# %% [markdown]
# A stand-in for the Inception network: a logistic regression trained on the digits. A batch that
# covers all ten digits scores about 7 (of at most 10: the classifier is not certain of every digit);
# a collapsed batch of one digit scores close to 1, however good each of its images is. The pixel
# diversity drops by only about a quarter: two different 3s differ in their pixels almost as much as
# a 3 and a 7. That is why IS and FID look at a classifier's outputs or features, not at pixels.

# %% tags=["demo"]
from sklearn.linear_model import LogisticRegression

from fixtures import digits

train_x, train_y = digits.load_digits("train", size=8)
test_x, test_y = digits.load_digits("test", size=8)
classifier = LogisticRegression(max_iter=500).fit(train_x.reshape(len(train_x), -1), train_y)
batches = {"all ten digits": test_x[:100], "only 3s (collapsed)": test_x[test_y == 3][:20]}
fig, axes = plt.subplots(2, 1, figsize=(10, 2.2))
for ax, (name, batch) in zip(axes, batches.items()):
    score = inception_score(classifier.predict_proba(batch.reshape(len(batch), -1)))
    plots.image_grid(batch[:16], ncols=16, ax=ax, title=f"{name}: IS {score:.2f}, diversity {diversity(batch):.3f}")
plt.tight_layout()
plt.show()
