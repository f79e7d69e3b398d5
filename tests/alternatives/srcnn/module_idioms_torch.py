"""Other PyTorch idioms throughout: tensordot colour conversion, F.interpolate with an explicit size,
F.mse_loss inside the PSNR, a Sequential body with PReLU and a zero-initialised last layer (the model
starts as exactly bicubic), AdamW, and super_resolve upscaling in YCbCr (linear, so the same result).

tracks: torch
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def rgb_to_ycbcr(images):
    m = RGB_TO_YCBCR.to(images.device, images.dtype)
    out = torch.tensordot(images.permute(0, 2, 3, 1), m.T, dims=1) + YCBCR_OFFSET.to(images.device, images.dtype)
    return out.permute(0, 3, 1, 2)


def ycbcr_to_rgb(images):
    m = torch.linalg.inv(RGB_TO_YCBCR.double()).to(images.device, images.dtype)
    x = images.permute(0, 2, 3, 1) - YCBCR_OFFSET.to(images.device, images.dtype)
    return torch.tensordot(x, m.T, dims=1).permute(0, 3, 1, 2)


def bicubic_upscale(images, scale):
    h, w = images.shape[-2:]
    return torch.clamp(F.interpolate(images, size=(h * scale, w * scale), mode="bicubic"), 0, 1)


def psnr_shaved(sr, hr, border):
    if border:
        sr, hr = sr[..., border:-border, border:-border], hr[..., border:-border, border:-border]
    return 10 * np.log10(1.0 / F.mse_loss(sr.double(), hr.double()).item())


class ResidualSRCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.PReLU(32), nn.Conv2d(32, 16, 1), nn.PReLU(16),
                                  nn.Conv2d(16, 1, 5, padding=2))
        nn.init.zeros_(self.body[-1].weight)
        nn.init.zeros_(self.body[-1].bias)

    def forward(self, x):
        return x + self.body(x)


def build_srcnn(seed):
    torch.manual_seed(seed)
    return ResidualSRCNN().to(DEVICE)


def train_srcnn(model, upscaled, target, steps, seed, batch_size=16, learning_rate=3e-3):
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=1e-5)
    losses = []
    for _ in range(steps):
        idx = torch.randint(len(upscaled), (batch_size,), generator=generator).to(upscaled.device)
        loss = F.mse_loss(model(upscaled[idx]), target[idx])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    return losses


@torch.no_grad()
def super_resolve(model, low_res, scale):
    ycc = bicubic_upscale(rgb_to_ycbcr(low_res), scale)  # interpolation and colour conversion commute
    ycc = torch.cat([model(ycc[:, :1]), ycc[:, 1:]], dim=1)
    return ycbcr_to_rgb(ycc).clamp(0, 1)
