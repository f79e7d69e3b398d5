"""A ReLU after the global skip, relu(x + residual(x)): the output layer is no longer linear.

tracks: tf
expect-fail: build.global_skip
message: AFTER the sum
"""
import keras


def build_vdsr(seed, depth=5, width=16):
    keras.utils.set_random_seed(seed)
    x = keras.Input(shape=(None, None, 1))
    h = x
    for _ in range(depth - 1):
        h = keras.layers.Conv2D(width, 3, padding="same", activation="relu", kernel_initializer="he_normal")(h)
    r = keras.layers.Conv2D(1, 3, padding="same", kernel_initializer=keras.initializers.RandomNormal(stddev=1e-3))(h)
    return keras.Model(x, keras.layers.ReLU()(keras.layers.Add()([x, r])))
