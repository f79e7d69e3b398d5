"""Returns noisy - model(noisy) without clipping the estimate to [0, 1].

tracks: tf
expect-fail: denoise.denoise_shape_and_range
message: clip the estimate
"""


def denoise(model, noisy):
    return noisy - model(noisy, training=False)
