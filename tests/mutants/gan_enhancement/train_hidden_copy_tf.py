"""Trains the reference, then answers from a private copy of the trained generator that the
grader's weights (get_weights/set_weights) do not reach: the output no longer depends on the model
it handed in.

tracks: tf
kind: gaming
expect-fail: train.psnr_beats_baselines
message: does not come from the model's weights
"""
_build_reference, _train_reference = build_generator, train_enhancer


class _HiddenCopy(keras.Model):
    def __init__(self, inner, seed):
        super().__init__()
        self.inner, self.seed_ = inner, seed
        object.__setattr__(self, "frozen", None)   # bypasses Keras' tracking: not among this model's weights

    def call(self, x, training=False):
        out = self.inner(x, training=training)
        return out if self.frozen is None else self.frozen(x, training=False) + 0 * out


def build_generator(seed):
    return _HiddenCopy(_build_reference(seed), seed)


def train_enhancer(generator, discriminator, low, high, steps, seed, l1_weight=100.0, batch_size=16, lr=2e-3):
    losses = _train_reference(generator.inner, discriminator, low, high, steps, seed, l1_weight, batch_size, lr)
    twin = _build_reference(generator.seed_)
    twin.set_weights(generator.inner.get_weights())
    object.__setattr__(generator, "frozen", twin)
    return losses
