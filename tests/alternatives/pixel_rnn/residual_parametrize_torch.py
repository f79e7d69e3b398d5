"""Another idiom: the mask from raster indices (torch.arange), masking through
torch.nn.utils.parametrize (the module's weight *is* the masked weight), residual 3x3 mask-B
blocks, AdamW, and sampling with a uniform draw below p.

tracks: torch
"""
import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils import parametrize


def causal_mask(kernel_size, mask_type):
    k = kernel_size
    index = torch.arange(k * k).reshape(k, k)        # raster order inside the kernel
    centre = (k // 2) * k + k // 2
    keep = index <= centre if mask_type == "B" else index < centre
    return keep.float()


class _Mask(nn.Module):
    def __init__(self, mask):
        super().__init__()
        self.register_buffer("mask", mask)

    def forward(self, weight):
        return weight * self.mask


def _masked_conv(cin, cout, k, mask_type):
    conv = nn.Conv2d(cin, cout, k, padding=k // 2)
    parametrize.register_parametrization(conv, "weight", _Mask(causal_mask(k, mask_type)))
    return conv


class ResidualPixelCNN(nn.Module):
    def __init__(self, channels, n_layers):
        super().__init__()
        self.first = _masked_conv(1, channels, 7, "A")
        self.blocks = nn.ModuleList(_masked_conv(channels, channels, 3, "B") for _ in range(n_layers))
        self.out = nn.Conv2d(channels, 1, 1)

    def forward(self, x):
        h = F.relu(self.first(x))
        for block in self.blocks:
            h = h + F.relu(block(h))
        return self.out(h)


def build_pixelcnn(seed, channels=16, n_layers=2):
    torch.manual_seed(seed)
    return ResidualPixelCNN(channels, n_layers).to(DEVICE)


def train_pixelcnn(model, images, steps, seed, batch_size=32, lr=5e-3):
    generator = torch.Generator().manual_seed(seed)
    images = images.to(DEVICE)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    losses = []
    for _ in range(steps):
        batch = images[torch.randint(0, len(images), (batch_size,), generator=generator).to(DEVICE)]
        loss = bits_per_dim(model(batch), batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    return losses


@torch.no_grad()
def sample(model, n, seed, height=16, width=16):
    generator = torch.Generator(device=DEVICE).manual_seed(seed)
    model.eval()
    x = torch.zeros(n, 1, height, width, device=DEVICE)
    for i in range(height * width):
        r, c = divmod(i, width)
        p = torch.sigmoid(model(x)[:, 0, r, c])
        x[:, 0, r, c] = (torch.rand(n, generator=generator, device=DEVICE) < p).float()
    return x
