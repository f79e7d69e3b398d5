"""nn.Module classes (a pointwise generator with 24 channels and LeakyReLU, a PatchGAN with a
stride-2 stem), losses with F.mse_loss / F.l1_loss, one optimizer per network and fake.detach()
instead of torch.no_grad() in the discriminator step.

tracks: torch
"""
import torch.nn.functional as F  # noqa: E402


class PointwiseGenerator(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 24, 1), nn.LeakyReLU(0.1), nn.Conv2d(24, 24, 1), nn.LeakyReLU(0.1),
                                  nn.Conv2d(24, 3, 1))

    def forward(self, x):
        return torch.tanh(self.body(x))


class PatchDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(3, 16, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(16, 32, 4, 2, 1),
                                 nn.LeakyReLU(0.2), nn.Conv2d(32, 1, 3, 1, 1))

    def forward(self, x):
        return self.net(x)


def build_generator(seed=0):
    torch.manual_seed(seed)
    return PointwiseGenerator().to(DEVICE)


def build_discriminator(seed=0):
    torch.manual_seed(seed)
    return PatchDiscriminator().to(DEVICE)


def discriminator_loss(real_scores, fake_scores):
    return 0.5 * (F.mse_loss(real_scores, torch.ones_like(real_scores)) + F.mse_loss(fake_scores, torch.zeros_like(fake_scores)))


def generator_adversarial_loss(fake_scores):
    return F.mse_loss(fake_scores, torch.ones_like(fake_scores))


def cycle_consistency_loss(real_a, reconstructed_a, real_b, reconstructed_b, weight=10.0):
    return weight * (F.l1_loss(reconstructed_a, real_a) + F.l1_loss(reconstructed_b, real_b))


def identity_loss(real_a, same_a, real_b, same_b, weight=5.0):
    return weight * (F.l1_loss(same_a, real_a) + F.l1_loss(same_b, real_b))


def train_cyclegan(g_ab, g_ba, d_a, d_b, images_a, images_b, steps, seed, batch_size=16, lr=2e-3):
    torch.manual_seed(seed)
    images_a, images_b = images_a.float().to(DEVICE), images_b.float().to(DEVICE)
    opts = {name: torch.optim.Adam(net.parameters(), lr=lr, betas=(0.5, 0.999))
            for name, net in (("g_ab", g_ab), ("g_ba", g_ba), ("d_a", d_a), ("d_b", d_b))}
    g_losses, d_losses = [], []
    for _ in range(steps):
        real_a = images_a[torch.randint(0, len(images_a), (batch_size,), device=DEVICE)]
        real_b = images_b[torch.randint(0, len(images_b), (batch_size,), device=DEVICE)]
        fake_b, fake_a = g_ab(real_a), g_ba(real_b)
        g_loss = (generator_adversarial_loss(d_b(fake_b)) + generator_adversarial_loss(d_a(fake_a))
                  + cycle_consistency_loss(real_a, g_ba(fake_b), real_b, g_ab(fake_a))
                  + identity_loss(real_a, g_ba(real_a), real_b, g_ab(real_b)))
        for name in ("g_ab", "g_ba"):
            opts[name].zero_grad()
        g_loss.backward()
        opts["g_ab"].step()
        opts["g_ba"].step()
        d_loss = (discriminator_loss(d_a(real_a), d_a(fake_a.detach()))
                  + discriminator_loss(d_b(real_b), d_b(fake_b.detach())))
        opts["d_a"].zero_grad()
        opts["d_b"].zero_grad()
        d_loss.backward()
        opts["d_a"].step()
        opts["d_b"].step()
        g_losses.append(g_loss.item())
        d_losses.append(d_loss.item())
    return g_losses, d_losses
