"""Greedy decoding that keeps whatever the model emits after the first <eos> (no <pad> fill).

tracks: torch
expect-fail: model.decode_is_greedy
message: must be <pad>
"""


def greedy_decode(model, images, max_len):
    model.eval()
    images = images.to(DEVICE)
    tokens = torch.full((images.shape[0], 1), BOS, dtype=torch.long, device=DEVICE)
    with torch.no_grad():
        for _ in range(max_len):
            next_token = model(images, tokens)[:, -1].argmax(dim=-1)
            tokens = torch.cat([tokens, next_token[:, None]], dim=1)
    return tokens[:, 1:]
