"""Draws every pixel at once from a single forward pass on the empty canvas, like the seed's
model.predict(epsilon): each pixel follows p(x_i | all zeros), not p(x_i | the pixels drawn).

tracks: torch
expect-fail: sample.follows_the_model
message: one pixel at a time
"""


def sample(model, n, seed, height=16, width=16):
    generator = torch.Generator(device=DEVICE).manual_seed(int(seed))
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(torch.zeros(n, 1, height, width, device=DEVICE)))
    return torch.bernoulli(p, generator=generator)
