"""Forgets the cycle-consistency term: nothing ties a translation to its input, so a generator may
map every product to any image of the other style.

tracks: tf
expect-fail: objective.objective_value
message: cycle-consistency term is missing
"""


def generator_objective(g_ab, g_ba, d_a, d_b, real_a, real_b, lambda_cyc=10.0, lambda_id=5.0):
    fake_b, fake_a = g_ab(real_a, training=True), g_ba(real_b, training=True)
    adversarial = generator_adversarial_loss(d_b(fake_b, training=True)) + generator_adversarial_loss(d_a(fake_a, training=True))
    same_a, same_b = g_ba(real_a, training=True), g_ab(real_b, training=True)
    return adversarial + identity_loss(real_a, same_a, real_b, same_b, lambda_id)
