"""Modulates each block's features with the style's scale and bias but never normalises them (no instance
norm: x * (1 + scale) + bias, as if AdaIN were only an affine layer): the style cannot replace the
statistics the features bring along, and each block's image still depends on the convolution's scale.

tracks: tf
expect-fail: synthesis.blocks_normalise_with_adain
message: must normalise the features
"""
import keras


def _call_without_normalisation(self, ws, training=False):
    x = keras.ops.tile(self.const, (keras.ops.shape(ws)[0], 1, 1, 1))
    for i, (conv, style) in enumerate(zip(self.convs, self.styles)):
        if i > 0:
            x = keras.ops.repeat(keras.ops.repeat(x, 2, axis=1), 2, axis=2)
        x = keras.ops.leaky_relu(conv(x), 0.2)
        scale, bias = keras.ops.split(style(ws[:, i]), 2, axis=-1)
        x = x * (1 + scale[:, None, None, :]) + bias[:, None, None, :]
    return self.to_rgb(x)


SynthesisNetwork.call = _call_without_normalisation
