"""Returns the channels in OpenCV's order Y, Cr, Cb instead of Y, Cb, Cr.

tracks: torch
expect-fail: ycbcr.chroma_channels
message: swapped
"""
import torch


def rgb_to_ycbcr(images):
    matrix = RGB_TO_YCBCR[[0, 2, 1]].to(images.device, images.dtype)
    offset = YCBCR_OFFSET.to(images.device, images.dtype)
    return torch.einsum("ij,njhw->nihw", matrix, images) + offset[None, :, None, None]
