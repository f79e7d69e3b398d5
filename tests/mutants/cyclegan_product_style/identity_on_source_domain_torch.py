"""The identity term feeds each generator its *source* domain (G_ab(a) compared with a): it then
fights the translation itself instead of only keeping images that are already in the target style.

tracks: torch
expect-fail: objective.objective_value
message: source domain
"""


def generator_objective(g_ab, g_ba, d_a, d_b, real_a, real_b, lambda_cyc=10.0, lambda_id=5.0):
    fake_b, fake_a = g_ab(real_a), g_ba(real_b)
    adversarial = generator_adversarial_loss(d_b(fake_b)) + generator_adversarial_loss(d_a(fake_a))
    cycle = cycle_consistency_loss(real_a, g_ba(fake_b), real_b, g_ab(fake_a), lambda_cyc)
    identity = identity_loss(real_a, fake_b, real_b, fake_a, lambda_id)
    return adversarial + cycle + identity
