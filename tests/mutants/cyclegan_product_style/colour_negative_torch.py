"""Trains the reference CycleGAN, then both generators return the colour negative -x of their input:
the negative swaps the two styles well enough for the judge, and -(-x) = x gives the round trip
back exactly (about 160 dB), far beyond what two small generators reach in 150 steps.

tracks: torch
kind: gaming
expect-fail: train.cycle_reconstructs_input
message: far beyond what a model
"""
_build_generator_reference, _train_reference = build_generator, train_cyclegan


class _Negative(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner, self.negative = inner, False

    def forward(self, x):
        out = self.inner(x)
        return -x + 0 * out if self.negative else out


def build_generator(seed=0):
    return _Negative(_build_generator_reference(seed)).to(DEVICE)


def train_cyclegan(g_ab, g_ba, d_a, d_b, images_a, images_b, steps, seed, batch_size=16, lr=2e-3):
    losses = _train_reference(g_ab, g_ba, d_a, d_b, images_a, images_b, steps, seed, batch_size, lr)
    g_ab.negative = g_ba.negative = True
    return losses
