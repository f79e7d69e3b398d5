"""Every block takes the first style ws[:, 0], so style mixing has nothing to mix.

tracks: tf
expect-fail: synthesis.every_block_takes_its_style
message: own style
"""
import keras


class SynthesisNetwork(SynthesisNetwork):  # noqa: F821 (the reference's class)
    def call(self, ws, training=False):
        x = keras.ops.tile(self.const, (keras.ops.shape(ws)[0], 1, 1, 1))
        for i, (conv, style) in enumerate(zip(self.convs, self.styles)):
            if i > 0:
                x = keras.ops.repeat(keras.ops.repeat(x, 2, axis=1), 2, axis=2)
            x = keras.ops.leaky_relu(conv(x), 0.2)
            scale, bias = keras.ops.split(style(ws[:, 0]), 2, axis=-1)
            x = adain(x, 1 + scale, bias)  # noqa: F821
        return self.to_rgb(x)
