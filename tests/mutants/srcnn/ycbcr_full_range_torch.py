"""Uses the full-range (JPEG / OpenCV) YCbCr: Y = 0.299 R + 0.587 G + 0.114 B without the 16/255
offset, so PSNRs on Y are not comparable with the super-resolution literature's.

tracks: torch
expect-fail: ycbcr.luma_convention
message: studio range
"""
import torch

JPEG = torch.tensor([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])
JPEG_OFFSET = torch.tensor([0.0, 0.5, 0.5])


def rgb_to_ycbcr(images):
    m = JPEG.to(images.device, images.dtype)
    return torch.einsum("ij,njhw->nihw", m, images) + JPEG_OFFSET.to(images.device, images.dtype)[None, :, None, None]


def ycbcr_to_rgb(images):
    inv = torch.linalg.inv(JPEG.double()).to(images.device, images.dtype)
    return torch.einsum("ij,njhw->nihw", inv, images - JPEG_OFFSET.to(images.device, images.dtype)[None, :, None, None])
