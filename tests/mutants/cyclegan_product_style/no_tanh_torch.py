"""The generator has no final tanh: its images are not bounded to [-1, 1] like the real ones.

tracks: torch
expect-fail: models.generator_tanh_range
message: tanh
"""


def build_generator(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(3, 16, 1), nn.ReLU(), nn.Conv2d(16, 16, 1), nn.ReLU(), nn.Conv2d(16, 3, 1),
    ).to(DEVICE)
