"""Reshapes the stored (kh, kw, c_in, c_out) kernels to (c_out, c_in, kh, kw) instead of transposing
them: the shapes fit, the numbers land in the wrong places.

tracks: torch
expect-fail: load.matches_stored_network
message: not a reshape
"""
import numpy as np
import torch


def load_pretrained(path):
    model = TinySR()
    with np.load(path) as stored, torch.no_grad():
        for i, conv in enumerate([model.conv1, model.conv2, model.conv3, model.conv4], start=1):
            conv.weight.copy_(torch.as_tensor(stored[f"conv{i}_kernel"]).reshape(conv.weight.shape))
            conv.bias.copy_(torch.as_tensor(stored[f"conv{i}_bias"]))
    return model.to(DEVICE)
