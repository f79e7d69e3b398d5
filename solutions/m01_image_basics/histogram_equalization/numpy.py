# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.

# %% tags=["setup"]
import cv2
import matplotlib.pyplot as plt
import numpy as np

from graders.notebook import checker

check = checker("histogram_equalization", "numpy", globals())

# %% [markdown]
# ## Part 1: the histogram
#
# Count how many pixels take each of the 256 grey levels. Beware `np.histogram(img, bins=256)`
# without `range=(0, 256)`: its bins then span the image's own min..max, not the levels 0..255.

# %% tags=["solution"]
def histogram(img):
    """Grey-level histogram of an 8-bit image.

    Args:
        img: np.ndarray, dtype uint8, shape (H, W).
    Returns:
        np.ndarray, dtype int64, shape (256,): entry v is the number of pixels equal to v.
    """
    ### BEGIN SOLUTION (about 1 line) Hint: np.bincount with minlength.
    return np.bincount(img.ravel(), minlength=256).astype(np.int64)
    ### END SOLUTION


# %% tags=["check"]
check("histogram")

# %% [markdown]
# ## Part 2: equalising a grey image
#
# Build the look-up table from the CDF as in the formula above, then apply it with fancy indexing
# (`lut[img]`). An image of a single grey level has $N - \mathrm{cdf}_{\min} = 0$: return it
# unchanged, as OpenCV does.
#
# NumPy is fine; `cv2.equalizeHist`, `cv2.createCLAHE`, `skimage.exposure` and `PIL.ImageOps` are
# the answer and fail this part and the next one if your code calls them (the grader watches which
# functions your code calls, however they are imported). The check compares with `cv2.equalizeHist`
# itself.

# %% tags=["solution"]
def equalize_hist(img):
    """Histogram equalisation of an 8-bit grey image, matching cv2.equalizeHist.

    Args:
        img: np.ndarray, dtype uint8, shape (H, W).
    Returns:
        np.ndarray, dtype uint8, shape (H, W); the darkest level present maps to 0 and the
        brightest to 255 (unless the image has one level only, in which case it is unchanged).
    """
    ### BEGIN SOLUTION (about 7 lines) Hint: np.cumsum of your histogram, then a uint8 look-up table.
    hist = histogram(img)
    cdf = np.cumsum(hist)
    cdf_min = cdf[np.flatnonzero(hist)[0]]
    if cdf[-1] == cdf_min:  # a single grey level: nothing to spread
        return img.copy()
    lut = np.round((cdf - cdf_min) * 255.0 / (cdf[-1] - cdf_min))
    return np.clip(lut, 0, 255).astype(np.uint8)[img]
    ### END SOLUTION


# %% tags=["check"]
check("equalize")

# %% [markdown]
# See what it does to a low-contrast photograph: the histogram is stretched over the whole range
# and the CDF becomes close to a straight line.

# %% tags=["demo"]
from fixtures import images

low = images.to_uint8(images.low_contrast(images.patches(1, size=128, split="test", seed=3, scale=0.6)[0]))
equalized = equalize_hist(low)
fig, axes = plt.subplots(2, 2, figsize=(8, 6))
for col, (name, im) in enumerate([("input", low), ("equalised", equalized)]):
    axes[0, col].imshow(im, cmap="gray", vmin=0, vmax=255)
    axes[0, col].set_title(name)
    axes[0, col].axis("off")
    axes[1, col].bar(np.arange(256), histogram(im), width=1.0)
    axes[1, col].twinx().plot(np.cumsum(histogram(im)) / im.size, color="tab:red")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Part 3: colour images
#
# Equalise the luminance only: convert RGB to YCrCb (`cv2.cvtColor`), equalise Y with your
# `equalize_hist`, convert back. Hue and saturation stay as they were. Equalising V of HSV instead
# is accepted too (both are within 3 grey levels of the check's reference); `cv2.cvtColor` is fine,
# the library equalisers named in Part 2 are not.

# %% tags=["solution"]
def equalize_color(img):
    """Contrast enhancement of an RGB image by equalising its luminance.

    Args:
        img: np.ndarray, dtype uint8, shape (H, W, 3), RGB channel order.
    Returns:
        np.ndarray, dtype uint8, shape (H, W, 3), RGB.
    """
    ### BEGIN SOLUTION (about 4 lines) Hint: cv2.COLOR_RGB2YCrCb and back; Y is channel 0.
    ycrcb = cv2.cvtColor(img, cv2.COLOR_RGB2YCrCb)
    ycrcb[..., 0] = equalize_hist(ycrcb[..., 0])
    return cv2.cvtColor(ycrcb, cv2.COLOR_YCrCb2RGB)
    ### END SOLUTION


# %% tags=["check"]
check("color")
