"""Never clamps the pixels to [0, 1]: the optimised "image" drifts outside the valid range.

tracks: torch
expect-fail: transfer.returns_image
message: clamp the pixels
"""
import torch


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    with torch.no_grad():
        content_target = extractor(content)[CONTENT_LAYER]
        style_grams = [gram_matrix(f) for f in extractor(style)]
    image = content.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([image], lr=lr)
    losses = []
    for _ in range(steps):
        features = extractor(image)
        loss = content_loss(features[CONTENT_LAYER], content_target)
        loss = loss + style_weight * sum(style_loss(f, g) for f, g in zip(features, style_grams))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return image.detach(), losses
