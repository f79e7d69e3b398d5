"""Modulates each block's features with the style's scale and bias but never normalises them (no instance
norm: x * (1 + scale) + bias, as if AdaIN were only an affine layer): the style cannot replace the
statistics the features bring along, and each block's image still depends on the convolution's scale.

tracks: torch
expect-fail: synthesis.blocks_normalise_with_adain
message: must normalise the features
"""
from torch.nn import functional as F


def _forward_without_normalisation(self, ws):
    x = self.const.expand(len(ws), -1, -1, -1)
    for i, (conv, style) in enumerate(zip(self.convs, self.styles)):
        if i > 0:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = F.leaky_relu(conv(x), 0.2)
        scale, bias = style(ws[:, i]).chunk(2, dim=1)
        x = x * (1 + scale[..., None, None]) + bias[..., None, None]
    return torch.tanh(self.to_rgb(x))


SynthesisNetwork.forward = _forward_without_normalisation
