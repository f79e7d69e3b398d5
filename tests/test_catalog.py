"""The catalog covers every seed question exactly once, and ready exercises have all their files."""
import re
from pathlib import Path

import pytest

from graders import catalog

SEEDS = catalog.ROOT.parent / "shared" / "seeds"
HEADING = re.compile(r"^#{2,6}\s*(\d+)\.\s*(.+?)\s*$")


def seed_questions() -> dict[tuple[str, int], str]:
    found = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            m = HEADING.match(line)
            if m:
                found[(path.name, int(m.group(1)))] = m.group(2)
    return found


@pytest.fixture(scope="module")
def cat():
    return catalog.load()


def test_every_question_appears_exactly_once(cat):
    keys = [(q.seed, q.number) for q in cat.questions]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert not duplicates, f"questions listed twice: {sorted(duplicates)}"
    assert len(keys) == 240


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not next to this checkout")
def test_catalog_matches_the_seed_documents(cat):
    seeds = seed_questions()
    listed = {(q.seed, q.number): q.title_zh for q in cat.questions}
    assert set(seeds) - set(listed) == set(), "seed questions missing from the catalog"
    assert set(listed) - set(seeds) == set(), "catalog questions not in the seeds"
    wrong = {k: (listed[k], seeds[k]) for k in seeds if listed[k] != seeds[k]}
    assert not wrong, f"title_zh differs from the seed heading: {wrong}"


def test_questions_map_to_known_exercises(cat):
    unknown = {q.exercise for q in cat.questions} - set(cat.exercises)
    assert not unknown, f"questions map to unknown exercises: {unknown}"
    unused = set(cat.exercises) - {q.exercise for q in cat.questions}
    assert not unused, f"exercises no question maps to: {unused}"


def test_titles_are_filled_in(cat):
    for q in cat.questions:
        assert q.title_en.strip() and q.title_zh.strip(), q
        assert not re.search(r"[\u4e00-\u9fff]", q.title_en), f"untranslated title_en: {q}"


@pytest.mark.parametrize("ex", catalog.load().ready(), ids=lambda e: e.id)
def test_ready_exercise_has_every_file(ex):
    missing = [p for p in [ex.lesson_path(), ex.grader_path()] if not p.is_file()]
    for track in ex.tracks:
        missing += [p for p in [ex.solution_path(track), ex.notebook_path(track)] if not p.is_file()]
    assert not missing, f"{ex.id} is ready but lacks: {[str(p.relative_to(catalog.ROOT)) for p in missing]}"


def test_bad_catalogs_are_rejected():
    good = {"exercises": {"a": {"module": "m", "title_en": "A", "tracks": ["numpy"], "status": "ready"}},
            "questions": []}
    catalog.parse(good)
    for key, value in [("tracks", ["jax"]), ("status", "done"), ("tracks", ["numpy", "torch"])]:
        bad = {"exercises": {"a": dict(good["exercises"]["a"], **{key: value})}, "questions": []}
        with pytest.raises(catalog.CatalogError):
            catalog.parse(bad)
    with pytest.raises(catalog.CatalogError):
        catalog.parse({"exercises": {"Bad-Id": good["exercises"]["a"]}, "questions": []})
