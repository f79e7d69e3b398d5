"""Keeps only the centre row's left part and forgets the rows above: the model never sees the
previous rows, although they were generated first.

tracks: torch
expect-fail: causal_mask.mask_values
message: rows above the centre
"""


def causal_mask(kernel_size, mask_type):
    centre = kernel_size // 2
    mask = torch.zeros(kernel_size, kernel_size)
    mask[centre, :centre + (mask_type == "B")] = 1
    return mask
