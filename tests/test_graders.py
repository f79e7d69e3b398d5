"""The graders themselves are tested: stubs score zero, mutants are caught, training is robust."""
import re

import pytest

from graders import catalog
from graders.core import load_exercise
from graders.testing import ALTERNATIVES, grade_file, load_mutants, ready_tracks, selected_exercises

MUTANTS = load_mutants()
ALTERNATIVE_SOLUTIONS = load_mutants(ALTERNATIVES)
SEED_SALTS = [f"seed-{k}" for k in range(5)]
# Exercises whose graders are hardened against gaming (graders.watch, graders.integrity): each needs
# gaming cases among its mutants, on every track.
HARDENED = {"histogram_equalization", "image_quality_metrics", "cnn_classification", "denoising_autoencoder",
            "vae_denoising", "pixel_rnn", "autoencoder_compression", "stylegan_diversity",
            "dncnn", "vdsr", "srcnn", "sr_transfer_learning", "srgan",
            "gan_basics", "gan_enhancement", "gan_inpainting", "cyclegan_product_style",
            "image_captioning", "image_text_contrastive", "neural_style_transfer", "object_detection",
            "product_retouching"}


def mutant_kind(mutant) -> str:
    """``kind: gaming`` in a mutant's docstring marks an attempt to score without doing the work (a library
    call that is the answer, a lookup instead of a model, an invented loss list, a budget overrun);
    the default is ``mistake``. Both run through test_mutant_is_caught."""
    m = re.search(r"^\s*kind:\s*(\S+)", mutant.code.split('"""')[1] if '"""' in mutant.code else "", re.MULTILINE)
    kind = m.group(1) if m else "mistake"
    assert kind in ("mistake", "gaming"), f"{mutant.name}: kind is mistake or gaming, got {kind!r}"
    return kind


@pytest.mark.parametrize("exercise,track", [(e, t) for e, t in ready_tracks() if e in HARDENED])
def test_hardened_graders_have_gaming_cases(exercise, track):
    gaming = [m for m in MUTANTS if m.exercise == exercise and track in m.tracks and mutant_kind(m) == "gaming"]
    assert gaming, f"{exercise} [{track}] has no gaming case (a mutant with 'kind: gaming') in tests/mutants/{exercise}/"


@pytest.mark.parametrize("exercise,track", ready_tracks())
def test_student_stub_scores_zero(exercise, track):
    ex = catalog.load().exercises[exercise]
    report = grade_file(ex.notebook_path(track), exercise, track)
    assert report.score == 0, "\n" + report.format()
    assert all(c.status in ("failed", "skipped") for c in report.checks), "\n" + report.format()


@pytest.mark.parametrize("exercise,track", ready_tracks())
def test_every_part_has_public_and_hidden_checks(exercise, track):
    checks = load_exercise(exercise).checks
    for part in load_exercise(exercise).parts:
        kinds = {c.hidden for c in checks if c.part == part}
        assert kinds == {False, True}, f"part {part!r} needs public and hidden checks"


# What a grader may touch on `sub`: the interface graders.remote.RemoteSubmission implements over
# the pipe. A grader reaching for anything else passes in-process and breaks in class grading.
SUBMISSION_INTERFACE = {"call", "predict", "get_weights", "set_weights", "seed", "has", "layout", "device", "track",
                        "forbid", "optimizer_steps"}


@pytest.mark.parametrize("exercise", [ex.id for ex in selected_exercises()])
def test_grader_uses_only_the_submission_interface(exercise):
    source = catalog.load().exercises[exercise].grader_path().read_text()
    used = set(re.findall(r"\bsub\.(\w+)", source))
    assert used <= SUBMISSION_INTERFACE, f"graders/exercises/{exercise}.py uses sub.{sorted(used - SUBMISSION_INTERFACE)}"


@pytest.mark.parametrize("exercise,track", ready_tracks())
def test_at_least_three_mutants(exercise, track):
    mine = [m for m in MUTANTS if m.exercise == exercise and track in m.tracks]
    assert len(mine) >= 3, f"{exercise} [{track}] has {len(mine)} mutants; add known-wrong solutions in tests/mutants/{exercise}/"


def test_mutants_target_real_checks():
    ids = {}
    for m in MUTANTS:
        mutant_kind(m)
        ex = catalog.load().exercises[m.exercise]
        ids.setdefault(m.exercise, {c.id for c in load_exercise(m.exercise).checks})
        assert set(m.expect_fail) <= ids[m.exercise], f"{m.name}: unknown check ids {set(m.expect_fail) - ids[m.exercise]}"
        assert set(m.tracks) <= set(ex.tracks), f"{m.name}: tracks {m.tracks} not in {ex.tracks}"


@pytest.mark.parametrize("mutant,track", [(m, t) for m in MUTANTS for t in m.tracks], ids=lambda v: getattr(v, "name", v))
def test_mutant_is_caught(mutant, track):
    ex = catalog.load().exercises[mutant.exercise]
    if ex not in selected_exercises():
        pytest.skip(f"{ex.id} is not ready (name it in COURSE_EXERCISES to test it anyway)")
    report = grade_file(ex.solution_path(track), ex.id, track, extra_code=mutant.code, parts=mutant.parts)
    by_id = {c.id: c for c in report.checks}
    assert report.score < report.max_score, "\n" + report.format()
    for check_id in mutant.expect_fail:
        result = by_id[check_id]
        assert result.status == "failed", f"{check_id} should catch this mutant:\n{report.format()}"
    if mutant.message:
        messages = " | ".join(by_id[c].message for c in mutant.expect_fail)
        assert mutant.message.lower() in messages.lower(), f"expected {mutant.message!r} in: {messages}"


@pytest.mark.parametrize("alternative,track", [(m, t) for m in ALTERNATIVE_SOLUTIONS for t in m.tracks],
                         ids=lambda v: getattr(v, "name", v))
def test_alternative_correct_solution_scores_full_marks(alternative, track):
    ex = catalog.load().exercises[alternative.exercise]
    if ex not in selected_exercises():
        pytest.skip(f"{ex.id} is not ready (name it in COURSE_EXERCISES to test it anyway)")
    report = grade_file(ex.solution_path(track), ex.id, track, extra_code=alternative.code)
    assert report.all_passed, "\n" + report.format()


@pytest.mark.slow
@pytest.mark.parametrize("salt", SEED_SALTS)
@pytest.mark.parametrize("exercise,track", ready_tracks())
def test_reference_passes_for_other_seeds(exercise, track, salt):
    ex = catalog.load().exercises[exercise]
    report = grade_file(ex.solution_path(track), exercise, track, salt=salt)
    assert report.all_passed, "\n" + report.format()
