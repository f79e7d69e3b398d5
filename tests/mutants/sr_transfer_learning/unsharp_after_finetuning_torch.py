"""Fine-tunes as the reference does, then replaces the model's forward pass with a classical unsharp
mask of the bicubic input (width 1, amount 2), which alone gains about +1.4 dB over bicubic on the
blurred x2 pairs: the output no longer comes from the model's weights.

tracks: torch
kind: gaming
expect-fail: finetune.adapts_to_new_degradation
message: does not come from the model's weights
"""
import numpy as np
import torch
from scipy import ndimage

_finetune_reference = finetune


def _unsharp(x):
    up = x.detach().cpu().numpy()
    sharp = up + 2.0 * (up - ndimage.gaussian_filter(up, (0, 0, 1.0, 1.0), mode="reflect"))
    return torch.as_tensor(sharp.astype(np.float32), device=x.device)


def finetune(model, lr_up, hr, steps, seed, batch_size=16, lr=1e-3):
    losses = _finetune_reference(model, lr_up, hr, steps, seed, batch_size, lr)
    model.forward = _unsharp
    return losses
