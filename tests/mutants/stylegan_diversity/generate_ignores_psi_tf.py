"""generate never truncates: psi has no effect.

tracks: tf
expect-fail: synthesis.diversity_grows_with_psi
message: must truncate
"""
import keras


def generate(mapping, synthesis, z, psi, w_avg, z_mix=None, crossover=None):
    w = mapping(z, training=False)
    ws = keras.ops.repeat(w[:, None], N_STYLES, axis=1)  # noqa: F821
    if z_mix is not None:
        w_mix = mapping(z_mix, training=False)
        ws = keras.ops.concatenate([ws[:, :crossover], keras.ops.repeat(w_mix[:, None], N_STYLES - crossover, axis=1)],  # noqa: F821
                                   axis=1)
    return synthesis(ws, training=False)
