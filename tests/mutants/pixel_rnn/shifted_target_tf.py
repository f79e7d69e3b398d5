"""Shifts the target by one pixel as for a language model (logit i predicts pixel i + 1), although
mask A already excludes the current pixel: the model learns to predict two pixels ahead.

tracks: tf
expect-fail: train.heldout_bits_per_dim
message: do not shift the target
"""


def train_pixelcnn(model, images, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(autograph=False)
    def train_step(batch):
        with tf.GradientTape() as tape:
            logits = tf.reshape(model(batch, training=True), [batch_size, -1])
            target = tf.reshape(batch, [batch_size, -1])
            loss = bits_per_dim(logits[:, :-1], target[:, 1:])
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return [float(train_step(tf.gather(images, rng.integers(0, images.shape[0], batch_size)))) for _ in range(steps)]
