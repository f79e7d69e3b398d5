"""Converts the kernels as if the file were in PyTorch's layout, transposing kh and kw on the way:
kernel.transpose(1, 0, 2, 3). Every kernel is mirrored about its diagonal.

tracks: tf
expect-fail: load.matches_stored_network
message: kh and kw are swapped
"""
import keras
import numpy as np

_load_pretrained_reference = load_pretrained


def load_pretrained(path):
    model = _load_pretrained_reference(path)
    with np.load(path) as stored:
        for i in range(1, 5):
            model.get_layer(f"conv{i}").set_weights([stored[f"conv{i}_kernel"].transpose(1, 0, 2, 3),
                                                     stored[f"conv{i}_bias"]])
    return model
