"""Takes the most likely value (p > 0.5) instead of drawing from Bernoulli(p): every sample is the
same image, and pixels with p = 0.3 never turn on.

tracks: torch
expect-fail: sample.sample_is_seeded
message: all samples are identical
"""


def sample(model, n, seed, height=16, width=16):
    x = torch.zeros(n, 1, height, width, device=DEVICE)
    model.eval()
    with torch.no_grad():
        for r in range(height):
            for c in range(width):
                x[:, :, r, c] = (torch.sigmoid(model(x)[:, :, r, c]) > 0.5).float()
    return x
