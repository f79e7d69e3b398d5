"""Puts style_weight on the content loss instead of the style loss: the content term dominates and
the style barely transfers; a smaller style_weight then gives MORE style, which the grader's
style-weight probe (run before the style bars) reports.

tracks: torch
expect-fail: transfer.follows_style_weight
message: does not follow style_weight
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
        loss = style_weight * content_loss(features[CONTENT_LAYER], content_target)
        loss = loss + sum(style_loss(f, g) for f, g in zip(features, style_grams))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            image.clamp_(0.0, 1.0)
        losses.append(loss.item())
    return image.detach(), losses
