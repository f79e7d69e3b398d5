"""A subclassed keras.Model (GRU decoder, features added to the embeddings through a Dense layer),
teacher forcing by slicing one [BOS] + words + [EOS] sequence, and the loss from log_softmax.

tracks: tf
"""


def teacher_forcing_batch(captions):
    captions = tf.cast(captions, tf.int64)
    n = tf.shape(captions)[0]
    lengths = tf.reduce_sum(tf.cast(captions != PAD, tf.int32), axis=1)
    seq = tf.concat([tf.fill([n, 1], tf.constant(BOS, tf.int64)), captions,
                     tf.fill([n, 1], tf.constant(PAD, tf.int64))], axis=1)
    seq = seq + EOS * tf.one_hot(lengths + 1, tf.shape(seq)[1], dtype=tf.int64)
    inputs, targets = seq[:, :-1], seq[:, 1:]
    return inputs, targets, tf.cast(targets != PAD, tf.float32)


def masked_cross_entropy(logits, targets, mask):
    log_p = tf.nn.log_softmax(logits, axis=-1)
    ce = -tf.gather(log_p, tf.cast(targets, tf.int32), batch_dims=2)
    return tf.reduce_sum(ce * mask) / tf.reduce_sum(mask)


class SubclassedCaptioner(keras.Model):
    def __init__(self, vocab_size):
        super().__init__()
        self.encoder = keras.Sequential([
            keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),
            keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
            keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
            keras.layers.Flatten(), keras.layers.Dense(64),
        ])
        self.embed = keras.layers.Embedding(vocab_size, 64)
        self.rnn = keras.layers.GRU(64, return_sequences=True)
        self.head = keras.layers.Dense(vocab_size)

    def call(self, inputs, training=False):
        images, tokens = inputs
        x = self.embed(tokens) + keras.ops.expand_dims(self.encoder(images), 1)
        return self.head(self.rnn(x, training=training))


def build_captioner(vocab_size, seed):
    keras.utils.set_random_seed(seed)
    model = SubclassedCaptioner(vocab_size)
    model([keras.ops.zeros((1, 32, 32, 3)), keras.ops.zeros((1, 1), dtype="int32")])  # create the weights
    return model
