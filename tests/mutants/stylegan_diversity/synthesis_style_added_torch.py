"""Adds each block's style to its features (a learned bias per channel from w) instead of AdaIN, and
normalises only the last block: every block still takes its own style and diversity still grows with
psi, but three blocks never normalise what their convolution brings.

tracks: torch
expect-fail: synthesis.blocks_normalise_with_adain
message: Each of the 4 blocks needs its AdaIN
"""
from torch.nn import functional as F


def _forward_adding_styles(self, ws):
    x = self.const.expand(len(ws), -1, -1, -1)
    for i, (conv, style) in enumerate(zip(self.convs, self.styles)):
        if i > 0:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = F.leaky_relu(conv(x), 0.2)
        scale, bias = style(ws[:, i]).chunk(2, dim=1)
        x = adain(x, 1 + scale, bias) if i == len(self.convs) - 1 else x + bias[..., None, None]
    return torch.tanh(self.to_rgb(x))


SynthesisNetwork.forward = _forward_adding_styles
