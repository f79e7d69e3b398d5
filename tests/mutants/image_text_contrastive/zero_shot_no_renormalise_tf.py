"""Averages the similarities to the P prompts of each class (the same as averaging the prompt
embeddings without re-normalising them).

tracks: tf
expect-fail: zero_shot.zero_shot_matches_ensemble
message: WITHOUT normalising
"""
import keras


def zero_shot_classify(image_encoder, text_encoder, images, class_prompts):
    k, p, length = class_prompts.shape
    image_emb = image_encoder(images, training=False)
    prompt_emb = text_encoder(keras.ops.reshape(class_prompts, (k * p, length)), training=False)
    scores = keras.ops.reshape(keras.ops.matmul(image_emb, keras.ops.transpose(prompt_emb)), (-1, k, p))
    return keras.ops.argmax(keras.ops.mean(scores, axis=2), axis=1)
