"""AdaIN through F.instance_norm, a synthesis network with 16 channels and bilinear upsampling, and
mean_w averaged over batches: other internals, the same semantics.

tracks: torch
"""
import torch
from torch import nn
from torch.nn import functional as F


def adain(x, scale, bias, eps=1e-5):
    return F.instance_norm(x, eps=eps) * scale[..., None, None] + bias[..., None, None]


def mean_w(mapping, z_dim, n, seed):
    generator = torch.Generator(device=DEVICE).manual_seed(int(seed))  # noqa: F821
    total = 0
    with torch.no_grad():
        for start in range(0, n, 512):
            z = torch.randn(min(512, n - start), z_dim, generator=generator, device=DEVICE)  # noqa: F821
            total = total + mapping(z).sum(dim=0)
    return total / n


class SynthesisNetwork(nn.Module):
    def __init__(self, w_dim, channels=16):
        super().__init__()
        self.const = nn.Parameter(torch.randn(1, channels, 4, 4))
        self.blocks = nn.ModuleList(nn.Conv2d(channels, channels, 3, padding=1) for _ in range(N_STYLES))  # noqa: F821
        self.affine = nn.ModuleList(nn.Linear(w_dim, 2 * channels) for _ in range(N_STYLES))  # noqa: F821
        self.rgb = nn.Conv2d(channels, 3, 1)

    def forward(self, ws):
        x = self.const.repeat(ws.shape[0], 1, 1, 1)
        for i in range(N_STYLES):  # noqa: F821
            if i:
                x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
            x = F.leaky_relu(self.blocks[i](x), 0.2)
            style = self.affine[i](ws[:, i])
            x = adain(x, 1 + style[:, :x.shape[1]], style[:, x.shape[1]:])
        return torch.tanh(self.rgb(x))
