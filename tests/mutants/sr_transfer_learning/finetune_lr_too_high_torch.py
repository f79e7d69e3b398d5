"""Fine-tunes with Adam at learning rate 0.05, a rate for training from scratch at best: the first
steps throw the pretrained weights far away and the model ends worse than where it started.

tracks: torch
expect-fail: finetune.adapts_to_new_degradation
message: learning rate far too high
"""
import numpy as np
import torch
from torch.nn import functional as F

_finetune_reference = finetune


def finetune(model, lr_up, hr, steps, seed, batch_size=16, lr=1e-3):
    return _finetune_reference(model, lr_up, hr, steps, seed, batch_size=batch_size, lr=0.05)
