"""The scenes and captions of fixtures.image_text_contrastive, and the grader's own InfoNCE."""
import numpy as np
import pytest

from fixtures import image_text_contrastive as itc
from graders.exercises.image_text_contrastive import class_embeddings, reference_info_nce


def test_scenes_are_seeded_and_in_range():
    a_images, a_tokens, a_attrs = itc.dataset(16, seed=3)
    b_images, b_tokens, b_attrs = itc.dataset(16, seed=3)
    np.testing.assert_array_equal(a_images, b_images)
    np.testing.assert_array_equal(a_tokens, b_tokens)
    np.testing.assert_array_equal(a_attrs, b_attrs)
    assert not np.array_equal(a_images, itc.dataset(16, seed=4)[0])
    assert a_images.shape == (16, itc.SIZE, itc.SIZE, 3) and a_images.dtype == np.float32
    assert a_images.min() >= 0 and a_images.max() <= 1
    assert a_tokens.shape == (16, itc.MAX_LEN) and a_tokens.dtype == np.int64


def test_the_shape_has_its_colour():
    images, _, attrs = itc.dataset(64, seed=0, split="all")
    for image, (shape, colour, size) in zip(images, attrs):
        bright = image.max(axis=-1) > 0.5
        assert bright.sum() >= 20, "every scene shows its shape"
        mean = image[bright].mean(axis=0)
        nearest = np.argmin(np.linalg.norm(itc.RGB - mean / mean.max(), axis=1))
        assert nearest == colour, (itc.COLOURS[colour], mean)
    sizes = [(images[i].max(axis=-1) > 0.5).sum() for i in range(len(images))]
    small = [s for s, a in zip(sizes, attrs) if a[2] == 0]
    large = [s for s, a in zip(sizes, attrs) if a[2] == 1]
    assert max(small) < min(large), "small shapes cover fewer pixels than large ones"


def test_splits_hold_out_colour_shape_pairs():
    train = {(c, s) for s, c, _ in itc.combos("train")}
    held = {(c, s) for s, c, _ in itc.combos("heldout")}
    assert held == set(itc.HELD_OUT) and not train & held
    assert len(itc.combos("all")) == len(itc.combos("train")) + len(itc.combos("heldout")) == 36
    _, _, attrs = itc.dataset(200, seed=1, split="train")
    assert not {(int(c), int(s)) for s, c, _ in attrs} & set(itc.HELD_OUT)
    # every shape and every colour still occurs in training
    assert {s for s, _, _ in itc.combos("train")} == set(range(3))
    assert {c for _, c, _ in itc.combos("train")} == set(range(6))


def test_captions_describe_the_scene_and_pad_at_the_end():
    _, tokens, attrs = itc.dataset(32, seed=2)
    for row, text, (s, c, z) in zip(tokens, itc.decode(tokens), attrs):
        words = text.split()
        assert {itc.SHAPES[s], itc.COLOURS[c], itc.SIZES[z]} <= set(words)
        n = len(words)
        assert (row[:n] != itc.PAD).all() and (row[n:] == itc.PAD).all()


def test_retrieval_batches_have_distinct_captions():
    images, tokens, attrs = itc.distinct(32, seed=5)
    assert len({tuple(a) for a in attrs.tolist()}) == 32
    assert len({tuple(t) for t in tokens.tolist()}) == 32
    assert itc.decode(tokens[:1])[0] == itc.caption(attrs[0])
    with pytest.raises(ValueError):
        itc.distinct(37, seed=0)


def test_prompts_use_templates_unseen_in_training():
    prompts = itc.prompts()
    assert prompts.shape == (3, len(itc.PROMPT_TEMPLATES), itc.MAX_LEN)
    texts = itc.decode(prompts.reshape(-1, itc.MAX_LEN))
    assert texts[0] == "a photo of a square"
    training = {t.format(shape=s, colour=c, size=z) for t in itc.TRAIN_TEMPLATES
                for s in itc.SHAPES for c in itc.COLOURS for z in itc.SIZES}
    assert not set(texts) & training


def test_reference_info_nce_matches_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(0)
    u, v = rng.normal(size=(7, 5)), rng.normal(size=(7, 5))
    tu, tv = F.normalize(torch.tensor(u), dim=1), F.normalize(torch.tensor(v), dim=1)
    logits = tu @ tv.T / 0.2
    target = torch.arange(7)
    want = float((F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2)
    got = reference_info_nce(u, v, 0.2)
    assert got["symmetric"] == pytest.approx(want, rel=1e-12)
    assert got["image_to_text"] == pytest.approx(float(F.cross_entropy(logits, target)), rel=1e-12)
    # perfectly aligned orthogonal pairs: log(1 + (N - 1) exp(-1 / tau))
    assert reference_info_nce(np.eye(4), 3 * np.eye(4), 0.25)["symmetric"] == pytest.approx(np.log1p(3 * np.exp(-4)))


def test_class_embeddings_renormalise_the_mean():
    emb = np.array([[[1.0, 0.0], [0.0, 1.0]], [[2.0, 0.0], [2.0, 0.0]]])
    np.testing.assert_allclose(class_embeddings(emb), [[2**-0.5, 2**-0.5], [1.0, 0.0]])
    np.testing.assert_allclose(class_embeddings(emb, renormalise=False), [[0.5, 0.5], [1.0, 0.0]])
