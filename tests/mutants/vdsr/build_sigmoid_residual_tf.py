"""A sigmoid ends the residual branch before the skip: x + sigmoid(r) can only add detail, never
remove it, and adds 0.5 where the branch outputs 0.

tracks: tf
expect-fail: build.global_skip
message: an activation
"""
import keras


def build_vdsr(seed, depth=5, width=16):
    keras.utils.set_random_seed(seed)
    x = keras.Input(shape=(None, None, 1))
    h = x
    for _ in range(depth - 1):
        h = keras.layers.Conv2D(width, 3, padding="same", activation="relu", kernel_initializer="he_normal")(h)
    r = keras.layers.Conv2D(1, 3, padding="same", kernel_initializer=keras.initializers.RandomNormal(stddev=1e-3))(h)
    return keras.Model(x, keras.layers.Add()([x, keras.layers.Activation("sigmoid")(r)]))
