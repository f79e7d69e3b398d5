"""Cuts the product out onto white but keeps its colour cast.

tracks: torch
expect-fail: retouch.retouch_colour
message: colour cast is still there
"""
import torch


def retouch(model, photos):
    model.eval()
    with torch.no_grad():
        m = (model(photos) > 0).float()
        return m * photos + (1.0 - m)
