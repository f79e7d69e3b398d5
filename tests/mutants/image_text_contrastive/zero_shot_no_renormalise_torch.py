"""Averages the prompt embeddings of each class but does not normalise the average again: classes
whose prompts disagree get shorter class vectors and lose.

tracks: torch
expect-fail: zero_shot.zero_shot_matches_ensemble
message: WITHOUT normalising
"""
import torch
from torch.nn import functional as F


def zero_shot_classify(image_encoder, text_encoder, images, class_prompts):
    k, p, length = class_prompts.shape
    with torch.no_grad():
        image_emb = image_encoder(images.to(DEVICE))
        prompt_emb = text_encoder(class_prompts.to(DEVICE).reshape(k * p, length)).reshape(k, p, -1)
        return (image_emb @ prompt_emb.mean(1).T).argmax(dim=1)
