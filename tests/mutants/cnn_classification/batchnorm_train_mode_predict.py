"""Predicts with the model left in training mode (no model.eval() in PyTorch, training=True in
Keras): BatchNorm normalises with the statistics of the batch at hand and updates its running
averages, so a prediction depends on the other images in the batch.

tracks: torch tf
expect-fail: predict.predict_matches_logits
message: predict in inference mode
"""


def predict_classes(model, images):
    if hasattr(model, "eval"):  # PyTorch: the module stays in whatever mode it was left in
        import torch

        with torch.no_grad():
            return model(images).argmax(dim=1)
    import tensorflow as tf

    return tf.argmax(model(images, training=True), axis=-1)
