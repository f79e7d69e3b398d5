"""torch.einsum for the Gram matrix, hand-written means for the losses, the image as an nn.Parameter
clamped through .data, and the style layers' losses weighted inside the loop.

tracks: torch
"""
import torch
from torch import nn


def gram_matrix(features):
    h, w = features.shape[-2:]
    return torch.einsum("nchw,ndhw->ncd", features, features) / (h * w)


def content_loss(features, target):
    return ((features - target) ** 2).mean()


def style_loss(features, target_gram):
    return ((gram_matrix(features) - target_gram) ** 2).mean()


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    torch.manual_seed(seed)
    with torch.no_grad():
        content_target = extractor(content)[CONTENT_LAYER].detach()
        style_grams = [gram_matrix(f).detach() for f in extractor(style)]
    image = nn.Parameter(content.detach().clone())
    optimizer = torch.optim.Adam([image], lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        features = extractor(image)
        total = content_loss(features[CONTENT_LAYER], content_target)
        for f, g in zip(features, style_grams):
            total = total + style_weight * style_loss(f, g)
        total.backward()
        optimizer.step()
        image.data.clamp_(0, 1)
        losses.append(float(total.detach()))
    return image.detach().clone(), losses
