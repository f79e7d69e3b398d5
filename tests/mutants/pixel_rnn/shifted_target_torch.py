"""Shifts the target by one pixel as for a language model (logit i predicts pixel i + 1), although
mask A already excludes the current pixel: the model learns to predict two pixels ahead.

tracks: torch
expect-fail: train.heldout_bits_per_dim
message: do not shift the target
"""


def train_pixelcnn(model, images, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    images = images.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        batch = images[torch.as_tensor(rng.integers(0, len(images), batch_size), device=DEVICE)]
        logits, target = model(batch).flatten(1), batch.flatten(1)
        loss = bits_per_dim(logits[:, :-1], target[:, 1:])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
