"""The submission side of isolated grading: a warm fork server and the worker loop it forks.

``python -m graders.worker --control-fd N --preload torch,tf`` imports numpy and the frameworks
once, then waits on a control socket (SOCK_SEQPACKET). Each request carries a JSON
:class:`~graders.sandbox.SlotConfig` and two file descriptors, a socket to the trusted grader and
the file that takes the worker's stdout and stderr. The server forks; the child confines itself
(:func:`graders.sandbox.enter`) and then serves :mod:`graders.protocol` requests, holding the
student's namespace in an :class:`~graders.submission.InProcessSubmission`. The grader never
imports this process's objects: it only sees wire values.

The server never imports the graders' exercise modules or sees the grading salt, so a forked
worker's memory holds neither.
"""
from __future__ import annotations

import argparse
import json
import os
import select
import signal
import socket
import struct
import sys
from typing import Any

from . import protocol, sandbox
from .submission import CodeCell, InProcessSubmission, StudentCodeError, execute_cells


def _silent_checker(exercise_id: str, track: str, namespace: dict) -> Any:
    """Stands in for graders.notebook.checker: the grader runs the checks, outside this process."""
    def check(part: str) -> None:
        return None

    return check


def serve(conn: socket.socket, track: str, hello: dict) -> None:
    from . import notebook

    notebook.checker = _silent_checker  # type: ignore[assignment]
    sub = InProcessSubmission({"__name__": "__submission__"}, track)
    protocol.send(conn, {"hello": hello | {"layout": sub.layout, "device": sub.device}})
    me = os.getpid()
    while True:
        try:
            msg = protocol.recv(conn)
        except protocol.ProtocolError:
            os._exit(0)
        if os.getpid() != me:  # a process the student's code forked: only the worker may answer
            os._exit(0)
        op = msg.get("op") if isinstance(msg, dict) else None
        try:
            if op == "load":
                cells = [CodeCell(c["source"], tuple(c["tags"])) for c in msg["cells"]]
                namespace: dict[str, Any] = {"__name__": "__submission__"}
                errors = execute_cells(cells, namespace)
                sub = InProcessSubmission(namespace, track, errors)
                value = errors
            elif op == "call":
                value = sub.call(msg["name"], *msg["args"], **msg["kwargs"])
            elif op == "has":
                value = sub.has(msg["name"])
            elif op == "seed":
                value = sub.seed(msg["seed"])
            elif op == "predict":
                value = sub.predict(msg["handle"], msg["x"])
            elif op == "get_weights":
                value = sub.get_weights(msg["handle"])
            elif op == "set_weights":
                value = sub.set_weights(msg["handle"], msg["weights"])
            elif op == "forbid":
                value = sub.forbid([str(p) for p in msg["patterns"]])
            elif op == "optimizer_steps":
                value = sub.optimizer_steps()
            elif op == "exit":
                sys.stdout.flush()
                os._exit(0)
            else:
                raise ValueError(f"unknown request {op!r}")
            reply = {"ok": value}
        except StudentCodeError as exc:
            reply = {"error": exc.message, "detail": exc.detail}
        except Exception as exc:  # noqa: BLE001 - reported to the grader, which decides
            reply = {"error": f"{type(exc).__name__}: {exc}", "detail": ""}
        if os.getpid() != me:
            os._exit(0)
        if isinstance(msg, dict):
            reply["id"] = msg.get("id")  # the grader matches each reply to its request
        try:
            protocol.send(conn, reply)
        except OSError:
            os._exit(0)


def _child(config: sandbox.SlotConfig, conn: socket.socket, output_fd: int, pid_fd: int, track: str) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(output_fd)
    workdir = sandbox.enter(config, conn.fileno(), pid_fd)
    serve(conn, track, {"workdir": workdir})


def _warm_torch(torch) -> None:
    """One tiny training step, so kernels and dispatch caches are built once here, not in every worker.

    Safe to fork after: with one thread, PyTorch starts no thread pool on the CPU; CUDA is left alone.
    """
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                                torch.nn.MaxPool2d(2), torch.nn.ConvTranspose2d(4, 1, 4, stride=2, padding=1),
                                torch.nn.Flatten(), torch.nn.Linear(64, 3))
    optimizer = torch.optim.Adam(model.parameters())
    loss = torch.nn.functional.cross_entropy(model(torch.zeros(2, 1, 8, 8)), torch.zeros(2, dtype=torch.long))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def _preload(frameworks: list[str], threads: int) -> None:
    # What the notebooks' setup cells import, so a worker starts with it in memory.
    import cv2  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401

    from . import adapters, metrics, notebook, plots  # noqa: F401

    if "torch" in frameworks:
        import torch
        import torch._dynamo  # noqa: F401 - optimizers import it lazily (sympy and all: seconds per worker)
        import torch.optim  # noqa: F401

        torch.set_num_threads(threads)
        adapters.make_adapter("torch")
        _warm_torch(torch)
    if "tf" in frameworks:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        adapters.make_adapter("tf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graders.worker", description=__doc__)
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--preload", default="", help="comma-separated: torch,tf")
    parser.add_argument("--threads", type=int, default=1, help="compute threads per worker")
    args = parser.parse_args(argv)
    control = socket.socket(fileno=args.control_fd)
    _preload([f for f in args.preload.split(",") if f], args.threads)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished workers
    sandbox.become_subreaper()  # ... and their namespaces' init processes, once orphaned
    control.send(b'{"ready": true}')
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 65536, 2)
        except OSError:
            return 0
        if not data:
            return 0
        request = json.loads(data)
        conn = socket.socket(fileno=fds[0])
        pid_read, pid_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            control.close()
            os.close(pid_read)
            try:
                _child(sandbox.SlotConfig(**request["config"]), conn, fds[1], pid_write, request["track"])
            except BaseException as exc:  # noqa: BLE001 - tell the grader why, then die
                try:
                    protocol.send(conn, {"fatal": f"worker set-up failed: {type(exc).__name__}: {exc}"})
                finally:
                    os._exit(70)
            os._exit(0)
        conn.close()
        os.close(fds[1])
        os.close(pid_write)
        # The pid to kill: the worker's PID-namespace init (or the worker itself without namespaces).
        ready, _, _ = select.select([pid_read], [], [], 30)
        data = os.read(pid_read, 8) if ready else b""
        os.close(pid_read)
        init = struct.unpack("<q", data)[0] if len(data) == 8 else pid
        control.send(json.dumps({"pid": pid, "init": init}).encode())


if __name__ == "__main__":
    sys.exit(main())
