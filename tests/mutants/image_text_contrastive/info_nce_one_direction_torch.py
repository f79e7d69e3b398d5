"""Image->text cross-entropy only: the loss forgets the text->image direction (the columns of the
logits), so captions are never pushed away from the wrong images.

tracks: torch
expect-fail: info_nce.loss_matches_formula
message: one direction
"""
import torch
from torch.nn import functional as F


def info_nce(image_emb, text_emb, temperature):
    logits = F.normalize(image_emb, dim=-1) @ F.normalize(text_emb, dim=-1).T / temperature
    return F.cross_entropy(logits, torch.arange(len(logits), device=logits.device))
