"""Thin framework adapters: the only code that knows PyTorch from TensorFlow/Keras from NumPy.

An adapter runs on the submission side. It turns grader arrays into the track's tensors, turns
tensors back into numpy, seeds every RNG, picks the device, and implements the fixed set of
operations the grader may apply to a model handle: ``predict``, ``get_weights``, ``set_weights``.
Frameworks are imported lazily so a numpy-only exercise never pays for importing TensorFlow.
"""
from __future__ import annotations

import os
import random
from typing import Any, Sequence

import numpy as np

from .watch import OptimizerSteps

LAYOUTS = {"numpy": "NHWC", "torch": "NCHW", "tf": "NHWC"}
# torch.cuda.is_available() then asks NVML instead of initialising CUDA, which would not survive the
# fork of each grading worker from the server that preloaded PyTorch (graders.worker). Set on import,
# before anything that imports graders imports torch.
os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")


class Adapter:
    track = "numpy"

    @property
    def layout(self) -> str:
        return LAYOUTS[self.track]

    @property
    def device(self) -> str:
        return "cpu"

    def optimizer_steps(self) -> int:
        """Optimizer steps taken in this process so far (torch.optim and Keras optimizers)."""
        return OptimizerSteps.total()

    def seed(self, seed: int) -> None:
        random.seed(seed)
        np.random.seed(seed % 2**32)

    def to_track(self, array: np.ndarray) -> Any:
        return array.copy()  # student code may write into its input; the grader's copy must not change

    def to_numpy(self, value: Any) -> np.ndarray | None:
        return None

    def predict(self, model: Any, x: Any) -> Any:
        return model(x)

    def get_weights(self, model: Any) -> list[np.ndarray]:
        raise TypeError(f"cannot read weights of a {type(model).__name__}")

    def set_weights(self, model: Any, weights: Sequence[np.ndarray]) -> None:
        raise TypeError(f"cannot set weights of a {type(model).__name__}")


def make_cuda_reproducible(torch: Any) -> None:
    """Make grading on CUDA repeatable and as close to the CPU's float32 results as it can be.

    Checks compare a model built twice with one seed for equality, and outputs to float64 references
    with float32 tolerances; cuDNN's autotuned or atomic-add kernels and TF32 (10-bit mantissa) break
    both. Touches no CUDA state, so it is safe before the worker server forks.
    """
    # cuBLAS reads this when it first makes a workspace; without it its matmuls are not repeatable.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    # warn_only: an op with no deterministic CUDA kernel (e.g. the backward of bilinear interpolate
    # or of adaptive pooling) warns instead of raising, so a correct solution never crashes on the
    # GPU where it runs on the CPU; such ops differ only in float summation order.
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    # TF32 matmuls and convolutions move results by ~1e-3 and would make CPU and GPU grades differ.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")


class TorchAdapter(Adapter):
    track = "torch"

    def __init__(self) -> None:
        import torch

        self.torch = torch
        OptimizerSteps.install_torch()
        self._device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        if self._device.type == "cuda":
            make_cuda_reproducible(torch)

    @property
    def device(self) -> str:
        return str(self._device)

    def seed(self, seed: int) -> None:
        super().seed(seed)
        self.torch.manual_seed(seed)

    def to_track(self, array: np.ndarray) -> Any:
        # A copy, never a view: student code may write into its input (as_tensor would share the grader's
        # buffer on the CPU), and a fresh tensor has standard strides (an axis added with None has stride
        # 0, which CUDA's adaptive pooling kernels misread; see autoencoder_compression.standard_strides).
        return self.torch.from_numpy(np.array(array, order="C")).to(self._device)  # a copy with fresh C strides

    def to_numpy(self, value: Any) -> np.ndarray | None:
        if isinstance(value, self.torch.Tensor):
            return value.detach().cpu().numpy()
        return None

    def _model_device(self, model: Any):
        params = list(model.parameters()) if hasattr(model, "parameters") else []
        return params[0].device if params else self._device

    def predict(self, model: Any, x: Any) -> Any:
        torch = self.torch
        was_training = getattr(model, "training", False)
        if hasattr(model, "eval"):
            model.eval()
        try:
            with torch.no_grad():
                if isinstance(x, torch.Tensor):
                    x = x.to(self._model_device(model))
                return model(x)
        finally:
            if was_training:
                model.train()

    def get_weights(self, model: Any) -> list[np.ndarray]:
        return [p.detach().cpu().numpy().copy() for p in model.state_dict().values()]

    def set_weights(self, model: Any, weights: Sequence[np.ndarray]) -> None:
        state = model.state_dict()
        if len(weights) != len(state):
            raise ValueError(f"expected {len(state)} weight arrays, got {len(weights)}")
        with self.torch.no_grad():
            for tensor, new in zip(state.values(), weights):
                tensor.copy_(self.torch.as_tensor(new, dtype=tensor.dtype))


class KerasAdapter(Adapter):
    track = "tf"

    def __init__(self) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import keras
        import tensorflow as tf

        self.tf = tf
        self.keras = keras
        OptimizerSteps.install_keras()

    @property
    def device(self) -> str:
        return "gpu" if self.tf.config.list_physical_devices("GPU") else "cpu"

    def seed(self, seed: int) -> None:
        super().seed(seed)
        self.keras.utils.set_random_seed(seed)

    def to_track(self, array: np.ndarray) -> Any:
        return self.tf.convert_to_tensor(array)

    def to_numpy(self, value: Any) -> np.ndarray | None:
        tf = self.tf
        if isinstance(value, (tf.Tensor, tf.Variable)):
            return value.numpy()
        if hasattr(self.keras, "KerasTensor") and isinstance(value, self.keras.Variable):
            return np.asarray(value.numpy())
        return None

    def predict(self, model: Any, x: Any) -> Any:
        try:
            return model(x, training=False)
        except TypeError:  # plain callables that take no `training` argument
            return model(x)

    def get_weights(self, model: Any) -> list[np.ndarray]:
        return [np.array(w, copy=True) for w in model.get_weights()]

    def set_weights(self, model: Any, weights: Sequence[np.ndarray]) -> None:
        model.set_weights(list(weights))


def make_adapter(track: str) -> Adapter:
    if track == "numpy":
        return Adapter()
    if track == "torch":
        return TorchAdapter()
    if track == "tf":
        return KerasAdapter()
    raise ValueError(f"unknown track {track!r}; expected numpy, torch or tf")
