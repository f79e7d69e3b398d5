"""Composites with the backdrop's mask: the product turns white and the grey backdrop stays.

tracks: torch
expect-fail: retouch.retouch_backdrop
message: composite onto white
"""
import torch


def retouch(model, photos):
    model.eval()
    with torch.no_grad():
        m = (model(photos) > 0).float()
        balanced = white_balance(photos, 1.0 - m)
        return (1.0 - m) * balanced + m
