"""Swaps the mask types: mask A keeps the centre and mask B drops it, so the first layer sees the
pixel it predicts.

tracks: tf
expect-fail: causal_mask.mask_values
message: mask A excludes the centre
"""


def causal_mask(kernel_size, mask_type):
    centre = kernel_size // 2
    mask = np.ones((kernel_size, kernel_size), np.float32)
    mask[centre, centre + (mask_type == "A"):] = 0
    mask[centre + 1:, :] = 0
    return mask
