"""Draws z from the uniform distribution on [0, 1) (keras.random.uniform) instead of the prior N(0, I).

tracks: tf
expect-fail: sample.samples_look_like_digits
message: z ~ N(0, I)
"""
import keras


def sample(model, n, seed):
    z = keras.random.uniform((n, model.latent_dim), seed=int(seed))
    return model.decode(z, training=False)
