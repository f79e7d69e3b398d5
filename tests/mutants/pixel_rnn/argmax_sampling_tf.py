"""Takes the most likely value (p > 0.5) instead of drawing from Bernoulli(p): every sample is the
same image, and pixels with p = 0.3 never turn on.

tracks: tf
expect-fail: sample.sample_is_seeded
message: all samples are identical
"""


def sample(model, n, seed, height=16, width=16):
    forward = tf.function(lambda canvas: model(canvas, training=False), autograph=False)
    x = np.zeros((n, height, width, 1), np.float32)
    for r in range(height):
        for c in range(width):
            x[:, r, c, 0] = forward(x)[:, r, c, 0].numpy() > 0.0
    return x
