"""load_state_dict(..., strict=False) with the file's key names ("conv1_kernel"), which match none of
the module's ("conv1.weight"): nothing is loaded, silently, and the model keeps its random
initialisation.

tracks: torch
expect-fail: load.matches_stored_network
message: do not re-initialise
"""
import numpy as np
import torch


def load_pretrained(path):
    model = TinySR()
    with np.load(path) as stored:
        model.load_state_dict({k: torch.as_tensor(stored[k]) for k in stored.files}, strict=False)
    return model.to(DEVICE)
