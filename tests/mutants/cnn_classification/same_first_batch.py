"""Trains on the same first `batch_size` digits at every step (the batch is taken once, before the
loop): the model never sees most of the training set. On shuffled data it still scores about 0.9;
on the grader's class-sorted relabelled set it sees one class only.

tracks: torch tf
expect-fail: train.train_hidden
"""
_train_reference = train_cnn


def train_cnn(model, images, labels, steps, seed, batch_size=64):
    return _train_reference(model, images[:batch_size], labels[:batch_size], steps, seed, batch_size)
