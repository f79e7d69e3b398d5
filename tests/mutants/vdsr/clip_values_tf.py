"""Clips gradient values to [-clip_norm, clip_norm] (as clipvalue=) instead of their norm.

tracks: tf
expect-fail: clip.clips_large_gradients
message: clips values
"""
import tensorflow as tf


def clip_by_global_norm(grads, clip_norm):
    return [tf.clip_by_value(g, -clip_norm, clip_norm) for g in grads]
