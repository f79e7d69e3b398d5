"""Raw dot products instead of cosine similarities: the embeddings are not L2-normalised, so the loss
depends on their lengths and can be lowered by inflating them.

tracks: torch
expect-fail: info_nce.loss_matches_formula
message: L2-normalise
"""
import torch
from torch.nn import functional as F


def info_nce(image_emb, text_emb, temperature):
    logits = image_emb @ text_emb.T / temperature
    targets = torch.arange(len(logits), device=logits.device)
    return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2
