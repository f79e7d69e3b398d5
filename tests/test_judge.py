"""The digit judge (fixtures.judge) that graders use to score generated digits: the committed weights
are what the committed script produces, and the judge is accurate on held-out digits."""
import numpy as np
import pytest

from fixtures import digits, judge


@pytest.mark.slow
def test_training_script_reproduces_the_shipped_file(tmp_path):
    out = tmp_path / "digit_judge.npz"
    assert judge.main(["--train", "--out", str(out)]) == 0
    with np.load(judge.PATH) as shipped, np.load(out) as rebuilt:
        assert sorted(shipped.files) == sorted(rebuilt.files) == ["b1", "b2", "w1", "w2"]
        for name in shipped.files:
            assert shipped[name].dtype == rebuilt[name].dtype == np.float32
            # Bitwise on one machine; BLAS summation order may move the last float32 bit elsewhere.
            np.testing.assert_allclose(rebuilt[name], shipped[name], rtol=1e-5, atol=1e-6, err_msg=name)


def test_shipped_judge_is_small():
    assert judge.PATH.stat().st_size < 100_000


def test_heldout_accuracy():
    accuracy = judge.test_accuracy()
    assert accuracy >= judge.TEST_ACCURACY, f"judge test accuracy {accuracy:.4f} < {judge.TEST_ACCURACY}"


def test_judge_accepts_both_grey_layouts_and_rejects_others():
    images, _ = digits.load_digits("test")
    jd = judge.load()
    p = jd.predict_proba(images[:5])
    assert p.shape == (5, 10) and np.allclose(p.sum(1), 1)
    np.testing.assert_array_equal(jd.predict_proba(images[:5, :, :, None]), p)
    assert jd.features(images[:5]).shape == (5, judge.HIDDEN)
    with pytest.raises(ValueError):
        jd.predict(images[:5, None])  # NCHW: the grader converts to NHWC first


def test_frechet_distance_separates_real_from_blurred_digits():
    test, _ = digits.load_digits("test")
    train, _ = digits.load_digits("train")
    jd = judge.load()
    real_vs_real = judge.frechet_distance(jd.features(test), jd.features(train[: len(test)]))
    mean_blob = np.repeat(train.mean(0, keepdims=True), len(test), axis=0)
    real_vs_blob = judge.frechet_distance(jd.features(test), jd.features(mean_blob + 0.01 * np.random.default_rng(0).standard_normal(mean_blob.shape)))
    assert real_vs_real < 2.0 < 20.0 < real_vs_blob
