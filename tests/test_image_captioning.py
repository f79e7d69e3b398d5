"""The captioning fixture (fixtures.image_captioning): seeded scenes that match their captions, the
tokenisation helpers, and the grader's BLEU cross-checked against torchmetrics."""
import numpy as np
import pytest

from fixtures import image_captioning as data


def test_scenes_are_seeded_and_well_formed():
    a, b, c = data.scenes(64, seed=3), data.scenes(64, seed=3), data.scenes(64, seed=4)
    np.testing.assert_array_equal(a.images, b.images)
    assert a.texts == b.texts and a.texts != c.texts
    assert a.images.shape == (64, 32, 32, 3) and a.images.dtype == np.float32
    assert 0.0 <= a.images.min() and a.images.max() <= 1.0
    assert a.captions.shape == (64, data.MAX_WORDS) and a.captions.dtype == np.int64
    assert data.decode(a.captions) == a.texts
    assert {len(t.split()) for t in data.scenes(200, seed=0).texts} == {6, 7}


def test_captions_describe_the_drawn_object():
    s = data.scenes(200, seed=1)
    for img, (shape, colour, size, position), text in zip(s.images, s.attributes, s.texts):
        mask = np.abs(img - img[0, 0]).max(axis=-1) > 0.3          # the object stands out from the background
        ys, xs = np.nonzero(mask)
        cy, cx = (ys.min() + ys.max() + 1) / 2, (xs.min() + xs.max() + 1) / 2   # box centre
        where = ["left", "right", "top", "bottom"][int(position)]
        assert text.endswith(where)
        assert {"left": cx < 12, "right": cx > 20, "top": cy < 12, "bottom": cy > 20}[where], (text, cx, cy)
        assert list(data.COLOURS)[int(colour)] in text.split() and data.SHAPES[int(shape)] in text.split()
        rgb = img[mask].mean(axis=0)
        assert np.linalg.norm(rgb - np.asarray(list(data.COLOURS.values())[int(colour)])) < 0.25
    # sizes are well apart: the objects' extents (bounding-box side) of small, medium and big do not overlap
    sides = {k: [] for k in range(3)}
    for img, attr in zip(s.images, s.attributes):
        ys, xs = np.nonzero(np.abs(img - img[0, 0]).max(axis=-1) > 0.3)
        sides[int(attr[2])].append(max(ys.max() - ys.min(), xs.max() - xs.min()) + 1)
    assert max(sides[0]) < min(sides[1]) and max(sides[1]) < min(sides[2]), sides


def test_tokens_stop_at_eos_and_skip_specials():
    ids = np.array([[data.BOS, 3, 6, data.EOS, 7, 8], [3, data.PAD, 10, data.EOS, data.EOS, 0]])
    assert data.decode(ids) == ["a red", "a square"]
    with pytest.raises(ValueError):
        data.encode(["a a a a a a a a"])


def test_bleu_matches_torchmetrics():
    from torchmetrics.functional.text import bleu_score

    s = data.scenes(60, seed=2)
    rng = np.random.default_rng(0)
    hyps = []
    for t in s.texts:  # corrupt some words, drop some, so precisions and the brevity penalty vary
        words = t.split()
        words = [w if rng.random() > 0.2 else str(rng.choice(data.WORDS)) for w in words]
        hyps.append(words[:len(words) - int(rng.random() < 0.3)])
    refs = [t.split() for t in s.texts]
    for n in (2, 4):
        ours = data.corpus_bleu(hyps, refs, max_n=n)
        theirs = float(bleu_score([" ".join(h) for h in hyps], [[" ".join(r)] for r in refs], n_gram=n))
        assert abs(ours - theirs) < 1e-6, (n, ours, theirs)
    assert data.corpus_bleu(refs, refs) == pytest.approx(1.0)
    assert data.corpus_bleu([["a"]] * 3, refs[:3]) < 0.01      # short and wrong: near zero, smoothed not NaN
    assert data.corpus_bleu([[]] * 3, refs[:3]) == 0.0
