"""The gan_inpainting fixture: seeded grating scenes, and the property the grader relies on (classical
inpainting cannot continue the stripes, so a learned model has room to beat it)."""
import numpy as np

from fixtures import degrade
from fixtures import gan_inpainting as scenes
from graders.exercises import gan_inpainting as grader


def test_gratings_are_seeded_images():
    a, b, c = scenes.gratings(6, 24, seed=1), scenes.gratings(6, 24, seed=1), scenes.gratings(6, 24, seed=2)
    assert a.shape == (6, 24, 24) and a.dtype == np.float32
    assert 0.0 <= a.min() and a.max() <= 1.0
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert scenes.gratings(3, 16, seed=0, width=40).shape == (3, 16, 40)
    assert np.all(a.reshape(6, -1).std(axis=1) > 0.05)  # every scene has stripes


def test_baselines_leave_room_in_the_holes():
    clean, masks = grader._batch(128, grader.SIZE, seed=5)
    masked = clean * (1 - masks)
    mean = grader.hole_psnr(grader.mean_fill(masked, masks), clean, masks)
    telea = grader.hole_psnr(grader.telea(masked, masks), clean, masks)
    # Telea beats the mean grey only a little on stripes (measured ~ +0.7..1.4 dB) and both stay far
    # below what the reference generator reaches (~18-20 dB).
    assert 13.0 < mean < telea < mean + 2.5 < 18.0
    # Known pixels are untouched by both baselines.
    known = masks < 0.5
    np.testing.assert_array_equal(grader.mean_fill(masked, masks)[known], masked[known])


def test_hole_masks_fit_the_scenes():
    masks = degrade.hole_masks(64, grader.SIZE, grader.HOLE, seed=0)
    sides = np.sqrt(masks.reshape(64, -1).sum(axis=1))
    assert sides.min() >= grader.HOLE[0] and sides.max() <= grader.HOLE[1]
