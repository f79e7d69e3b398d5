"""Another model layout and idiom throughout: the convolutions live in an nn.Sequential body loaded
with a strict load_state_dict from a dict built from the file; freezing walks the Sequential's conv
layers; fine-tuning uses AdamW over model.parameters() (frozen parameters get no gradient, so AdamW
skips them, weight decay included) and draws the minibatches with a torch.Generator.

tracks: torch
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class SequentialSR(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 1, 3, padding=1),
        )

    def forward(self, x):
        return x + self.body(x)


def _convs(model):
    return [m for m in model.body if isinstance(m, nn.Conv2d)]


def load_pretrained(path):
    model = SequentialSR()
    names = [name for name, m in model.body.named_children() if isinstance(m, nn.Conv2d)]
    with np.load(path) as stored:
        state = {}
        for i, name in enumerate(names, start=1):
            state[f"body.{name}.weight"] = torch.from_numpy(stored[f"conv{i}_kernel"]).permute(3, 2, 0, 1).contiguous()
            state[f"body.{name}.bias"] = torch.from_numpy(stored[f"conv{i}_bias"])
    model.load_state_dict(state)  # strict: every key must match
    return model.to(DEVICE)


def freeze_for_finetuning(model, n_frozen):
    for conv in _convs(model)[:n_frozen]:
        for p in conv.parameters():
            p.requires_grad = False
    return [p for p in model.parameters() if p.requires_grad]


def finetune(model, lr_up, hr, steps, seed, batch_size=16, lr=1e-3):
    generator = torch.Generator().manual_seed(int(seed))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    lr_up, hr = lr_up.to(DEVICE), hr.to(DEVICE)
    model.train()
    losses = []
    for _ in range(steps):
        idx = torch.randint(0, len(lr_up), (batch_size,), generator=generator).to(DEVICE)
        loss = F.mse_loss(model(lr_up[idx]), hr[idx])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
