"""Uses mask B in the first layer too: every logit sees the pixel it is meant to predict (a
wonderful training loss, useless samples).

tracks: torch
expect-fail: build.causal
message: first layer needs mask A
"""


def build_pixelcnn(seed, channels=16, n_layers=2):
    torch.manual_seed(seed)
    layers = [MaskedConv2d(1, channels, 7, "B"), nn.ReLU()]
    for _ in range(n_layers):
        layers += [MaskedConv2d(channels, channels, 3, "B"), nn.ReLU()]
    layers.append(nn.Conv2d(channels, 1, 1))
    return nn.Sequential(*layers).to(DEVICE)
