"""Style mixing up to and including block crossover from z (blocks crossover + 1.. from z_mix).

tracks: tf
expect-fail: synthesis.generate_builds_the_styles
message: off by one
"""
import keras


def generate(mapping, synthesis, z, psi, w_avg, z_mix=None, crossover=None):
    w = truncate(mapping(z, training=False), w_avg, psi)  # noqa: F821
    if z_mix is None:
        ws = keras.ops.repeat(w[:, None], N_STYLES, axis=1)  # noqa: F821
    else:
        w_mix = truncate(mapping(z_mix, training=False), w_avg, psi)  # noqa: F821
        ws = keras.ops.concatenate([keras.ops.repeat(w[:, None], crossover + 1, axis=1),
                                    keras.ops.repeat(w_mix[:, None], N_STYLES - crossover - 1, axis=1)], axis=1)  # noqa: F821
    return synthesis(ws, training=False)
