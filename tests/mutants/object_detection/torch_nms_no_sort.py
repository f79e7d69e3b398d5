"""NMS visits the boxes in their input order instead of by descending score.

tracks: torch
expect-fail: nms.nms_matches_reference
message: descending score
"""
import torch


def nms(boxes, scores, iou_threshold):
    order = torch.arange(len(boxes), device=boxes.device)
    keep = []
    while order.numel() > 0:
        best, rest = order[0], order[1:]
        keep.append(best)
        ious = box_iou(boxes[best][None], boxes[rest])[0]
        order = rest[ious <= iou_threshold]
    kept = torch.stack(keep) if keep else torch.empty(0, dtype=torch.int64)
    return kept[torch.argsort(scores[kept], descending=True)]
