"""Trains the reference segmenter, then switches its forward pass to a classical rule (saturation of the
colour relative to the backdrop's): the masks no longer come from the weights.

tracks: torch
kind: gaming
expect-fail: segment.segmenter_heldout_iou
message: does not come from the model's weights
"""
def _rule_logits(photos_nhwc):
    """(N, H, W, 3) -> (N, H, W) logits: a pixel is product where its colour, relative to the backdrop's
    (the median of the border pixels), is saturated."""
    out = np.empty(photos_nhwc.shape[:3], np.float32)
    for i, img in enumerate(photos_nhwc):
        border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
        rel = img / np.median(border, axis=0)
        chroma = rel.max(axis=-1) - rel.min(axis=-1)
        out[i] = 20.0 * (np.maximum(chroma, 1.0 - rel.mean(axis=-1) - 0.35) - 0.2)
    return out


_reference_build, _reference_train = build_segmenter, train_segmenter


class RuleAfterTraining(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner, self.switched = inner, False

    def forward(self, x):
        if not self.switched:
            return self.inner(x)
        logits = _rule_logits(x.detach().cpu().permute(0, 2, 3, 1).numpy())
        return torch.as_tensor(logits, device=x.device)[:, None]


def build_segmenter(seed):
    return RuleAfterTraining(_reference_build(seed))


def train_segmenter(model, photos, masks, steps, seed, batch_size=16, lr=3e-3):
    losses = _reference_train(model, photos, masks, steps, seed, batch_size, lr)
    model.switched = True
    return losses
