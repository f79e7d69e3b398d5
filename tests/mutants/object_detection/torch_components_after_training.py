"""Trains the reference detector, then switches its forward pass to a classical detector (connected
components of the bright pixels, class from the fill ratio): the detections no longer come from the weights.

tracks: torch
kind: gaming
expect-fail: detector.detector_heldout_map
message: does not come from the model's weights
"""
from scipy import ndimage as _ndimage


def _components_grid(images_nhwc, grid=4, num_classes=3):
    """(N, H, W, 1) -> (N, S, S, 5 + C): one detection per bright connected component, class from its fill."""
    n, size = len(images_nhwc), images_nhwc.shape[1]
    cell = size / grid
    out = np.zeros((n, grid, grid, 5 + num_classes), np.float32)
    out[..., 0] = 0.01
    out[..., 5:] = 1.0 / num_classes
    for i, img in enumerate(images_nhwc[..., 0]):
        labels, count = _ndimage.label(img > np.median(img) + 0.12)
        for k, (sy, sx) in enumerate(_ndimage.find_objects(labels)):
            area = int((labels[sy, sx] == k + 1).sum())
            w, h = sx.stop - sx.start, sy.stop - sy.start
            if area < 12:
                continue
            fill = area / (w * h)
            cls = 0 if fill > 0.9 else 1 if fill > 0.65 else 2
            cx, cy = (sx.start + sx.stop) / 2, (sy.start + sy.stop) / 2
            row, col = min(int(cy // cell), grid - 1), min(int(cx // cell), grid - 1)
            out[i, row, col, :5] = [0.99, cx / cell - col, cy / cell - row, np.sqrt(w / size), np.sqrt(h / size)]
            out[i, row, col, 5:] = 0.01
            out[i, row, col, 5 + cls] = 1 - 0.01 * (num_classes - 1)
    return out


_reference_build, _reference_train = build_detector, train_detector


class ComponentsAfterTraining(torch.nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner, self.switched = inner, False

    def forward(self, x):
        if not self.switched:
            return self.inner(x)
        grid = _components_grid(x.detach().cpu().permute(0, 2, 3, 1).numpy())
        return torch.as_tensor(grid, device=x.device).permute(0, 3, 1, 2)


def build_detector(grid, num_classes, seed):
    return ComponentsAfterTraining(_reference_build(grid, num_classes, seed))


def train_detector(model, images, targets, steps, seed, batch_size=32, lr=3e-3):
    losses = _reference_train(model, images, targets, steps, seed, batch_size, lr)
    model.switched = True
    return losses
