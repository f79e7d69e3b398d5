"""An nn.Module subclass without BatchNorm, with Dropout, predicting through softmax probabilities:
another architecture, just as correct.

tracks: torch
"""
import torch
from torch import nn
import torch.nn.functional as F


class SmallCNN(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 12, 3, padding=1)
        self.conv2 = nn.Conv2d(12, 24, 3, padding=1)
        self.dropout = nn.Dropout(0.25)
        self.fc = nn.Linear(24 * 4 * 4, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(self.dropout(torch.flatten(x, 1)))


def build_cnn(num_classes=10, seed=0):
    torch.manual_seed(seed)
    return SmallCNN(num_classes).to(DEVICE)


def train_cnn(model, images, labels, steps, seed, batch_size=64):
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    model.train()
    losses = []
    for _ in range(steps):
        batch = torch.randint(len(images), (batch_size,), device=images.device)
        loss = F.cross_entropy(model(images[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def predict_classes(model, images):
    model.eval()
    with torch.no_grad():
        return torch.softmax(model(images), dim=1).argmax(dim=1)
