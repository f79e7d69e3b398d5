"""Takes the argmax over the images (axis 0) instead of over the classes: one value per class.

tracks: tf
expect-fail: zero_shot.zero_shot_output
message: not over the images
"""
import keras


def zero_shot_classify(image_encoder, text_encoder, images, class_prompts):
    k, p, length = class_prompts.shape
    image_emb = image_encoder(images, training=False)
    prompt_emb = text_encoder(keras.ops.reshape(class_prompts, (k * p, length)), training=False)
    class_emb = keras.ops.normalize(keras.ops.mean(keras.ops.reshape(prompt_emb, (k, p, -1)), axis=1), axis=-1)
    return keras.ops.argmax(keras.ops.matmul(image_emb, keras.ops.transpose(class_emb)), axis=0)
