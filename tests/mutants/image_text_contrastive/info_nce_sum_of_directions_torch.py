"""Adds the two directions instead of averaging them: the loss is twice CLIP's.

tracks: torch
expect-fail: info_nce.loss_matches_formula
message: take their mean
"""
import torch
from torch.nn import functional as F


def info_nce(image_emb, text_emb, temperature):
    logits = F.normalize(image_emb, dim=-1) @ F.normalize(text_emb, dim=-1).T / temperature
    targets = torch.arange(len(logits), device=logits.device)
    return F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)
