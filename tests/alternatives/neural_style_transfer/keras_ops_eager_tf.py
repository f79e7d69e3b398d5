"""keras.ops instead of tf ops: the Gram matrix as a reshape to (N, H*W, C) and F^T F, losses with
keras.ops.mean, an eager GradientTape loop (no tf.function) on a keras.Variable.

tracks: tf
"""
import keras
import tensorflow as tf
from keras import ops


def gram_matrix(features):
    n, h, w, c = ops.shape(features)
    flat = ops.reshape(features, (n, h * w, c))
    return ops.matmul(ops.transpose(flat, (0, 2, 1)), flat) / ops.cast(h * w, features.dtype)


def content_loss(features, target):
    return ops.mean(ops.square(features - target))


def style_loss(features, target_gram):
    return ops.mean(ops.square(gram_matrix(features) - target_gram))


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    keras.utils.set_random_seed(seed)
    content_target = extractor(content)[CONTENT_LAYER]
    style_grams = [gram_matrix(f) for f in extractor(style)]
    image = keras.Variable(content, trainable=True)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            features = extractor(image.value)
            loss = content_loss(features[CONTENT_LAYER], content_target)
            for f, g in zip(features, style_grams):
                loss = loss + style_weight * style_loss(f, g)
        grads = tape.gradient(loss, [image.value])
        optimizer.apply_gradients(zip(grads, [image]))
        image.assign(ops.clip(image, 0.0, 1.0))
        losses.append(float(loss))
    return ops.convert_to_tensor(image), losses
