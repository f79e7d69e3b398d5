"""Leaves out the decoder's final sigmoid: reconstructions are unbounded, not images in [0, 1].

tracks: torch
expect-fail: build.forward_outputs
message: sigmoid
"""


def build_vae(seed, latent_dim=8):
    torch.manual_seed(seed)
    model = VAE(latent_dim)
    model.decoder = model.decoder[:-1]
    return model.to(DEVICE)
