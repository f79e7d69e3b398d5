"""Targets equal to the decoder inputs (not shifted by one): the model learns to copy its input.

tracks: torch
expect-fail: teacher_forcing.tf_values
message: shifted left by one
"""


def teacher_forcing_batch(captions):
    n = captions.shape[0]
    pad_column = torch.full((n, 1), PAD, dtype=torch.long, device=captions.device)
    inputs = torch.cat([torch.full_like(pad_column, BOS), captions.long()], dim=1)
    targets = inputs.clone()
    return inputs, targets, (targets != PAD).float()
