"""Returns tf.clip_by_global_norm's result as is: a pair (clipped list, global norm), not the list.

tracks: tf
expect-fail: clip.clips_large_gradients
message: return only the list
"""
import tensorflow as tf


def clip_by_global_norm(grads, clip_norm):
    return tf.clip_by_global_norm(grads, clip_norm)
