"""Trains the reference model, then captions with hand-written rules on the pixels (the object's colour,
width, fill ratio and place) instead of the model: the captions no longer come from its weights.

tracks: tf
kind: gaming
expect-fail: train.uses_the_image
message: does not come from the model's weights
"""
_COLOURS = np.array([(0.95, 0.15, 0.15), (0.15, 0.85, 0.2), (0.2, 0.35, 1.0), (0.95, 0.9, 0.15)])
_NAMES = ("red", "green", "blue", "yellow")
_WORD = {w: i for i, w in enumerate(("<pad>", "<bos>", "<eos>", "a", "small", "big", "red", "green", "blue", "yellow",
                                     "square", "disk", "triangle", "on", "at", "the", "left", "right", "top", "bottom"))}
_TRAINED = set()


def _rule_caption(img):
    """Caption one (32, 32, 3) scene from its pixels: the bright object, its colour, size, shape, place."""
    mask = img.max(axis=-1) > 0.55
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return "a disk"
    colour = _NAMES[int(np.argmin(((_COLOURS - img[mask].mean(axis=0)) ** 2).sum(axis=1)))]
    width = xs.max() - xs.min() + 1
    fill = mask.sum() / (width * (ys.max() - ys.min() + 1))
    shape = "square" if fill > 0.9 else "disk" if fill > 0.65 else "triangle"
    size = ["small"] if width < 10 else ["big"] if width > 13 else []
    cx, cy = xs.mean() + 0.5, ys.mean() + 0.5
    edge = int(np.argmin([cx, 32 - cx, cy, 32 - cy]))
    place = ("on the left", "on the right", "at the top", "at the bottom")[edge]
    return " ".join(["a"] + size + [colour, shape, place])


def _rule_tokens(images, max_len):
    out = np.zeros((len(images), max_len), np.int64)
    for i, img in enumerate(images):
        ids = [_WORD[w] for w in _rule_caption(img).split()] + [2]
        out[i, :min(max_len, len(ids))] = ids[:max_len]
    return out


_reference_train, _reference_decode = train_captioner, greedy_decode


def train_captioner(model, images, captions, steps, seed, batch_size=32, lr=5e-3):
    losses = _reference_train(model, images, captions, steps, seed, batch_size, lr)
    _TRAINED.add(id(model))
    return losses


def greedy_decode(model, images, max_len):
    if id(model) not in _TRAINED:
        return _reference_decode(model, images, max_len)
    return tf.constant(_rule_tokens(np.asarray(images), max_len))
