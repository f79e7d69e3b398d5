"""Maps the average z instead of averaging the mapped w's: f(E[z]) is not E[f(z)].

tracks: tf
expect-fail: mapping.mean_w_is_the_average_w
message: average the w's
"""
import keras


def mean_w(mapping, z_dim, n, seed):
    z = keras.random.normal((n, z_dim), seed=int(seed))
    return mapping(keras.ops.mean(z, axis=0, keepdims=True), training=False)[0]
