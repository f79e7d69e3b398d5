"""The srcnn grader's own references, cross-checked against the libraries students use.

The grader accepts a student's bicubic_upscale when it matches one of its Keys cubic-convolution
variants, and judges YCbCr against its own BT.601 matrix: both must agree with OpenCV, PyTorch,
TensorFlow / Keras and scikit-image, or the grader would reject correct answers.
"""
import numpy as np
import pytest

from fixtures import degrade, images
from graders.exercises import srcnn


@pytest.fixture(scope="module")
def colour():
    return images.patches(4, 16, "test", seed=3, gray=False)[:, :12, :10]


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_keys_bicubic_matches_opencv_and_torch(colour, scale):
    torch = pytest.importorskip("torch")
    ours = srcnn.bicubic(colour, scale)
    np.testing.assert_allclose(ours, degrade.upscale_bicubic(colour, scale), atol=1e-5)
    x = torch.as_tensor(colour).permute(0, 3, 1, 2)
    up = torch.nn.functional.interpolate(x, scale_factor=scale, mode="bicubic", align_corners=False)
    np.testing.assert_allclose(ours, up.clamp(0, 1).permute(0, 2, 3, 1).numpy(), atol=1e-5)


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_keys_bicubic_matches_keras(colour, scale):
    keras = pytest.importorskip("keras")
    h, w = colour.shape[1:3]
    up = np.clip(np.asarray(keras.ops.image.resize(colour, (h * scale, w * scale), interpolation="bicubic")), 0, 1)
    err = np.abs(srcnn.bicubic(colour, scale, -0.5, "renormalise") - up).max()
    assert err <= srcnn.BICUBIC_ATOL / 2, err


def test_bicubic_variants_are_told_apart_from_bilinear_and_nearest(colour):
    nearest = np.repeat(np.repeat(colour, 3, axis=1), 3, axis=2)
    for variant in srcnn.BICUBIC_VARIANTS:
        assert np.abs(srcnn.bicubic(colour, 3, *variant) - nearest).max() > 10 * srcnn.BICUBIC_ATOL


def test_ycbcr_matches_degrade_and_skimage(colour):
    from skimage.color import rgb2ycbcr

    ycc = srcnn.ycbcr(colour)
    np.testing.assert_allclose(ycc[..., 0], degrade.rgb_to_y(colour), atol=1e-6)
    np.testing.assert_allclose(ycc * 255.0, rgb2ycbcr(colour.astype(np.float64)), atol=1e-6)
    np.testing.assert_allclose(srcnn.rgb(ycc), colour, atol=1e-6)
