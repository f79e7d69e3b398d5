"""Writes BCE by hand as -log(sigmoid(x)): sigmoid(-200) is 0 in float32 and the loss is inf.

tracks: torch
expect-fail: losses.large_logits_are_stable
message: underflows
"""


def discriminator_loss(real_logits, fake_logits):
    return -torch.log(torch.sigmoid(real_logits)).mean() - torch.log(1 - torch.sigmoid(fake_logits)).mean()


def generator_loss(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits)).mean()
