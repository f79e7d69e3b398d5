"""The decoder never sees the image (features zeroed): a language model that writes the same caption for every image.

tracks: torch
expect-fail: train.uses_the_image
message: do not describe the image
"""


class BlindCaptioner(Captioner):
    def forward(self, images, tokens):
        features = 0.0 * self.encoder(images)[:, None, :].expand(-1, tokens.shape[1], -1)
        out, _ = self.lstm(torch.cat([self.embed(tokens), features], dim=-1))
        return self.head(out)


def build_captioner(vocab_size, seed):
    torch.manual_seed(seed)
    return BlindCaptioner(vocab_size).to(DEVICE)
