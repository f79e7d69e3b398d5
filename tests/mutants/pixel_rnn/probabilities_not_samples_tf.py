"""Writes the probability sigmoid(logit) into the canvas instead of a drawn 0 or 1: the result is a
grey "mean image" conditioned on grey pixels, not a sample of binary digits.

tracks: tf
expect-fail: sample.sample_shape_and_values
message: Bernoulli
"""


def sample(model, n, seed, height=16, width=16):
    forward = tf.function(lambda canvas: model(canvas, training=False), autograph=False)
    x = np.zeros((n, height, width, 1), np.float32)
    for r in range(height):
        for c in range(width):
            x[:, r, c, 0] = tf.sigmoid(forward(x)[:, r, c, 0]).numpy()
    return x
