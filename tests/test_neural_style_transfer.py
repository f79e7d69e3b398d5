"""neural_style_transfer: the fixtures are deterministic images, and the grader's numpy copy of the
given extractor and its Gram matrices agree with the notebooks' PyTorch and Keras code."""
import numpy as np
import pytest

from fixtures import neural_style_transfer as nst
from graders.exercises import neural_style_transfer as grader


@pytest.mark.parametrize("build", [lambda s: nst.content_image(s, 40, 56, "test"), lambda s: nst.style_image(s, 40, 56)])
def test_fixtures_are_seeded_images(build):
    a, b, c = build(3), build(3), build(4)
    assert a.shape == (40, 56, 3) and a.dtype == np.float32
    assert 0.0 <= a.min() and a.max() <= 1.0
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert a.mean(axis=2).std() > 0.05  # structure or texture, not a flat colour


def test_style_and_content_differ():
    content, style = nst.content_image(0), nst.style_image(1)
    assert abs(grader.content_correlation(style, content)) < 0.3
    assert grader.content_correlation(content, content) == pytest.approx(1.0)


def test_numpy_extractor_matches_torch():
    torch = pytest.importorskip("torch")
    from torch import nn
    from torch.nn import functional as F

    torch.manual_seed(0)
    convs = [nn.Conv2d(3, 16, 3, padding=1), nn.Conv2d(16, 32, 3, padding=1), nn.Conv2d(32, 64, 3, padding=1)]
    image = nst.content_image(0, 40, 56)
    x = torch.as_tensor(image.transpose(2, 0, 1)[None]) - 0.5
    feats = []
    for i, conv in enumerate(convs):
        x = F.relu(conv(F.avg_pool2d(x, 2) if i else x))
        feats.append(x.detach().numpy()[0].transpose(1, 2, 0))
    weights = [p.detach().numpy() for conv in convs for p in (conv.weight, conv.bias)]
    mine = grader.extractor_features(weights, image, "NCHW")
    for a, b in zip(mine, feats):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    flat = torch.as_tensor(feats[1].transpose(2, 0, 1)[None])
    n, c, h, w = flat.shape
    g = (flat.reshape(n, c, h * w) @ flat.reshape(n, c, h * w).transpose(1, 2) / (h * w)).numpy()
    np.testing.assert_allclose(grader.gram_nchw(flat.numpy()), g, rtol=1e-4, atol=1e-6)


def test_style_ratio_is_one_for_the_content_and_zero_for_the_style():
    rng = np.random.default_rng(0)
    weights = []
    for cin, cout in ((3, 16), (16, 32), (32, 64)):
        weights += [rng.normal(0, np.sqrt(2 / (9 * cin)), (3, 3, cin, cout)), np.zeros(cout)]
    content, style = nst.content_image(1), nst.style_image(2)
    assert grader.style_ratio(weights, "NHWC", content, content, style) == pytest.approx(1.0)
    assert grader.style_ratio(weights, "NHWC", style, content, style) == pytest.approx(0.0, abs=1e-9)
