"""Skips the synthesis network: a single linear projection of all the styles to an 8x8 image, upsampled
and squashed by tanh. Every block's style changes the image and diversity grows with psi, as for any
function of w, but there is no constant input, no convolution and no AdaIN.

tracks: torch
kind: gaming
expect-fail: synthesis.blocks_normalise_with_adain
message: Each of the 4 blocks needs its AdaIN
"""
from torch import nn
from torch.nn import functional as F


class _Projection(nn.Module):
    def __init__(self, w_dim):
        super().__init__()
        self.project = nn.Linear(N_STYLES * w_dim, 3 * 8 * 8)

    def forward(self, ws):
        x = self.project(ws.reshape(len(ws), -1)).reshape(len(ws), 3, 8, 8)
        return torch.tanh(F.interpolate(x, scale_factor=4, mode="nearest"))


def build_synthesis(seed, w_dim):
    torch.manual_seed(seed)
    return _Projection(w_dim).to(DEVICE)
