"""Skips the synthesis network: a single linear projection of all the styles to an 8x8 image, upsampled
and squashed by tanh. Every block's style changes the image and diversity grows with psi, as for any
function of w, but there is no constant input, no convolution and no AdaIN.

tracks: tf
kind: gaming
expect-fail: synthesis.blocks_normalise_with_adain
message: Each of the 4 blocks needs its AdaIN
"""
import keras


def build_synthesis(seed, w_dim):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((N_STYLES, w_dim)), keras.layers.Flatten(), keras.layers.Dense(8 * 8 * 3),
        keras.layers.Reshape((8, 8, 3)), keras.layers.UpSampling2D(4), keras.layers.Activation("tanh"),
    ])
