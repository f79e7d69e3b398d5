"""Ignores the `path` argument and always loads the shipped x2 file: works in the notebook, but the
grader's "from scratch" model (another file) is then the pretrained one too.

tracks: torch
expect-fail: load.other_file_and_size, finetune.beats_training_from_scratch
message: read the file
"""
from fixtures import sr_transfer_learning as _fx

_load_pretrained_reference = load_pretrained


def load_pretrained(path):
    return _load_pretrained_reference(str(_fx.PATH))
