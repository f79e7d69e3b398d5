"""Computes the loss and the gradients but never calls optimizer.step().

tracks: torch
expect-fail: train.returns_losses
message: no weight changed
"""


def train_captioner(model, images, captions, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    images, captions = images.to(DEVICE), captions.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(images), batch_size), device=DEVICE)
        inputs, targets, mask = teacher_forcing_batch(captions[idx])
        loss = masked_cross_entropy(model(images[idx], inputs), targets, mask)
        optimizer.zero_grad()
        loss.backward()
        losses.append(loss.item())
    return losses
