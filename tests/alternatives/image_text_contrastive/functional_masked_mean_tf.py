"""Other idioms: functional Keras models, an explicit masked mean with keras.ops (no mask_zero),
average pooling in the image encoder, InfoNCE written with log_softmax and the diagonal, and
zero-shot scores with einsum.

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf


def info_nce(image_emb, text_emb, temperature):
    u = keras.ops.normalize(image_emb, axis=1)
    v = keras.ops.normalize(text_emb, axis=1)
    logits = keras.ops.einsum("nd,md->nm", u, v) / temperature
    image_to_text = -keras.ops.mean(keras.ops.diagonal(keras.ops.log_softmax(logits, axis=1)))
    text_to_image = -keras.ops.mean(keras.ops.diagonal(keras.ops.log_softmax(logits, axis=0)))
    return 0.5 * (image_to_text + text_to_image)


def build_image_encoder(embed_dim, seed):
    keras.utils.set_random_seed(seed)
    x = inputs = keras.Input(shape=(None, None, 3))
    for filters in (16, 32):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.AveragePooling2D(2)(x)
    x = keras.layers.Conv2D(48, 3, padding="same", activation="relu")(x)
    x = keras.layers.GlobalMaxPooling2D()(x)
    x = keras.layers.Dense(embed_dim)(x)
    return keras.Model(inputs, keras.layers.UnitNormalization()(x))


def build_text_encoder(vocab_size, embed_dim, seed):
    keras.utils.set_random_seed(seed)
    tokens = keras.Input(shape=(None,), dtype="int64")
    words = keras.layers.Embedding(vocab_size, 32)(tokens)
    mask = keras.ops.expand_dims(keras.ops.cast(keras.ops.not_equal(tokens, 0), "float32"), -1)
    mean = keras.ops.sum(words * mask, axis=1) / keras.ops.maximum(keras.ops.sum(mask, axis=1), 1.0)
    x = keras.layers.Dense(embed_dim)(mean)
    return keras.Model(tokens, keras.layers.UnitNormalization()(x))


def train_clip(image_encoder, text_encoder, images, tokens, steps, seed, temperature=0.1, batch_size=32, lr=3e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    variables = [*image_encoder.trainable_variables, *text_encoder.trainable_variables]

    @tf.function
    def train_step(idx):
        with tf.GradientTape() as tape:
            loss = info_nce(image_encoder(tf.gather(images, idx), training=True),
                            text_encoder(tf.gather(tokens, idx), training=True), temperature)
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    return [float(train_step(rng.permutation(images.shape[0])[:batch_size])) for _ in range(steps)]


def zero_shot_classify(image_encoder, text_encoder, images, class_prompts):
    k, p, length = class_prompts.shape
    prompts = keras.ops.normalize(text_encoder(tf.reshape(class_prompts, (-1, length)), training=False), axis=-1)
    classes = keras.ops.normalize(keras.ops.sum(keras.ops.reshape(prompts, (k, p, -1)), axis=1), axis=-1)
    scores = keras.ops.einsum("nd,kd->nk", image_encoder(images, training=False), classes)
    return tf.argmax(scores, axis=1, output_type=tf.int64)
