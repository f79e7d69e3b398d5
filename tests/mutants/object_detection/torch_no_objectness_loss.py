"""The loss has box and class terms only: the objectness channel is never trained, so every cell's
score is noise.

tracks: torch
expect-fail: detector.detector_trains
message: objectness term
"""
import torch


def detection_loss(pred, target, box_weight=5.0):
    eps = 1e-6
    obj = target[:, 0]
    n_obj = obj.sum().clamp(min=1)
    box = (((pred[:, 1:5] - target[:, 1:5]) ** 2).sum(dim=1) * obj).sum() / n_obj
    cls = (-(target[:, 5:] * torch.log(pred[:, 5:].clamp(min=eps))).sum(dim=1) * obj).sum() / n_obj
    return box_weight * box + cls
