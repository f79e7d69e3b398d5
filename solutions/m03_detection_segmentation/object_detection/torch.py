# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
# Scenes come from `fixtures.shapes`: 32 x 32 grey images with 1 to 3 squares (class 0), disks (1)
# and triangles (2); boxes are `(x1, y1, x2, y2)` in continuous pixel coordinates.

# %% tags=["setup"]
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn

from graders.notebook import checker

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
GRID, NUM_CLASSES, IMAGE_SIZE = 4, 3, 32  # a 4 x 4 grid of 8-pixel cells over 32 x 32 images

check = checker("object_detection", "torch", globals())

# %% [markdown]
# ## Part 1: intersection over union
#
# Boxes are `(x1, y1, x2, y2)` with `x1 <= x2`, `y1 <= y2`, in *continuous* coordinates: the
# width is `x2 - x1`, with no `+ 1` (that is the old pixel-inclusive VOC convention; torchvision
# and COCO use continuous coordinates). Compute all pairs at once by broadcasting `(N, 1, 2)`
# against `(1, M, 2)`. Two boxes that do not overlap have a *negative* overlap width: clamp it to
# zero. A pair whose union is empty (two zero-area boxes) has IoU 0, not NaN.

# %% tags=["solution"]
def box_iou(boxes_a, boxes_b):
    """Pairwise intersection over union.

    Args:
        boxes_a: float tensor (N, 4), boxes (x1, y1, x2, y2) in pixels, x1 <= x2 and y1 <= y2.
        boxes_b: float tensor (M, 4), same format.
    Returns:
        float tensor (N, M) in [0, 1]: entry (i, j) is IoU(boxes_a[i], boxes_b[j]); 0 where the
        union is empty (both boxes have zero area).
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: torch.maximum / torch.minimum of corners, then .clamp(min=0).
    area_a = (boxes_a[:, 2] - boxes_a[:, 0]) * (boxes_a[:, 3] - boxes_a[:, 1])
    area_b = (boxes_b[:, 2] - boxes_b[:, 0]) * (boxes_b[:, 3] - boxes_b[:, 1])
    top_left = torch.maximum(boxes_a[:, None, :2], boxes_b[None, :, :2])
    bottom_right = torch.minimum(boxes_a[:, None, 2:], boxes_b[None, :, 2:])
    wh = (bottom_right - top_left).clamp(min=0)  # no overlap -> 0, not a negative width
    inter = wh[..., 0] * wh[..., 1]
    union = area_a[:, None] + area_b[None, :] - inter
    safe = torch.where(union > 0, union, torch.ones_like(union))
    return torch.where(union > 0, inter / safe, torch.zeros_like(union))
    ### END SOLUTION


# %% tags=["check"]
check("iou")

# %% [markdown]
# ## Part 2: non-maximum suppression
#
# Greedy NMS: visit the boxes in order of **decreasing score**; keep the current box and drop every
# remaining box whose IoU with it is **strictly greater** than `iou_threshold` (a box with IoU equal
# to the threshold survives, as in `torchvision.ops.nms`). Repeat with what is left. All boxes are of
# one class here; for several classes you run NMS per class.

# %% tags=["solution"]
def nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression (single class).

    Args:
        boxes: float tensor (N, 4), (x1, y1, x2, y2) in pixels.
        scores: float tensor (N,), distinct scores.
        iou_threshold: float; a box is suppressed if its IoU with a kept, higher-scoring box is
            > iou_threshold.
    Returns:
        int64 tensor (K,): indices into boxes of the kept boxes, by decreasing score.
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: torch.argsort(scores, descending=True), then a while loop using box_iou.
    order = torch.argsort(scores, descending=True)
    keep = []
    while order.numel() > 0:
        best = order[0]
        keep.append(best)
        rest = order[1:]
        ious = box_iou(boxes[best][None], boxes[rest])[0]
        order = rest[ious <= iou_threshold]
    return torch.stack(keep) if keep else torch.empty(0, dtype=torch.int64, device=boxes.device)
    ### END SOLUTION


# %% tags=["check"]
check("nms")

# %% [markdown]
# ## Part 3: the grid target and its decoding
#
# A YOLO-v1 style detector divides the image into an `S x S` grid of cells (`cell = image_size / S`
# pixels). The cell that contains an object's **centre** is responsible for it. The target of one
# image is a tensor of `5 + C` channels per cell, **channels first** like every PyTorch feature
# map: `(5 + C, S, S)`, indexed `[channel, row, col]` where `row = floor(cy / cell)` counts
# along **y** and `col = floor(cx / cell)` along **x**. The channels of the responsible cell:
#
# | channel | meaning | range |
# |---|---|---|
# | 0 | objectness: 1 | {0, 1} |
# | 1 | `cx / cell - col`: x of the centre inside the cell | [0, 1) |
# | 2 | `cy / cell - row`: y of the centre inside the cell | [0, 1) |
# | 3 | `sqrt(w / image_size)` | (0, 1] |
# | 4 | `sqrt(h / image_size)` | (0, 1] |
# | 5 .. 5+C-1 | one-hot class | {0, 1} |
#
# Every other cell is all zeros. (The square root, as in YOLO v1, makes a 2-pixel error cost more on
# a small box than on a large one.) Decoding inverts this: a cell's **score** is
# `objectness * max(class probabilities)`, its **label** the argmax class, its box
# `cx = (col + channel 1) * cell`, `w = channel 3 ** 2 * image_size`, and so on. A prediction
# map has the same layout, with probabilities instead of 0/1, so one decoder serves both.

# %% tags=["solution"]
def encode_boxes(boxes, labels, grid, num_classes, image_size):
    """Training target of a grid detector for one image.

    Args:
        boxes: float tensor (K, 4), (x1, y1, x2, y2) in pixels inside [0, image_size]; K may be 0.
        labels: int64 tensor (K,), classes in 0..num_classes-1.
        grid: int S, cells per side. num_classes: int C. image_size: int, image height = width.
    Returns:
        float32 tensor (5 + C, S, S), channels first (see the table above); all zeros except the
        cells that hold an object's centre. If two centres fall in one cell, the later box wins.
    """
    ### BEGIN SOLUTION (about 12 lines) Hint: loop over boxes.tolist(); row from cy, col from cx; math.sqrt.
    cell = image_size / grid
    target = torch.zeros(5 + num_classes, grid, grid, dtype=torch.float32, device=boxes.device)
    for (x1, y1, x2, y2), label in zip(boxes.tolist(), labels.tolist()):
        cx, cy, w, h = (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1
        row, col = min(int(cy // cell), grid - 1), min(int(cx // cell), grid - 1)
        target[:, row, col] = 0.0  # if two centres share a cell, the later box wins
        target[:5, row, col] = torch.tensor([1.0, cx / cell - col, cy / cell - row, math.sqrt(w / image_size),
                                             math.sqrt(h / image_size)], device=target.device)
        target[5 + int(label), row, col] = 1.0
    return target
    ### END SOLUTION


def decode_predictions(output, image_size, score_threshold):
    """Boxes, scores and labels from one image's grid output (a target or a prediction).

    Args:
        output: float tensor (5 + C, S, S), channels first, layout of encode_boxes: channel 0
            objectness in [0, 1], 1-2 centre offsets in the cell, 3-4 sqrt of size / image_size,
            5.. class probabilities.
        image_size: int, image height = width in pixels.
        score_threshold: float; keep the cells whose score objectness * max class probability
            is >= score_threshold.
    Returns:
        (boxes, scores, labels): float tensor (K, 4) xyxy in pixels (not clipped), float tensor
        (K,), int64 tensor (K,), one entry per kept cell, in any order.
    """
    ### BEGIN SOLUTION (about 10 lines) Hint: probs.max(dim=0), torch.nonzero(..., as_tuple=True) gives rows and cols.
    grid = output.shape[-1]
    cell = image_size / grid
    class_prob, labels = output[5:].max(dim=0)
    scores = output[0] * class_prob
    rows, cols = torch.nonzero(scores >= score_threshold, as_tuple=True)
    cx = (cols + output[1, rows, cols]) * cell
    cy = (rows + output[2, rows, cols]) * cell
    w = output[3, rows, cols] ** 2 * image_size
    h = output[4, rows, cols] ** 2 * image_size
    boxes = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=1)
    return boxes, scores[rows, cols], labels[rows, cols]
    ### END SOLUTION


# %% tags=["check"]
check("encode")

# %% [markdown]
# ## Part 4: a tiny grid detector
#
# A fully convolutional network whose output *is* a prediction map in the layout above: three
# conv + max-pool blocks take 32 x 32 down to 4 x 4 (one output position per cell), and a 1 x 1
# conv predicts `5 + C` channels per cell. Inside `forward`, pass channels 0-4 through a sigmoid
# and the class channels through a softmax over the channel axis, so the output is
# `(N, 5 + C, S, S)` with objectness and offsets in [0, 1] and class probabilities summing to 1.
#
# The loss (YOLO v1, with modern choices for the objectness and class terms):
#
# $$L = \underbrace{\mathrm{BCE}(\hat o, o)}_{\text{every cell}}
# + \lambda_{box} \frac{1}{N_{obj}}\sum_{\text{object cells}} \lVert \hat b - b\rVert^2
# + \frac{1}{N_{obj}}\sum_{\text{object cells}} \mathrm{CE}(\hat p, c)$$
#
# Box and class terms count only in cells that hold an object: an empty cell has no box to
# regress. The objectness term counts everywhere; without it the score of every cell is noise.
#
# The grader encodes the targets itself, calls `train_detector` for 150 steps on 512 scenes
# (about 10 epochs at batch 32), runs your model on held-out scenes, decodes and NMSes the output
# with its own code and computes mAP@0.5 (it needs 0.5; the reference gets above 0.9). It also
# checks that each loss term falls on the training scenes. Keep the network tiny: it should train in
# a few seconds on a CPU. BatchNorm helps it converge in so few steps.
#
# Limits the grader enforces: `train_detector(..., steps=150)` must take exactly 150 optimizer steps
# (the grader counts them; `steps` counts minibatches, not epochs). The losses you return are checked
# for format only (one float per step); the points go to the grader's own measurements: each term of
# its loss on the training scenes, objectness on held-out scenes and mAP@0.5. The detections must
# come from the trained weights: the grader shuffles the values inside every weight tensor (through
# the model's weights) and measures mAP@0.5 again, which must fall to 0.2 or less (the reference
# falls to about 0). Post-processing, NMS included, is the grader's: the model's output is all it reads.

# %% tags=["solution"]
class GridDetector(nn.Module):
    """Three conv-BN-ReLU-maxpool blocks (width/2, width, 2 width channels), a 3 x 3 conv, and a
    1 x 1 conv head with 5 + C outputs per cell."""

    def __init__(self, num_classes, width=16):
        super().__init__()
        ### BEGIN SOLUTION (about 7 lines) Hint: nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d, nn.ReLU, nn.MaxPool2d(2).
        def block(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2)]

        self.body = nn.Sequential(*block(1, width // 2), *block(width // 2, width), *block(width, 2 * width),
                                  nn.Conv2d(2 * width, 2 * width, 3, padding=1), nn.ReLU())
        self.head = nn.Conv2d(2 * width, 5 + num_classes, 1)
        ### END SOLUTION

    def forward(self, x):
        """(N, 1, 32, 32) -> (N, 5 + C, S, S): sigmoid on channels 0-4, softmax over channels 5.."""
        ### BEGIN SOLUTION (about 2 lines) Hint: torch.cat of torch.sigmoid(raw[:, :5]) and torch.softmax(raw[:, 5:], dim=1).
        raw = self.head(self.body(x))
        return torch.cat([torch.sigmoid(raw[:, :5]), torch.softmax(raw[:, 5:], dim=1)], dim=1)
        ### END SOLUTION


def build_detector(grid, num_classes, seed):
    """A fully convolutional grid detector for 32 x 32 grey images.

    Args:
        grid: int S (4 here: the network downsamples 32 x 32 by 8 to S x S).
        num_classes: int C.
        seed: int; seeds the weight initialisation.
    Returns:
        torch.nn.Module on DEVICE mapping float32 images (N, 1, 32, 32) in [0, 1] to predictions
        (N, 5 + C, S, S) in the target layout: channels 0-4 through a sigmoid, 5.. a softmax.
    """
    ### BEGIN SOLUTION (about 2 lines) Hint: torch.manual_seed(seed), then your GridDetector, moved to DEVICE.
    torch.manual_seed(seed)
    return GridDetector(num_classes).to(DEVICE)
    ### END SOLUTION


def detection_loss(pred, target, box_weight=5.0):
    """YOLO-style loss; pred and target (N, 5 + C, S, S) in the target layout. Returns a scalar."""
    ### BEGIN SOLUTION (about 8 lines) Hint: obj = target[:, 0] masks the box and class terms.
    eps = 1e-6
    obj = target[:, 0]
    p_obj = pred[:, 0].clamp(eps, 1 - eps)
    objectness = -(obj * torch.log(p_obj) + (1 - obj) * torch.log(1 - p_obj)).mean()
    n_obj = obj.sum().clamp(min=1)
    box = (((pred[:, 1:5] - target[:, 1:5]) ** 2).sum(dim=1) * obj).sum() / n_obj
    cls = (-(target[:, 5:] * torch.log(pred[:, 5:].clamp(min=eps))).sum(dim=1) * obj).sum() / n_obj
    return objectness + box_weight * box + cls
    ### END SOLUTION


def train_detector(model, images, targets, steps, seed, batch_size=32, lr=3e-3):
    """Train in place with Adam on random mini-batches.

    Args:
        model: from build_detector. images: float32 tensor (N, 1, 32, 32) in [0, 1] on DEVICE.
        targets: float32 tensor (N, 5 + C, S, S), encode_boxes of each image, on DEVICE.
        steps: int, optimizer steps. seed: int, seeds the mini-batch sampling.
    Returns:
        list of `steps` floats, the loss of each step.
    """
    ### BEGIN SOLUTION (about 11 lines) Hint: torch.Generator().manual_seed(seed) for torch.randint batches.
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        idx = torch.randint(0, len(images), (batch_size,), generator=generator).to(images.device)
        loss = detection_loss(model(images[idx]), targets[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("detector")

# %% [markdown]
# Train on 512 scenes, then detect on held-out scenes: decode, NMS per class, draw. Green boxes are
# the ground truth, red ones the detections with a score of at least 0.2. After so few steps the
# objectness is under-confident (most cells are empty, so the BCE pulls every score down), which is
# why mAP, which only ranks the scores, is a better measure than a fixed threshold. Objects whose
# centre lies near a cell border are the hardest: one pixel decides which cell is responsible.

# %% tags=["demo"]
import cv2

from fixtures import shapes
from graders.plots import image_grid, loss_curve

train = shapes.scenes(512, seed=1)
test = shapes.scenes(16, seed=2)
to_tensor = lambda a: torch.as_tensor(a, device=DEVICE)
x_train = to_tensor(train.images).permute(0, 3, 1, 2).contiguous()
y_train = torch.stack([encode_boxes(to_tensor(b), to_tensor(l), GRID, NUM_CLASSES, IMAGE_SIZE)
                       for b, l in zip(train.boxes, train.labels)])
model = build_detector(GRID, NUM_CLASSES, seed=0)
losses = train_detector(model, x_train, y_train, steps=200, seed=0)
loss_curve({"train": losses}, smooth=10)
plt.show()


def detect(output, score_threshold=0.2, iou_threshold=0.5):
    """Decode one map, then NMS per class; numpy boxes, scores, labels."""
    boxes, scores, labels = decode_predictions(output, IMAGE_SIZE, score_threshold)
    keep = [torch.nonzero(labels == c)[:, 0][nms(boxes[labels == c], scores[labels == c], iou_threshold)]
            for c in labels.unique()]
    keep = torch.cat(keep) if keep else torch.zeros(0, dtype=torch.int64, device=boxes.device)
    return boxes[keep].cpu().numpy(), scores[keep].cpu().numpy(), labels[keep].cpu().numpy()


def draw(image, gt_boxes, boxes, labels, scale=4):
    """An RGB panel, upscaled: ground truth in green, detections in red with the class initial."""
    grey = cv2.resize((image[..., 0] * 255).astype(np.uint8), None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    panel = cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)
    for box, color in [(b, (0, 255, 0)) for b in gt_boxes] + [(b, (255, 0, 0)) for b in boxes]:
        x1, y1, x2, y2 = np.round(np.asarray(box) * scale).astype(int)
        cv2.rectangle(panel, (x1, y1), (x2 - 1, y2 - 1), color, 1)
    for box, label in zip(boxes, labels):
        origin = (int(max(box[0] * scale + 2, 0)), int(max(box[1] * scale + 11, 11)))
        cv2.putText(panel, shapes.CLASSES[int(label)][0], origin, cv2.FONT_HERSHEY_PLAIN, 0.8, (255, 0, 0))
    return panel.astype(np.float32) / 255


with torch.no_grad():
    pred = model.eval()(to_tensor(test.images).permute(0, 3, 1, 2))
panels = []
for image, out, gt_boxes in zip(test.images, pred, test.boxes):
    boxes, scores, labels = detect(out)
    panels.append(draw(image, gt_boxes, boxes, labels))
_, ax = plt.subplots(figsize=(12, 3.4))
image_grid(np.stack(panels), ncols=8, title="green: ground truth, red: detections (s/d/t = class)", ax=ax)
plt.show()
