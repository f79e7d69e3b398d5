"""Negative overlaps are not clamped: disjoint boxes get a nonzero (even positive) intersection.

tracks: torch
expect-fail: iou.iou_special_cases
message: clamp
"""
import torch


def box_iou(boxes_a, boxes_b):
    area_a = (boxes_a[:, 2] - boxes_a[:, 0]) * (boxes_a[:, 3] - boxes_a[:, 1])
    area_b = (boxes_b[:, 2] - boxes_b[:, 0]) * (boxes_b[:, 3] - boxes_b[:, 1])
    top_left = torch.maximum(boxes_a[:, None, :2], boxes_b[None, :, :2])
    bottom_right = torch.minimum(boxes_a[:, None, 2:], boxes_b[None, :, 2:])
    wh = bottom_right - top_left
    inter = wh[..., 0] * wh[..., 1]
    union = area_a[:, None] + area_b[None, :] - inter
    return torch.where(union != 0, inter / torch.where(union != 0, union, torch.ones_like(union)), torch.zeros_like(union))
