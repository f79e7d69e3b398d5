"""Masked convolutions without padding: every layer shrinks the image, so the logits are smaller
than the image and no longer line up with the pixels.

tracks: torch
expect-fail: build.logits_shape
message: 'same' padding
"""


class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type):
        super().__init__(in_channels, out_channels, kernel_size)
        self.register_buffer("mask", causal_mask(kernel_size, mask_type))

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias)
