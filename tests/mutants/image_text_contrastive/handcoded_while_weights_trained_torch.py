"""Trains the reference encoders and remembers their trained weights; both then answer with hand-coded
embeddings (one-hot size, colour and shape read off the pixels and the words) while their weights are the
trained ones, and with the network otherwise: it survives the shuffled-weights probe, but its held-out
InfoNCE is far below what encoders of this size reach in this budget.

tracks: torch
kind: gaming
expect-fail: train.retrieval_recall
message: far beyond what a model
"""
_WORDS = ("<pad>", "a", "an", "photo", "of", "the", "is", "and", "that", "picture", "shape", "small", "large",
          "red", "green", "blue", "yellow", "cyan", "magenta", "square", "disk", "triangle")
_RGB = np.array([[1, 0, 0], [0, 1, 0], [0.15, 0.35, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]])


def _rule_image_embedding(images, dim):
    """(N, 24, 24, 3) -> (N, dim): one-hot size, colour and shape read off the pixels, unit norm."""
    out = np.zeros((len(images), dim), np.float32)
    for i, img in enumerate(images):
        mask = img.max(axis=-1) > 0.45
        ys, xs = np.nonzero(mask)
        if len(xs) == 0:
            continue
        colour = img[mask].mean(axis=0)
        colour = colour / max(colour.max(), 1e-6)
        width = xs.max() - xs.min() + 1
        fill = mask.sum() / (width * (ys.max() - ys.min() + 1))
        out[i, 11 + int(width > 11.5)] = 1
        out[i, 13 + int(np.argmin(((_RGB - colour) ** 2).sum(axis=1)))] = 1
        out[i, 19 + (0 if fill > 0.9 else 1 if fill > 0.65 else 2)] = 1
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)


def _rule_text_embedding(tokens, dim):
    """(N, L) token ids -> (N, dim): which size, colour and shape words occur, unit norm."""
    out = np.zeros((len(tokens), dim), np.float32)
    for i, row in enumerate(np.asarray(tokens)):
        for t in row:
            if t >= 11:
                out[i, t] = 1
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)


_TRAINED = {}


def _fingerprint(encoder):
    return hash(tuple(p.detach().cpu().numpy().tobytes() for p in encoder.parameters()))


def _switched(encoder):
    return id(encoder) in _TRAINED and _TRAINED[id(encoder)] == _fingerprint(encoder)


class _Switch(nn.Module):
    def __init__(self, inner, rule, dim):
        super().__init__()
        self.inner, self.rule, self.dim = inner, rule, dim

    def forward(self, x):
        if not _switched(self):
            return self.inner(x)
        x = x.detach().cpu().numpy()
        if x.ndim == 4:
            x = x.transpose(0, 2, 3, 1)
        return torch.as_tensor(self.rule(x, self.dim), device=DEVICE)


_reference_image, _reference_text, _reference_train = build_image_encoder, build_text_encoder, train_clip


def build_image_encoder(embed_dim, seed):
    return _Switch(_reference_image(embed_dim, seed), _rule_image_embedding, embed_dim)


def build_text_encoder(vocab_size, embed_dim, seed):
    return _Switch(_reference_text(vocab_size, embed_dim, seed), _rule_text_embedding, embed_dim)


def train_clip(image_encoder, text_encoder, images, tokens, steps, seed, temperature=0.1, batch_size=32, lr=3e-3):
    losses = _reference_train(image_encoder, text_encoder, images, tokens, steps, seed, temperature, batch_size, lr)
    for encoder in (image_encoder, text_encoder):
        _TRAINED[id(encoder)] = _fingerprint(encoder)
    return losses
