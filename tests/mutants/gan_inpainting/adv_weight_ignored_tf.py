"""adv_weight ignored: the adversarial term is weighted by a hard-coded 1.0, 100 times the 0.01 asked for.
The reconstruction term still dominates the outcome, so only a probe of the argument shows it.

tracks: tf
expect-fail: train.adv_weight_matters
message: adv_weight argument is ignored
"""
import numpy as np


def train_inpainter(generator, discriminator, images, masks, steps, seed, adv_weight=0.01,
                    batch_size=16, lr=4e-3):
    rng = np.random.default_rng(seed)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    opt_g = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    opt_d = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)

    @tf.function(autograph=False)  # plain graph code: no Python control flow to convert
    def step(x, m):
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            masked = x * (1.0 - m)
            pred = generator(tf.concat([masked, m], axis=-1), training=True)
            fake = composite(pred, masked, m)
            real_logits = discriminator(x, training=True)
            fake_logits = discriminator(tf.stop_gradient(fake), training=True)
            d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
            rec = masked_l1(pred, x, m)
            adv_logits = discriminator(fake, training=True)
            g_loss = rec + 1.0 * bce(tf.ones_like(adv_logits), adv_logits)
        d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
        g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
        opt_d.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        opt_g.apply_gradients(zip(g_grads, generator.trainable_variables))
        return rec, d_loss

    rec_losses, d_losses = [], []
    for _ in range(steps):
        idx = rng.integers(0, images.shape[0], batch_size)
        rec, d_loss = step(tf.gather(images, idx), tf.gather(masks, idx))
        rec_losses.append(float(rec))
        d_losses.append(float(d_loss))
    return rec_losses, d_losses
