"""Trains the reference segmenter, then switches its forward pass to a classical rule (saturation of the
colour relative to the backdrop's): the masks no longer come from the weights.

tracks: tf
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
_SWITCHED = set()


class RuleAfterTraining(keras.Model):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def call(self, x, training=False):
        if id(self) not in _SWITCHED:
            return self.inner(x, training=training)
        return tf.constant(_rule_logits(np.asarray(x))[..., None])


def build_segmenter(seed):
    return RuleAfterTraining(_reference_build(seed))


def train_segmenter(model, photos, masks, steps, seed, batch_size=16, lr=3e-3):
    losses = _reference_train(model, photos, masks, steps, seed, batch_size, lr)
    _SWITCHED.add(id(model))
    return losses
