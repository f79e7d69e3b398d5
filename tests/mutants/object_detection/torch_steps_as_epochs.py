"""Runs `steps` passes of 3 minibatches each (steps used as short epochs): 3 times the optimizer steps asked for.

tracks: torch
kind: gaming
expect-fail: detector.detector_trains
message: were `steps` used as epochs
"""

_reference_train = train_detector


def train_detector(model, images, targets, steps, seed, batch_size=32, lr=3e-3):
    return _reference_train(model, images, targets, 3 * steps, seed, batch_size, lr)[::3]
