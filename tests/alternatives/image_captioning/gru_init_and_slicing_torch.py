"""A GRU decoder whose initial state also comes from the image, teacher forcing by slicing one
[BOS] + words + [EOS] sequence (EOS then appears in the unscored inputs), and a greedy decoder
that carries the recurrent state instead of re-running the prefix.

tracks: torch
"""


def teacher_forcing_batch(captions):
    n, length = captions.shape
    lengths = (captions != PAD).sum(dim=1)
    seq = torch.full((n, length + 2), PAD, dtype=torch.long, device=captions.device)
    seq[:, 0] = BOS
    seq[:, 1:length + 1] = captions
    seq[torch.arange(n, device=captions.device), lengths + 1] = EOS
    inputs, targets = seq[:, :-1], seq[:, 1:]
    return inputs, targets, (targets != PAD).float()


class GRUCaptioner(nn.Module):
    def __init__(self, vocab_size, feature_dim=128, embed_dim=32, hidden=64):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(512, feature_dim),
        )
        self.init_state = nn.Linear(feature_dim, hidden)
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.gru = nn.GRU(embed_dim + feature_dim, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)

    def step(self, features, tokens, state):
        x = torch.cat([self.embed(tokens), features[:, None].expand(-1, tokens.shape[1], -1)], dim=-1)
        out, state = self.gru(x, state)
        return self.head(out), state

    def forward(self, images, tokens):
        features = self.encoder(images)
        logits, _ = self.step(features, tokens, self.init_state(features)[None].contiguous())
        return logits


def build_captioner(vocab_size, seed):
    torch.manual_seed(seed)
    return GRUCaptioner(vocab_size).to(DEVICE)


def greedy_decode(model, images, max_len):
    model.eval()
    with torch.no_grad():
        features = model.encoder(images.to(DEVICE))
        state = model.init_state(features)[None].contiguous()
        token = torch.full((len(features), 1), BOS, dtype=torch.long, device=DEVICE)
        out = []
        for _ in range(max_len):
            logits, state = model.step(features, token, state)
            token = logits[:, -1].argmax(dim=-1, keepdim=True)
            out.append(token)
        out = torch.cat(out, dim=1)
    done = torch.zeros(len(out), dtype=torch.bool, device=out.device)
    for t in range(max_len):
        out[done, t] = PAD
        done |= out[:, t] == EOS
    return out
