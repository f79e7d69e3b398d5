"""The degradation builders: shapes, ranges, determinism and the properties exercises rely on."""
import numpy as np
import pytest

from fixtures import degrade, images
from graders.metrics import psnr


@pytest.fixture(scope="module")
def grey():
    return images.patches(6, 32, "test", seed=0)


def test_blur_smooths_and_keeps_mean(grey):
    blurred = degrade.gaussian_blur(grey, 1.5)
    assert blurred.shape == grey.shape and blurred.dtype == np.float32
    assert np.abs(np.diff(blurred, axis=2)).mean() < 0.7 * np.abs(np.diff(grey, axis=2)).mean()
    assert abs(blurred.mean() - grey.mean()) < 0.01


def test_downscale_then_bicubic_is_a_real_but_imperfect_baseline(grey):
    low = degrade.downscale(grey, 2)
    assert low.shape == (6, 16, 16)
    assert np.isclose(low[0, 0, 0], grey[0, :2, :2].mean(), atol=1e-6)  # area averaging
    up = degrade.upscale_bicubic(low, 2)
    assert up.shape == grey.shape and 0.0 <= up.min() and up.max() <= 1.0
    nearest = np.repeat(np.repeat(low, 2, axis=1), 2, axis=2)
    assert 20 < psnr(nearest, grey, 1.0) < psnr(up, grey, 1.0) < 45
    with pytest.raises(ValueError, match="divisible"):
        degrade.downscale(grey[:, :30], 4)


def test_sr_pairs_are_seeded():
    low, high = degrade.sr_pairs(4, 24, 3, "train", seed=5, gray=False)
    assert low.shape == (4, 8, 8, 3) and high.shape == (4, 24, 24, 3)
    assert np.array_equal(high, degrade.sr_pairs(4, 24, 3, "train", seed=5, gray=False)[1])


def test_rgb_to_y_matches_bt601():
    rgb = np.array([[0, 0, 0], [1, 1, 1], [1, 0, 0]], np.float32)
    assert np.allclose(degrade.rgb_to_y(rgb) * 255, [16, 235, 16 + 65.481], atol=1e-3)


def test_low_light_and_colour_cast(grey):
    dark = degrade.low_light(grey, gain=0.25, gamma=1.5, sigma=0.02, seed=1)
    assert dark.mean() < 0.3 * grey.mean() and 0 <= dark.min() and dark.max() <= 1
    assert np.array_equal(dark, degrade.low_light(grey, 0.25, 1.5, 0.02, seed=1))
    rgb = images.patches(3, 16, "train", seed=0, gray=False)
    gains = degrade.random_gains(3, 0.3, seed=2)
    assert np.allclose(gains.mean(axis=1), 1) and gains.shape == (3, 3)
    cast = degrade.color_cast(rgb, gains)
    assert cast.shape == rgb.shape and not np.allclose(cast, rgb)


def test_hole_masks(grey):
    masks = degrade.hole_masks(6, 32, (6, 10), seed=3)
    sides = np.sqrt(masks.sum(axis=(1, 2)))
    assert np.all((sides >= 6) & (sides <= 10)) and np.allclose(sides, np.round(sides))
    assert masks[:, :2].sum() == 0 and masks[:, :, -2:].sum() == 0
    holed = degrade.apply_mask(grey, masks, fill=0.5)
    assert np.all(holed[masks == 1] == 0.5) and np.array_equal(holed[masks == 0], grey[masks == 0])
    assert degrade.apply_mask(np.stack([grey] * 3, -1), masks).shape == (6, 32, 32, 3)
