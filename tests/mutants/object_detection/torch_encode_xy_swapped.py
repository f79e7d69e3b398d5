"""Encodes each object at [col, row] instead of [row, col]: x and y swapped.

tracks: torch
expect-fail: encode.encode_hand_made
message: x/y swapped
"""
import math

import torch


def encode_boxes(boxes, labels, grid, num_classes, image_size):
    cell = image_size / grid
    target = torch.zeros(5 + num_classes, grid, grid, device=boxes.device)
    for (x1, y1, x2, y2), label in zip(boxes.tolist(), labels.tolist()):
        cx, cy, w, h = (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1
        row, col = min(int(cy // cell), grid - 1), min(int(cx // cell), grid - 1)
        target[:5, col, row] = torch.tensor([1.0, cx / cell - col, cy / cell - row,
                                             math.sqrt(w / image_size), math.sqrt(h / image_size)], device=boxes.device)
        target[5 + int(label), col, row] = 1.0
    return target
