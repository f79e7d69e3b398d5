"""Masks columns instead of rows (a column-major order): the kernel keeps the columns left of the
centre and the centre column above it, while the grader's raster order goes row by row.

tracks: tf
expect-fail: causal_mask.mask_values
message: transposed
"""


def causal_mask(kernel_size, mask_type):
    centre = kernel_size // 2
    mask = np.ones((kernel_size, kernel_size), np.float32)
    mask[centre + (mask_type == "B"):, centre] = 0
    mask[:, centre + 1:] = 0
    return mask
