"""The model blends its input into the decoder's output (a skip around the bottleneck), and to make
decode(encode(x)) agree with it, encode keeps the images aside and decode blends them back in: the
decoder sees the input, not just the code.

tracks: tf
expect-fail: build.only_the_code_reaches_the_decoder
message: the decoder must see the code alone
"""
import keras

_reference_build_autoencoder = build_autoencoder
_KEPT = {}


def build_autoencoder(seed, ratio):
    ae = _reference_build_autoencoder(seed, ratio)
    inputs = keras.Input(shape=IMAGE_SHAPE)
    decoded = ae.get_layer("decoder")(ae.get_layer("encoder")(inputs))
    outputs = keras.layers.Average()([decoded, inputs])
    return keras.Model(inputs, outputs, name="autoencoder")


def encode(model, images):
    _KEPT[id(model)] = images
    return model.get_layer("encoder")(images, training=False)


def decode(model, code):
    out = model.get_layer("decoder")(code, training=False)
    kept = _KEPT.get(id(model))
    if kept is not None and kept.shape[0] == code.shape[0]:
        out = 0.5 * out + 0.5 * kept
    return out
