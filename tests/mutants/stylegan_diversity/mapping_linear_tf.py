"""Stacks Dense layers without an activation: the mapping network collapses to one affine map.

tracks: tf
expect-fail: mapping.mapping_is_nonlinear
message: affine
"""
import keras


def build_mapping(seed, z_dim, w_dim, depth):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((z_dim,)), PixelNorm()]  # noqa: F821 (the reference's layer)
    layers += [keras.layers.Dense(w_dim, kernel_initializer="he_normal") for _ in range(depth)]
    return keras.Sequential(layers)
