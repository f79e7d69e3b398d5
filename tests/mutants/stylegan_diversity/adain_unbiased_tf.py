"""Uses the unbiased variance (divides by H*W - 1), as tf.math.reduce_variance would not but np.var(ddof=1) does.

tracks: tf
expect-fail: adain.adain_values
message: unbiased
"""
import keras


def adain(x, scale, bias, eps=1e-5):
    n = keras.ops.shape(x)[1] * keras.ops.shape(x)[2]
    mean = keras.ops.mean(x, axis=(1, 2), keepdims=True)
    var = keras.ops.sum(keras.ops.square(x - mean), axis=(1, 2), keepdims=True) / float(n - 1)
    return scale[:, None, None, :] * (x - mean) / keras.ops.sqrt(var + eps) + bias[:, None, None, :]
