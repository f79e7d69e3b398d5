"""Every block takes the first style ws[:, 0], so style mixing has nothing to mix.

tracks: torch
expect-fail: synthesis.every_block_takes_its_style
message: own style
"""
import torch
from torch.nn import functional as F


class SynthesisNetwork(SynthesisNetwork):  # noqa: F821 (the reference's class)
    def forward(self, ws):
        x = self.const.expand(len(ws), -1, -1, -1)
        for i, (conv, style) in enumerate(zip(self.convs, self.styles)):
            if i > 0:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = F.leaky_relu(conv(x), 0.2)
            scale, bias = style(ws[:, 0]).chunk(2, dim=1)
            x = adain(x, 1 + scale, bias)  # noqa: F821
        return torch.tanh(self.to_rgb(x))
