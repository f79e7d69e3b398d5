"""Returns the (N, K) similarity matrix instead of the class ids.

tracks: torch
expect-fail: zero_shot.zero_shot_output
message: take the argmax
"""
import torch
from torch.nn import functional as F


def zero_shot_classify(image_encoder, text_encoder, images, class_prompts):
    k, p, length = class_prompts.shape
    with torch.no_grad():
        image_emb = image_encoder(images.to(DEVICE))
        prompt_emb = text_encoder(class_prompts.to(DEVICE).reshape(k * p, length)).reshape(k, p, -1)
        return image_emb @ F.normalize(prompt_emb.mean(1), dim=-1).T
