"""Takes the content target from the style image (a copy-paste slip): the content loss then pulls the
layout towards the style image's, and the photograph's layout is lost.

tracks: torch
expect-fail: transfer.content_kept
message: content loss on the feature maps of the content image
"""
import torch


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    with torch.no_grad():
        style_features = extractor(style)
        content_target = style_features[CONTENT_LAYER]
        style_grams = [gram_matrix(f) for f in style_features]
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
        with torch.no_grad():
            image.clamp_(0.0, 1.0)
        losses.append(loss.item())
    return image.detach(), losses
