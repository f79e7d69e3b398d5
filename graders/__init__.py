"""Framework-agnostic graders for the course's notebooks.

``core`` (exercises, checks, reports), ``expect`` (staged assertions), ``metrics`` (pinned PSNR,
SSIM, IoU, mAP, accuracy), ``submission`` + ``adapters`` + ``wire`` (the only way a grader reaches
student code), ``exercises/<id>.py`` (one grader per exercise). ``python -m graders NOTEBOOK``
grades one notebook.
"""
from .core import CheckFailed, Context, Exercise, GradeReport, load_exercise

__all__ = ["CheckFailed", "Context", "Exercise", "GradeReport", "load_exercise"]
