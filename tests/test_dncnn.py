"""The dncnn exercise's fixture (product shots) and the grader's own baseline and statistics."""
import numpy as np

from fixtures.dncnn import product_shots
from graders.exercises import dncnn
from graders.metrics import psnr


def test_product_shots_are_seeded_images():
    a, b, c = product_shots(6, 32, seed=1), product_shots(6, 32, seed=1), product_shots(6, 32, seed=2)
    assert a.shape == (6, 32, 32) and a.dtype == np.float32
    assert 0.0 <= a.min() and a.max() <= 1.0
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    # a light backdrop with darker objects: every shot has both, and sharp edges between them
    assert all(img.max() > 0.55 and img.min() < 0.5 for img in a)
    assert np.abs(np.diff(a, axis=2)).max() > 0.15


def test_best_filter_is_a_fair_baseline():
    clean = product_shots(16, 32, seed=3)[..., None]
    noisy = (clean + 0.2 * np.random.default_rng(0).standard_normal(clean.shape)).astype(np.float32)
    filtered, width = dncnn.best_filter_psnr(noisy, clean)
    assert filtered > psnr(np.clip(noisy, 0, 1), clean, 1.0) + 3.0   # blurring removes much of the noise
    assert width in dncnn.BLUR_WIDTHS and width > dncnn.BLUR_WIDTHS[0]
    # the baseline is the best over widths: no listed width does better
    assert filtered >= max(psnr(np.clip(noisy, 0, 1), clean, 1.0), 0)


def test_correlation_helper():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(1000)
    assert abs(dncnn._corr(x, x) - 1) < 1e-12 and abs(dncnn._corr(x, -x) + 1) < 1e-12
    assert abs(dncnn._corr(x, rng.standard_normal(1000))) < 0.15
    assert dncnn._corr(x, np.zeros(1000)) == 0.0
