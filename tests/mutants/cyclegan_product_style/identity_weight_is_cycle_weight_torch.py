"""Weights the identity term with lambda_cyc (10) instead of lambda_id (5 = 0.5 lambda_cyc).

tracks: torch
expect-fail: objective.objective_value
message: identity weight is lambda_id
"""


def generator_objective(g_ab, g_ba, d_a, d_b, real_a, real_b, lambda_cyc=10.0, lambda_id=5.0):
    fake_b, fake_a = g_ab(real_a), g_ba(real_b)
    adversarial = generator_adversarial_loss(d_b(fake_b)) + generator_adversarial_loss(d_a(fake_a))
    cycle = cycle_consistency_loss(real_a, g_ba(fake_b), real_b, g_ab(fake_a), lambda_cyc)
    identity = identity_loss(real_a, g_ba(real_a), real_b, g_ab(real_b), lambda_cyc)
    return adversarial + cycle + identity
