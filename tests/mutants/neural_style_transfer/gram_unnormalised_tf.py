"""Gram matrix without normalisation (F F^T, not divided by H*W): its scale grows with the image
size, so the style weight means something else for every image size.

tracks: tf
expect-fail: gram.gram_values
message: divide F F^T by H*W
"""
import tensorflow as tf


def gram_matrix(features):
    return tf.einsum("nhwc,nhwd->ncd", features, features)
