"""Takes the channel means over the whole batch, so every image gets the same gains.

tracks: torch
expect-fail: gray_world.gray_world_values
message: whole batch
"""
import torch


def gray_world(images):
    means = images.mean(dim=(0, 2, 3), keepdim=True)
    return (images * means.mean() / means).clamp(0.0, 1.0)
