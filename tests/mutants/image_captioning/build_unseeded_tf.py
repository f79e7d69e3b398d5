"""Ignores `seed`: the initial weights change from call to call.

tracks: tf
expect-fail: model.small_and_seeded
message: seed
"""
_reference_build = build_captioner


def build_captioner(vocab_size, seed):
    return _reference_build(vocab_size, int(np.random.randint(1_000_000)))
