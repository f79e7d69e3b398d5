"""Generator without the final tanh: its images are not bounded to [-1, 1].

tracks: tf
expect-fail: models.generator_tanh_range
message: tanh
"""


def build_generator(latent_dim=16, seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(4 * 4 * 32, activation="relu"),
        layers.Reshape((4, 4, 32)),
        layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(1, 4, strides=2, padding="same"),
    ])
