"""Trains the reference, then answers from a private copy of the trained generator that the
grader's weights (state_dict) do not reach: the output no longer depends on the model it handed in.

tracks: torch
kind: gaming
expect-fail: train.psnr_beats_baselines
message: does not come from the model's weights
"""
import copy

_build_reference, _train_reference = build_generator, train_enhancer


class _HiddenCopy(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        object.__setattr__(self, "frozen", None)   # not a submodule: outside state_dict

    def forward(self, x):
        out = self.inner(x)
        return out if self.frozen is None else self.frozen(x) + 0 * out


def build_generator(seed):
    return _HiddenCopy(_build_reference(seed))


def train_enhancer(generator, discriminator, low, high, steps, seed, l1_weight=100.0, batch_size=16, lr=2e-3):
    losses = _train_reference(generator.inner, discriminator, low, high, steps, seed, l1_weight, batch_size, lr)
    object.__setattr__(generator, "frozen", copy.deepcopy(generator.inner).eval())
    return losses
