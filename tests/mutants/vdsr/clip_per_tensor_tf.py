"""Clips every gradient tensor's norm separately (tf.clip_by_norm) instead of the global norm.

tracks: tf
expect-fail: clip.clips_large_gradients
message: separately
"""
import tensorflow as tf


def clip_by_global_norm(grads, clip_norm):
    return [tf.clip_by_norm(g, clip_norm) for g in grads]
