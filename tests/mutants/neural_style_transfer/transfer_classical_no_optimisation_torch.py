"""No optimisation of the pixels: the content image recoloured to the style's channel statistics plus the
style's high-pass detail, while a dummy Adam takes `steps` steps on a throw-away tensor (so the step count
looks right) and an invented falling loss list is returned. style_weight changes nothing.

tracks: torch
kind: gaming
expect-fail: transfer.follows_style_weight
message: does not follow style_weight
"""
import torch
from scipy import ndimage as _ndimage


def _classical_stylise(content, style):
    """(H, W, 3), (Hs, Ws, 3) -> (H, W, 3): the content recoloured to the style's channel statistics, plus
    the style's high frequencies tiled over it. No network, no optimisation."""
    recoloured = (content - content.mean((0, 1))) / (content.std((0, 1)) + 1e-6) * style.std((0, 1)) + style.mean((0, 1))
    detail = style - _ndimage.gaussian_filter(style, (2, 2, 0))
    reps = (-(-content.shape[0] // style.shape[0]), -(-content.shape[1] // style.shape[1]), 1)
    detail = np.tile(detail, reps)[:content.shape[0], :content.shape[1]]
    return np.clip(recoloured + 1.5 * detail, 0, 1).astype(np.float32)


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    dummy = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.Adam([dummy], lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        (dummy ** 2).sum().backward()
        optimizer.step()
    c = content[0].permute(1, 2, 0).cpu().numpy()
    s = style[0].permute(1, 2, 0).cpu().numpy()
    image = torch.as_tensor(_classical_stylise(c, s)).permute(2, 0, 1)[None].to(content.device)
    return image, [float(10.0 / (1 + k)) for k in range(steps)]
