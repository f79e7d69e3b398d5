"""Decodes the size as channel 3 * image_size, forgetting to undo the square root.

tracks: torch
expect-fail: encode.decode_round_trip
message: channel 3 ** 2
"""
import torch


def decode_predictions(output, image_size, score_threshold):
    cell = image_size / output.shape[-1]
    class_prob, labels = output[5:].max(dim=0)
    scores = output[0] * class_prob
    rows, cols = torch.nonzero(scores >= score_threshold, as_tuple=True)
    cx = (cols + output[1, rows, cols]) * cell
    cy = (rows + output[2, rows, cols]) * cell
    w = output[3, rows, cols] * image_size
    h = output[4, rows, cols] * image_size
    boxes = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=1)
    return boxes, scores[rows, cols], labels[rows, cols]
