"""Another architecture and other idioms: a strided CNN with LeakyReLU and a global max pool,
a text encoder with an explicit masked mean (nn.Embedding with padding_idx) and a two-layer head,
InfoNCE written with log_softmax and the diagonal, epoch-wise shuffled minibatches with AdamW, and
zero-shot scores with einsum.

tracks: torch
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def info_nce(image_emb, text_emb, temperature):
    logits = torch.einsum("nd,md->nm", F.normalize(image_emb, dim=1), F.normalize(text_emb, dim=1)) / temperature
    image_to_text = -torch.diagonal(F.log_softmax(logits, dim=1)).mean()
    text_to_image = -torch.diagonal(F.log_softmax(logits, dim=0)).mean()
    return 0.5 * (image_to_text + text_to_image)


class ImageEncoder(nn.Module):
    def __init__(self, embed_dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 24, 3, padding=1), nn.LeakyReLU(0.1),
            nn.Conv2d(24, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.1),
            nn.Conv2d(32, 48, 3, stride=2, padding=1), nn.LeakyReLU(0.1),
            nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(48, embed_dim),
        )

    def forward(self, x):
        return F.normalize(self.net(x), dim=1)


class TextEncoder(nn.Module):
    def __init__(self, vocab_size, embed_dim):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, 24, padding_idx=0)
        self.head = nn.Sequential(nn.Linear(24, 32), nn.ReLU(), nn.Linear(32, embed_dim))

    def forward(self, tokens):
        mask = (tokens != 0).unsqueeze(-1).float()
        mean = (self.embed(tokens) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return F.normalize(self.head(mean), dim=1)


def train_clip(image_encoder, text_encoder, images, tokens, steps, seed, temperature=0.1, batch_size=32, lr=3e-3):
    generator = torch.Generator().manual_seed(seed)
    images, tokens = images.to(DEVICE), tokens.to(DEVICE)
    optimizer = torch.optim.AdamW([*image_encoder.parameters(), *text_encoder.parameters()], lr=lr, weight_decay=1e-4)
    image_encoder.train()
    text_encoder.train()
    losses, order = [], torch.empty(0, dtype=torch.long)
    for _ in range(steps):
        if len(order) < batch_size:
            order = torch.randperm(len(images), generator=generator)
        idx, order = order[:batch_size].to(DEVICE), order[batch_size:]
        loss = info_nce(image_encoder(images[idx]), text_encoder(tokens[idx]), temperature)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


@torch.no_grad()
def zero_shot_classify(image_encoder, text_encoder, images, class_prompts):
    image_encoder.eval()
    text_encoder.eval()
    k, p, _ = class_prompts.shape
    prompts = text_encoder(class_prompts.flatten(0, 1).to(DEVICE)).view(k, p, -1)
    classes = F.normalize(F.normalize(prompts, dim=-1).sum(1), dim=-1)
    return torch.einsum("nd,kd->nk", image_encoder(images.to(DEVICE)), classes).argmax(1)
