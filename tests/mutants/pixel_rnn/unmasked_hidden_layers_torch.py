"""Masks only the first layer and uses plain 3x3 convolutions after it: the hidden layers mix in
features from the pixels below and to the right.

tracks: torch
expect-fail: build.causal
message: earlier position
"""


def build_pixelcnn(seed, channels=16, n_layers=2):
    torch.manual_seed(seed)
    layers = [MaskedConv2d(1, channels, 7, "A"), nn.ReLU()]
    for _ in range(n_layers):
        layers += [nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU()]
    layers.append(nn.Conv2d(channels, 1, 1))
    return nn.Sequential(*layers).to(DEVICE)
