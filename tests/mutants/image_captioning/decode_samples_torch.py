"""Samples the next token from the softmax instead of taking the argmax: not greedy, not deterministic.

tracks: torch
expect-fail: model.decode_is_greedy
message: deterministic
"""


def greedy_decode(model, images, max_len):
    model.eval()
    images = images.to(DEVICE)
    tokens = torch.full((images.shape[0], 1), BOS, dtype=torch.long, device=DEVICE)
    with torch.no_grad():
        for _ in range(max_len):
            probs = torch.softmax(model(images, tokens)[:, -1], dim=-1)
            tokens = torch.cat([tokens, torch.multinomial(probs, 1)], dim=1)
    return tokens[:, 1:]
