"""Draws with torch.bernoulli from the global RNG and ignores `seed`: the same seed gives other
images on the next call.

tracks: torch
expect-fail: sample.sample_is_seeded
message: seeded with `seed`
"""


def sample(model, n, seed, height=16, width=16):
    x = torch.zeros(n, 1, height, width, device=DEVICE)
    model.eval()
    with torch.no_grad():
        for r in range(height):
            for c in range(width):
                x[:, :, r, c] = torch.bernoulli(torch.sigmoid(model(x)[:, :, r, c]))
    return x
