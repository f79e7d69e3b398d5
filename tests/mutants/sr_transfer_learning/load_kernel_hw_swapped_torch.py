"""Converts the stored (kh, kw, c_in, c_out) kernels with permute(3, 2, 1, 0): the channel axes are
right but kh and kw end up swapped, so every kernel is mirrored about its diagonal.

tracks: torch
expect-fail: load.matches_stored_network
message: kh and kw are swapped
"""
import numpy as np
import torch


def load_pretrained(path):
    model = TinySR()
    with np.load(path) as stored, torch.no_grad():
        for i, conv in enumerate([model.conv1, model.conv2, model.conv3, model.conv4], start=1):
            conv.weight.copy_(torch.as_tensor(np.ascontiguousarray(stored[f"conv{i}_kernel"].transpose(3, 2, 1, 0))))
            conv.bias.copy_(torch.as_tensor(stored[f"conv{i}_bias"]))
    return model.to(DEVICE)
