"""Masked convolutions with "valid" padding: every layer shrinks the image, so the logits are
smaller than the image and no longer line up with the pixels.

tracks: tf
expect-fail: build.logits_shape
message: 'same' padding
"""


class MaskedConv2D(keras.layers.Conv2D):
    def __init__(self, filters, kernel_size, mask_type, **kwargs):
        super().__init__(filters, kernel_size, padding="valid", **kwargs)
        self.mask = causal_mask(kernel_size, mask_type)[:, :, None, None]

    def convolution_op(self, inputs, kernel):
        return super().convolution_op(inputs, kernel * self.mask)
