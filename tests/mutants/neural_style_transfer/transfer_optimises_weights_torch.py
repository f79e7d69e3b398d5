"""Optimises the network instead of the pixels: unfreezes the extractor and gives its parameters
to the optimiser, so the weights move and the image never changes.

tracks: torch
expect-fail: transfer.pixels_not_weights
message: optimise the pixels of the image, not the network
"""
import torch


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    torch.manual_seed(seed)
    with torch.no_grad():
        content_target = extractor(content)[CONTENT_LAYER]
        style_grams = [gram_matrix(f) for f in extractor(style)]
    extractor.requires_grad_(True)
    image = content.clone()
    optimizer = torch.optim.Adam(extractor.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        features = extractor(image)
        loss = content_loss(features[CONTENT_LAYER], content_target)
        loss = loss + style_weight * sum(style_loss(f, g) for f, g in zip(features, style_grams))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return image, losses
