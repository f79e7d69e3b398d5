"""Generator without the final tanh: its images are not bounded to [-1, 1].

tracks: torch
expect-fail: models.generator_tanh_range
message: tanh
"""


def build_generator(latent_dim=16, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(latent_dim, 32 * 4 * 4), nn.ReLU(),
        nn.Unflatten(1, (32, 4, 4)),
        nn.ConvTranspose2d(32, 16, kernel_size=4, stride=2, padding=1), nn.ReLU(),
        nn.ConvTranspose2d(16, 1, kernel_size=4, stride=2, padding=1),
    ).to(DEVICE)
