"""Multiplies the weights by the mask once at construction and then runs a plain convolution:
the untrained model is causal, but the optimiser fills the masked weights back in.

tracks: torch
expect-fail: train.still_causal
message: every forward pass
"""


class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type):
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
        with torch.no_grad():
            self.weight *= causal_mask(kernel_size, mask_type)
