"""The GPU path, checked where there is no GPU: the adapter's CUDA set-up and `make test-gpu`'s refusal.

Each runs in a fresh interpreter: the set-up changes process-wide PyTorch flags.
"""
import json
import os
import subprocess
import sys

import pytest
import torch

from graders import catalog

SETUP_PROBE = """
import json, os, torch
os.environ.pop("CUBLAS_WORKSPACE_CONFIG", None)
from graders.adapters import make_cuda_reproducible
make_cuda_reproducible(torch)
print(json.dumps({
    "deterministic": torch.are_deterministic_algorithms_enabled(),
    "warn_only": torch.is_deterministic_algorithms_warn_only_enabled(),
    "cudnn_deterministic": torch.backends.cudnn.deterministic,
    "cudnn_benchmark": torch.backends.cudnn.benchmark,
    "matmul_tf32": torch.backends.cuda.matmul.allow_tf32,
    "cudnn_tf32": torch.backends.cudnn.allow_tf32,
    "matmul_precision": torch.get_float32_matmul_precision(),
    "cublas_workspace": os.environ.get("CUBLAS_WORKSPACE_CONFIG"),
}))
"""


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=catalog.ROOT,
                          env=dict(os.environ, OMP_NUM_THREADS="1", **env), timeout=120)


def test_cuda_setup_is_deterministic_without_tf32():
    result = run_python("-c", SETUP_PROBE)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "deterministic": True, "warn_only": True, "cudnn_deterministic": True, "cudnn_benchmark": False,
        "matmul_tf32": False, "cudnn_tf32": False, "matmul_precision": "highest", "cublas_workspace": ":4096:8",
    }


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is visible")
def test_gpu_battery_refuses_without_cuda():
    result = run_python("benchmarks/gpu_battery.py", GPU_REQUIRED="1")
    assert result.returncode == 2
    assert "no CUDA device" in result.stderr and "GPU_REQUIRED=0" in result.stderr
