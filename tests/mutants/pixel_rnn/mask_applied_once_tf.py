"""Multiplies the kernel by the mask once after building it and then runs a plain convolution:
the untrained model is causal, but the optimiser fills the masked weights back in.

tracks: tf
expect-fail: train.still_causal
message: every forward pass
"""


class MaskedConv2D(keras.layers.Conv2D):
    def __init__(self, filters, kernel_size, mask_type, **kwargs):
        super().__init__(filters, kernel_size, padding="same", **kwargs)
        self.mask = causal_mask(kernel_size, mask_type)[:, :, None, None]

    def build(self, input_shape):
        super().build(input_shape)
        self.kernel.assign(self.kernel * self.mask)
