"""Reads course/catalog.yaml, the single source of truth for what the course contains."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "course" / "catalog.yaml"
TRACKS = ("numpy", "torch", "tf")
STATUSES = ("planned", "ready")


@dataclass(frozen=True)
class Exercise:
    id: str
    module: str
    title_en: str
    tracks: tuple[str, ...]
    status: str

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    def solution_path(self, track: str) -> Path:
        return ROOT / "solutions" / self.module / self.id / f"{track}.py"

    def lesson_path(self) -> Path:
        return ROOT / "solutions" / self.module / self.id / "lesson.md"

    def notebook_path(self, track: str) -> Path:
        return ROOT / "course" / self.module / f"{self.id}_{track}.ipynb"

    def grader_path(self) -> Path:
        return ROOT / "graders" / "exercises" / f"{self.id}.py"


@dataclass(frozen=True)
class Question:
    seed: str
    number: int
    title_zh: str
    title_en: str
    exercise: str


@dataclass(frozen=True)
class Catalog:
    exercises: dict[str, Exercise]
    questions: tuple[Question, ...]

    def ready(self) -> list[Exercise]:
        return [e for e in self.exercises.values() if e.ready]

    def questions_for(self, exercise_id: str) -> list[Question]:
        return [q for q in self.questions if q.exercise == exercise_id]

    def modules(self) -> list[str]:
        return list(dict.fromkeys(e.module for e in self.exercises.values()))


class CatalogError(ValueError):
    pass


def parse(data: dict) -> Catalog:
    if not isinstance(data, dict) or set(data) != {"exercises", "questions"}:
        raise CatalogError("catalog must have exactly the keys 'exercises' and 'questions'")
    exercises = {}
    for ex_id, entry in data["exercises"].items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", ex_id):
            raise CatalogError(f"exercise id {ex_id!r} is not lowercase snake_case")
        tracks = tuple(entry["tracks"])
        if not tracks or any(t not in TRACKS for t in tracks):
            raise CatalogError(f"{ex_id}: tracks {tracks} must be a non-empty subset of {TRACKS}")
        if "numpy" in tracks and len(tracks) > 1:
            raise CatalogError(f"{ex_id}: a numpy exercise has no framework tracks")
        if entry["status"] not in STATUSES:
            raise CatalogError(f"{ex_id}: status {entry['status']!r} is not one of {STATUSES}")
        exercises[ex_id] = Exercise(ex_id, entry["module"], entry["title_en"], tracks, entry["status"])
    questions = tuple(Question(q["seed"], int(q["number"]), q["title_zh"], q["title_en"], q["exercise"])
                      for q in data["questions"])
    return Catalog(exercises, questions)


@lru_cache(maxsize=1)
def load(path: Path = CATALOG) -> Catalog:
    with open(path, encoding="utf-8") as f:
        return parse(yaml.safe_load(f))
