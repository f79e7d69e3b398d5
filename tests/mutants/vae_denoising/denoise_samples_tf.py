"""Decodes a random sample z at test time (the model's call) instead of the posterior mean: the output
changes from call to call.

tracks: tf
expect-fail: denoise.denoise_deterministic
message: decode the posterior mean
"""


def denoise(model, noisy):
    return model(noisy, training=False)[0]
