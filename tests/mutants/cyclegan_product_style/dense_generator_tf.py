"""A generator with Flatten + Dense layers for 16x16 inputs only: not fully convolutional.

tracks: tf
expect-fail: models.generator_any_size
message: fully convolutional
"""


def build_generator(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((16, 16, 3)), layers.Flatten(),
        layers.Dense(64, activation="relu"), layers.Dense(16 * 16 * 3, activation="tanh"),
        layers.Reshape((16, 16, 3)),
    ])
