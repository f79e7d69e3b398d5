"""Returns the model's output as the denoised image, forgetting that the model predicts the noise.

tracks: tf
expect-fail: denoise.denoise_subtracts_noise
message: which is the NOISE estimate
"""
import keras


def denoise(model, noisy):
    return keras.ops.clip(model(noisy, training=False), 0.0, 1.0)
