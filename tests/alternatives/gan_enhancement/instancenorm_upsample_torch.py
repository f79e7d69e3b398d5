"""Another idiom: the generator upsamples with nn.Upsample + Conv2d (no transposed convolution) and
adds its skip connection instead of concatenating; the PatchGAN discriminator uses InstanceNorm (as
in CycleGAN); the losses use nn.BCEWithLogitsLoss / nn.L1Loss modules; each step updates G first,
then D on freshly detached fakes, with one-sided label smoothing (real label 0.9) in the D step.

tracks: torch
"""


class UpsampleGenerator(nn.Module):
    def __init__(self):
        super().__init__()
        self.inc = nn.Sequential(nn.Conv2d(1, 12, 3, padding=1), nn.LeakyReLU(0.2))
        self.down = nn.Sequential(nn.Conv2d(12, 16, 3, stride=2, padding=1), nn.LeakyReLU(0.2))
        self.up = nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
                                nn.Conv2d(16, 12, 3, padding=1), nn.LeakyReLU(0.2))
        self.out = nn.Conv2d(12, 1, 3, padding=1)

    def forward(self, x):
        skip = self.inc(x)
        return torch.sigmoid(self.out(skip + self.up(self.down(skip))))


def build_generator(seed):
    torch.manual_seed(seed)
    return UpsampleGenerator().to(DEVICE)


def build_discriminator(seed):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(2, 8, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(8, 16, 4, stride=2, padding=1), nn.InstanceNorm2d(16, affine=True), nn.LeakyReLU(0.2),
        nn.Conv2d(16, 1, 3, padding=1),
    ).to(DEVICE)


_bce = nn.BCEWithLogitsLoss()
_l1 = nn.L1Loss()


def discriminator_loss(real_logits, fake_logits):
    return _bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))


def generator_loss(fake_logits, fake, target, l1_weight):
    return _bce(fake_logits, torch.ones_like(fake_logits)) + l1_weight * _l1(fake, target)


def train_enhancer(generator, discriminator, low, high, steps, seed, l1_weight=100.0, batch_size=16, lr=2e-3):
    gen = torch.Generator().manual_seed(seed)
    low, high = low.float().to(DEVICE), high.float().to(DEVICE)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    d_losses, g_losses = [], []
    for _ in range(steps):
        idx = torch.randint(0, len(low), (batch_size,), generator=gen).to(DEVICE)
        x, y = low[idx], high[idx]
        fake = generator(x)
        g_loss = generator_loss(discriminator(torch.cat([x, fake], 1)), fake, y, l1_weight)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

        real_logits = discriminator(torch.cat([x, y], 1))
        fake_logits = discriminator(torch.cat([x, fake.detach()], 1))
        d_loss = _bce(real_logits, torch.full_like(real_logits, 0.9)) + _bce(fake_logits, torch.zeros_like(fake_logits))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        d_losses.append(d_loss.item())
        g_losses.append(g_loss.item())
    return d_losses, g_losses
