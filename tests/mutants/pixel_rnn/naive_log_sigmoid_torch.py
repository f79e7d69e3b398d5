"""Writes the BCE by hand as -x log(sigmoid(l)) - (1 - x) log(1 - sigmoid(l)): 1 - sigmoid(100) is 0
in float32 and the loss is inf (or nan).

tracks: torch
expect-fail: bits_per_dim.large_logits_are_stable
message: underflows
"""


def bits_per_dim(logits, x):
    p = torch.sigmoid(logits)
    return -(x * torch.log(p) + (1 - x) * torch.log(1 - p)).mean() / math.log(2)
