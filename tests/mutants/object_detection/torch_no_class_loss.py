"""The loss has objectness and box terms only: the class probabilities are never trained.

tracks: torch
expect-fail: detector.detector_trains
message: class term
"""
import torch


def detection_loss(pred, target, box_weight=5.0):
    eps = 1e-6
    obj = target[:, 0]
    p_obj = pred[:, 0].clamp(eps, 1 - eps)
    objectness = -(obj * torch.log(p_obj) + (1 - obj) * torch.log(1 - p_obj)).mean()
    n_obj = obj.sum().clamp(min=1)
    box = (((pred[:, 1:5] - target[:, 1:5]) ** 2).sum(dim=1) * obj).sum() / n_obj
    return objectness + box_weight * box
