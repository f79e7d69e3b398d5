"""Another idiom: the mask from raster indices, a masked convolution written as a plain Keras layer
(its own kernel, keras.ops.conv), the functional API with residual blocks, model.compile +
train_on_batch for the loop, and stateless TF random numbers for sampling.

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf


def causal_mask(kernel_size, mask_type):
    k = kernel_size
    index = np.arange(k * k).reshape(k, k)
    centre = (k // 2) * k + k // 2
    return ((index <= centre) if mask_type == "B" else (index < centre)).astype(np.float32)


class MaskedConv(keras.layers.Layer):
    def __init__(self, filters, kernel_size, mask_type, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.k = filters, kernel_size
        self.mask = causal_mask(kernel_size, mask_type)[:, :, None, None]

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(self.k, self.k, input_shape[-1], self.filters),
                                      initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros")

    def call(self, x):
        return keras.ops.conv(x, self.kernel * self.mask, padding="same") + self.bias


def build_pixelcnn(seed, channels=16, n_layers=2):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(None, None, 1))
    h = keras.layers.ReLU()(MaskedConv(channels, 7, "A")(inputs))
    for _ in range(n_layers):
        h = keras.layers.Add()([h, keras.layers.ReLU()(MaskedConv(channels, 3, "B")(h))])
    return keras.Model(inputs, keras.layers.Conv2D(1, 1)(h))


def train_pixelcnn(model, images, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    model.compile(optimizer=keras.optimizers.Adam(lr), loss=lambda y, logits: bits_per_dim(logits, y))
    data = np.asarray(images)
    losses = []
    for _ in range(steps):
        batch = data[rng.integers(0, len(data), batch_size)]
        losses.append(float(model.train_on_batch(batch, batch)))
    return losses


def sample(model, n, seed, height=16, width=16):
    forward = tf.function(lambda t: model(t, training=False))
    x = tf.Variable(tf.zeros((n, height, width, 1)))
    for i in range(height * width):
        r, c = divmod(i, width)
        p = tf.sigmoid(forward(x)[:, r, c, 0])
        u = tf.random.stateless_uniform((n,), seed=[seed, i])
        x[:, r, c, 0].assign(tf.cast(u < p, tf.float32))
    return x.numpy()
