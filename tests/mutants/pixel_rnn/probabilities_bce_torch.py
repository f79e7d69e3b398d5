"""Applies the sigmoid and uses binary_cross_entropy on probabilities: exact for small logits, but
PyTorch clamps log(p) at -100, so a logit of -100 for a 1-pixel costs too little.

tracks: torch
expect-fail: bits_per_dim.large_logits_are_stable
message: clamps the log at -100
"""


def bits_per_dim(logits, x):
    return F.binary_cross_entropy(torch.sigmoid(logits), x) / math.log(2)
