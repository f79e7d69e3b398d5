"""DCGAN as nn.Module classes with BatchNorm (generator and discriminator) and nearest-neighbour
upsampling + Conv2d instead of ConvTranspose2d; the grader samples in eval mode (running stats).

tracks: torch
"""


class Generator(nn.Module):
    def __init__(self, latent_dim):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(latent_dim, 32 * 4 * 4, bias=False), nn.BatchNorm1d(32 * 4 * 4), nn.ReLU())
        self.up = nn.Sequential(
            nn.Upsample(scale_factor=2), nn.Conv2d(32, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Upsample(scale_factor=2), nn.Conv2d(16, 1, 3, padding=1), nn.Tanh())

    def forward(self, z):
        return self.up(self.fc(z).view(-1, 32, 4, 4))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(16, 32, 4, 2, 1, bias=False), nn.BatchNorm2d(32), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(32 * 4 * 4, 1))

    def forward(self, x):
        return self.net(x)


def build_generator(latent_dim=16, seed=0):
    torch.manual_seed(seed)
    return Generator(latent_dim).to(DEVICE)


def build_discriminator(seed=0):
    torch.manual_seed(seed)
    return Discriminator().to(DEVICE)
