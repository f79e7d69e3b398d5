"""Maps the average z instead of averaging the mapped w's: f(E[z]) is not E[f(z)].

tracks: torch
expect-fail: mapping.mean_w_is_the_average_w
message: average the w's
"""
import torch


def mean_w(mapping, z_dim, n, seed):
    generator = torch.Generator(device=DEVICE).manual_seed(int(seed))  # noqa: F821
    z = torch.randn(n, z_dim, generator=generator, device=DEVICE)  # noqa: F821
    with torch.no_grad():
        return mapping(z.mean(dim=0, keepdim=True))[0]
