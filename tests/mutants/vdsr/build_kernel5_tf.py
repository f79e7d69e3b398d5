"""5x5 kernels instead of 3x3: the receptive field is 4 * depth + 1, not the 2 * depth + 1 of VDSR.

tracks: tf
expect-fail: build.depth_is_receptive_field
message: exactly `depth` 3x3 convolutions
"""
import keras


def build_vdsr(seed, depth=5, width=16):
    keras.utils.set_random_seed(seed)
    x = keras.Input(shape=(None, None, 1))
    h = x
    for _ in range(depth - 1):
        h = keras.layers.Conv2D(width, 5, padding="same", activation="relu", kernel_initializer="he_normal")(h)
    r = keras.layers.Conv2D(1, 5, padding="same", kernel_initializer=keras.initializers.RandomNormal(stddev=1e-3))(h)
    return keras.Model(x, keras.layers.Add()([x, r]))
