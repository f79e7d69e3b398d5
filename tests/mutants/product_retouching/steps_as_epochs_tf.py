"""Runs `steps` passes of 3 minibatches each (steps used as short epochs): 3 times the optimizer steps asked for.

tracks: tf
kind: gaming
expect-fail: segment.segmenter_heldout_iou
message: were `steps` used as epochs
"""

_reference_train = train_segmenter


def train_segmenter(model, photos, masks, steps, seed, batch_size=16, lr=3e-3):
    return _reference_train(model, photos, masks, 3 * steps, seed, batch_size, lr)[::3]
