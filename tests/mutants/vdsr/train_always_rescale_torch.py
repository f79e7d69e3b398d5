"""Always rescales the gradient to norm clip_norm (g * clip_norm / norm, no min with 1): small
gradients are blown UP to clip_norm, so clip_norm acts as a fixed step size.

tracks: torch
expect-fail: step.clipped_step
message: rescaled UP
"""


def clip_by_global_norm(grads, clip_norm):
    total = torch.sqrt(sum((g.double() ** 2).sum() for g in grads))
    return [g * (clip_norm / (total + 1e-12)).to(g.dtype) for g in grads]
