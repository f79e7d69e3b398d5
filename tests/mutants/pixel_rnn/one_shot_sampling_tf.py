"""Draws every pixel at once from a single forward pass on the empty canvas, like the seed's
model.predict(epsilon): each pixel follows p(x_i | all zeros), not p(x_i | the pixels drawn).

tracks: tf
expect-fail: sample.follows_the_model
message: one pixel at a time
"""


def sample(model, n, seed, height=16, width=16):
    rng = np.random.default_rng(seed)
    logits = np.asarray(model(np.zeros((n, height, width, 1), np.float32), training=False), np.float64)
    return (rng.random(logits.shape) < 1 / (1 + np.exp(-logits))).astype(np.float32)
