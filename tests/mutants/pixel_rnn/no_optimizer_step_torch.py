"""Computes the loss and its gradients but never calls optimizer.step(): nothing is learned.

tracks: torch
expect-fail: train.returns_losses
message: no weight changed
"""


def train_pixelcnn(model, images, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    images = images.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        batch = images[torch.as_tensor(rng.integers(0, len(images), batch_size), device=DEVICE)]
        loss = bits_per_dim(model(batch), batch)
        optimizer.zero_grad()
        loss.backward()
        losses.append(loss.item())
    return losses
