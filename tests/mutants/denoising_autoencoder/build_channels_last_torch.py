"""Returns the output channels-last (N, H, W, 1), as Keras would, although PyTorch works in NCHW.

tracks: torch
expect-fail: build.output_shape
message: channels last
"""


def _forward_channels_last(self, x):
    return self.decoder(self.encoder(x)).permute(0, 2, 3, 1)


DenoisingAutoencoder.forward = _forward_channels_last
