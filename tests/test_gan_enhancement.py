"""The gan_enhancement fixture: seeded, aligned low-light pairs and the equalisation baseline."""
import cv2
import numpy as np
import pytest

from fixtures import gan_enhancement as data
from fixtures import images


def test_pairs_are_seeded_shaped_and_in_range():
    low, high = data.pairs(6, 32, "train", seed=3)
    again_low, again_high = data.pairs(6, 32, "train", seed=3)
    other_low, _ = data.pairs(6, 32, "train", seed=4)
    assert low.shape == high.shape == (6, 32, 32) and low.dtype == high.dtype == np.float32
    np.testing.assert_array_equal(low, again_low)
    np.testing.assert_array_equal(high, again_high)
    assert not np.array_equal(low, other_low)
    assert 0.0 <= low.min() and low.max() <= 1.0
    np.testing.assert_array_equal(high, images.patches(6, 32, "train", seed=3))


def test_low_is_a_dark_low_contrast_version_of_its_own_target():
    low, high = data.pairs(32, 32, "test", seed=0)
    assert low.mean() < 0.35 * high.mean()
    assert low.std(axis=(1, 2)).mean() < 0.5 * high.std(axis=(1, 2)).mean()
    # Aligned: without noise, each low image is a monotone function of its own target.
    clean = data.darken(high, seed=1, sigma=0.0)
    for lo, hi in zip(clean, high):
        order = np.argsort(hi.ravel(), kind="stable")
        assert np.all(np.diff(lo.ravel()[order]) >= -1e-6)
    corr_own = np.mean([np.corrcoef(lo.ravel(), hi.ravel())[0, 1] for lo, hi in zip(low, high)])
    corr_other = np.mean([np.corrcoef(lo.ravel(), hi.ravel())[0, 1] for lo, hi in zip(low, high[::-1])])
    assert corr_own > 0.7 and abs(corr_other) < 0.3, (corr_own, corr_other)


def test_exposure_varies_per_image_and_noise_is_seeded():
    high = np.full((64, 8, 8), 0.5, np.float32)
    low = data.darken(high, seed=0, sigma=0.0)
    levels = low.mean(axis=(1, 2))
    expected = data.GAIN * (data.FLOOR + (1 - 2 * data.FLOOR) * 0.5) ** data.GAMMA
    assert levels.min() < expected < levels.max()
    assert np.all(np.abs(np.log(levels / expected)) <= data.JITTER + 1e-5)
    noisy = data.darken(high, seed=0)
    assert abs((noisy - low).std() - data.SIGMA) < 0.1 * data.SIGMA


def test_equalize_is_opencv_on_8_bit_values():
    low, _ = data.pairs(3, 32, "test", seed=2)
    expected = np.stack([cv2.equalizeHist(np.clip(np.round(im * 255), 0, 255).astype(np.uint8)) for im in low]) / 255.0
    np.testing.assert_allclose(data.equalize(low), expected, atol=1e-7)
    with pytest.raises(ValueError):
        data.equalize(low[..., None])
