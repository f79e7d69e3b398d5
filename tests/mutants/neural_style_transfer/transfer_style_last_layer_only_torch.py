"""The style loss on the last layer only: the overall style ratio can still look fine, but the first
layers' style (colours, fine texture) barely transfers.

tracks: torch
expect-fail: transfer.style_transferred
message: summed over all layers
"""
import torch


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    torch.manual_seed(seed)
    content, style = content.to(DEVICE), style.to(DEVICE)
    with torch.no_grad():
        content_target = extractor(content)[CONTENT_LAYER]
        style_gram = gram_matrix(extractor(style)[-1])
    image = content.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([image], lr=lr)
    losses = []
    for _ in range(steps):
        features = extractor(image)
        loss = content_loss(features[CONTENT_LAYER], content_target) + style_weight * style_loss(features[-1], style_gram)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            image.clamp_(0.0, 1.0)
        losses.append(loss.item())
    return image.detach(), losses
