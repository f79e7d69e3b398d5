"""NMS suppresses when IoU >= threshold, dropping a box whose IoU equals the threshold.

tracks: torch
expect-fail: nms.nms_threshold_is_strict
message: strictly
"""
import torch


def nms(boxes, scores, iou_threshold):
    order = torch.argsort(scores, descending=True)
    keep = []
    while order.numel() > 0:
        best, rest = order[0], order[1:]
        keep.append(best)
        ious = box_iou(boxes[best][None], boxes[rest])[0]
        order = rest[ious < iou_threshold]
    return torch.stack(keep)
