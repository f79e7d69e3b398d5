"""Ends the network with a sigmoid but keeps a loss that expects logits: the "logits" are stuck in
(0, 1), so every pixel gets a probability between 0.5 and 0.73.

tracks: torch
expect-fail: train.heldout_bits_per_dim
message: probabilities
"""


def build_pixelcnn(seed, channels=16, n_layers=2):
    torch.manual_seed(seed)
    layers = [MaskedConv2d(1, channels, 7, "A"), nn.ReLU()]
    for _ in range(n_layers):
        layers += [MaskedConv2d(channels, channels, 3, "B"), nn.ReLU()]
    layers += [nn.Conv2d(channels, 1, 1), nn.Sigmoid()]
    return nn.Sequential(*layers).to(DEVICE)
