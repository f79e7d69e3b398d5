"""Forgets the cycle-consistency term: nothing ties a translation to its input, so a generator may
map every product to any image of the other style.

tracks: torch
expect-fail: objective.objective_value
message: cycle-consistency term is missing
"""


def generator_objective(g_ab, g_ba, d_a, d_b, real_a, real_b, lambda_cyc=10.0, lambda_id=5.0):
    fake_b, fake_a = g_ab(real_a), g_ba(real_b)
    adversarial = generator_adversarial_loss(d_b(fake_b)) + generator_adversarial_loss(d_a(fake_a))
    return adversarial + identity_loss(real_a, g_ba(real_a), real_b, g_ab(real_b), lambda_id)
