"""Another correct solution: per-coordinate IoU with nan_to_num, NMS on a precomputed IoU matrix,
a decoder that loops over cells, and a detector with strided convolutions (BatchNorm, no
pooling), separate heads and YOLO v1's original sum-squared loss (lambda_coord 5, lambda_noobj 0.5).

tracks: torch
"""
import math

import torch
import torch.nn as nn


def box_iou(boxes_a, boxes_b):
    ax1, ay1, ax2, ay2 = boxes_a.unbind(1)
    bx1, by1, bx2, by2 = boxes_b.unbind(1)
    iw = (torch.min(ax2[:, None], bx2[None]) - torch.max(ax1[:, None], bx1[None])).clamp(min=0)
    ih = (torch.min(ay2[:, None], by2[None]) - torch.max(ay1[:, None], by1[None])).clamp(min=0)
    inter = iw * ih
    union = ((ax2 - ax1) * (ay2 - ay1))[:, None] + ((bx2 - bx1) * (by2 - by1))[None] - inter
    return torch.nan_to_num(inter / union, nan=0.0)


def nms(boxes, scores, iou_threshold):
    order = torch.argsort(scores, descending=True)
    iou = box_iou(boxes, boxes)
    removed = torch.zeros(len(boxes), dtype=torch.bool, device=boxes.device)
    keep = []
    for i in order.tolist():
        if removed[i]:
            continue
        keep.append(i)
        removed |= iou[i] > iou_threshold
    return torch.tensor(keep, dtype=torch.int64)


def decode_predictions(output, image_size, score_threshold):
    num_classes, grid = output.shape[0] - 5, output.shape[1]
    cell = image_size / grid
    boxes, scores, labels = [], [], []
    for row in range(grid):
        for col in range(grid):
            v = output[:, row, col].tolist()
            label = max(range(num_classes), key=lambda c: v[5 + c])
            score = v[0] * v[5 + label]
            if score < score_threshold:
                continue
            cx, cy = (col + v[1]) * cell, (row + v[2]) * cell
            w, h = v[3] ** 2 * image_size, v[4] ** 2 * image_size
            boxes.append([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
            scores.append(score)
            labels.append(label)
    return (torch.tensor(boxes, dtype=torch.float64).reshape(-1, 4), torch.tensor(scores, dtype=torch.float64),
            torch.tensor(labels, dtype=torch.int64))


class StridedDetector(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.LeakyReLU(0.1),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.LeakyReLU(0.1),
            nn.Conv2d(32, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.LeakyReLU(0.1),
            nn.Conv2d(32, 32, 3, padding=1), nn.LeakyReLU(0.1))
        self.box = nn.Conv2d(32, 5, 1)
        self.cls = nn.Conv2d(32, num_classes, 1)

    def forward(self, x):
        f = self.body(x)
        return torch.cat([torch.sigmoid(self.box(f)), torch.softmax(self.cls(f), dim=1)], dim=1)


def build_detector(grid, num_classes, seed):
    torch.manual_seed(seed)
    return StridedDetector(num_classes).to(DEVICE)


def detection_loss(pred, target, box_weight=5.0):
    obj = target[:, 0]
    n_images = pred.shape[0]
    coord = box_weight * (((pred[:, 1:5] - target[:, 1:5]) ** 2).sum(1) * obj).sum()
    conf = (((pred[:, 0] - obj) ** 2) * (obj + 0.5 * (1 - obj))).sum()
    cls = (((pred[:, 5:] - target[:, 5:]) ** 2).sum(1) * obj).sum()
    return (coord + conf + cls) / n_images


def train_detector(model, images, targets, steps, seed, batch_size=32, lr=2e-3):
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        idx = torch.randint(0, len(images), (batch_size,), generator=generator).to(images.device)
        loss = detection_loss(model(images[idx]), targets[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    return losses
