"""The product_retouching fixture: seeded photos whose product is the clean one under the cast."""
import numpy as np
import pytest

from fixtures import product_retouching as data


def test_photos_are_seeded_shaped_and_read_only():
    a, b, c = data.photos(5, "train", seed=2), data.photos(5, "train", seed=2), data.photos(5, "train", seed=3)
    assert a.photos.shape == a.clean.shape == (5, data.SIZE, data.SIZE, 3) and a.masks.shape == (5, data.SIZE, data.SIZE)
    assert a.photos.dtype == a.clean.dtype == np.float32 and a.masks.dtype == bool
    np.testing.assert_array_equal(a.photos, b.photos)
    assert not np.array_equal(a.photos, c.photos)
    assert not np.array_equal(a.photos, data.photos(5, "test", seed=2).photos), "splits must differ"
    assert not a.photos.flags.writeable
    with pytest.raises(ValueError, match="split"):
        data.photos(2, "validation")


def test_clean_target_is_white_around_the_product_and_photo_is_its_cast_version():
    p = data.photos(32, "test", seed=0)
    assert np.all(p.clean[~p.masks] == 1.0)
    frame = np.ones(p.masks.shape[1:], bool)
    frame[2:-2, 2:-2] = False
    assert p.masks[:, frame].mean() < 0.03, "the border frame, the segmenter's colour reference, is mostly backdrop"
    np.testing.assert_allclose(p.gains.mean(axis=1), 1.0, atol=1e-5)
    # On the product, photo = clean * gains + noise (sigma 0.01), before clipping.
    cast = np.clip(p.clean * p.gains[:, None, None, :], 0, 1)
    residual = (p.photos - cast)[p.masks]
    assert abs(residual.mean()) < 0.002 and residual.std() < 0.015
    # The backdrop is a dull grey-white, far from the target's white.
    assert 0.5 < p.photos[~p.masks].mean() < 0.75
