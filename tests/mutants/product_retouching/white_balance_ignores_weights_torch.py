"""Averages the colour over the whole image: gray world again, blind to the backdrop weights.

tracks: torch
expect-fail: white_balance.white_balance_values
message: gray world
"""
import torch


def white_balance(images, background):
    colour = images.mean(dim=(2, 3), keepdim=True)
    return (images * colour.mean(dim=1, keepdim=True) / colour).clamp(0.0, 1.0)
