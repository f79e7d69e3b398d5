"""<eos> written into the last column of every row instead of right after each caption's last word.

tracks: torch
expect-fail: teacher_forcing.tf_values
message: right after each caption's last word
"""


def teacher_forcing_batch(captions):
    n = captions.shape[0]
    pad_column = torch.full((n, 1), PAD, dtype=torch.long, device=captions.device)
    inputs = torch.cat([torch.full_like(pad_column, BOS), captions.long()], dim=1)
    targets = torch.cat([captions.long(), torch.full_like(pad_column, EOS)], dim=1)
    return inputs, targets, (targets != PAD).float()
