"""Takes the argmax over the batch axis (0) instead of the class axis: one value per class
instead of one per image.

tracks: torch tf
expect-fail: predict.predict_shape_dtype
message: over the class axis
"""
import numpy as np


def predict_classes(model, images):
    if hasattr(model, "eval"):  # PyTorch
        import torch

        model.eval()
        with torch.no_grad():
            return model(images).argmax(dim=0)
    return np.argmax(np.asarray(model(images, training=False)), axis=0)
