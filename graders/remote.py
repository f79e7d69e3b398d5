"""The trusted side of isolated grading: a pool of warm, confined workers and RemoteSubmission.

:class:`RemoteSubmission` has the interface of :class:`~graders.submission.InProcessSubmission`
(``call``, ``predict``, ``get_weights``, ``set_weights``, ``seed``, ``layout``), so every grader runs
unchanged; behind it the student's code runs in a worker process forked from a warm server
(:mod:`graders.worker`) and confined by :mod:`graders.sandbox`. Only protocol messages cross.

Time limits: each check has ``limits.check_s`` seconds and the whole submission ``limits.wall_s``.
A request that overruns fails its check; the worker is killed and, for the checks that follow, a
fresh one loads the notebook again (at most ``MAX_RESTARTS`` times).
"""
from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from . import protocol, sandbox, wire
from .submission import CodeCell, StudentCodeError
from .wire import Handle

MAX_RESTARTS = 2
UIDS_PER_RUN = 100_000
OUTPUT_KEEP = 4000  # characters of a worker's stdout/stderr kept in its report


def worker_uids(grader_pid: int) -> range:
    """The uids one grading process gives its workers: far above regular users, distinct per run."""
    start = 1_000_000 + (grader_pid % 20_000) * UIDS_PER_RUN
    return range(start, start + UIDS_PER_RUN)


class WorkerPool:
    """A warm fork server plus ``jobs`` slots, each with its own uid and cgroups."""

    def __init__(self, frameworks: set[str], jobs: int, limits: sandbox.Limits, scratch: Path) -> None:
        self.limits = limits
        self.mechanisms = sandbox.probe()
        # What a worker sees (sandbox.view): the Python installation and its packages, never the
        # directories around them (a course checkout, the grader's working directory).
        prefixes = {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}
        python_paths = sorted(prefixes | {p for p in sys.path if p and os.path.isdir(p)
                                          and any(os.path.realpath(p).startswith(x + "/") for x in prefixes)})
        self.view = sandbox.view(Path(__file__).resolve().parents[1], python_paths)
        self.scratch = scratch
        scratch.mkdir(parents=True, exist_ok=True)
        self.root_dir = scratch / "worker-root"  # mount point of each worker's new root, empty on the host
        self.root_dir.mkdir(exist_ok=True)
        tag = os.getpid()
        self.slots = [{"name": f"{tag}-{i}"} for i in range(jobs)]
        self._uids = itertools.count(worker_uids(tag).start)
        self._free = list(range(jobs))
        self._free_lock = threading.Condition()
        self._spawn_lock = threading.Lock()
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {k: v for k, v in os.environ.items() if k not in sandbox.SECRET_ENV}
        env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", TF_CPP_MIN_LOG_LEVEL="2", MPLBACKEND="Agg")
        self._server_log = open(scratch / "forkserver.log", "ab")
        self._server = subprocess.Popen(
            [sys.executable, "-m", "graders.worker", "--control-fd", str(child.fileno()),
             "--preload", ",".join(sorted(frameworks & {"torch", "tf"}))],
            pass_fds=[child.fileno()], env=env, stdin=subprocess.DEVNULL, stdout=self._server_log,
            stderr=subprocess.STDOUT, cwd=scratch, start_new_session=True)
        child.close()
        self._control = parent
        self._control.settimeout(600)
        try:
            ready = self._control.recv(4096)
        except OSError:
            ready = b""
        if not ready:
            raise RuntimeError(f"the grading fork server did not start; see {scratch / 'forkserver.log'}")
        self._control.settimeout(None)

    def acquire(self) -> int:
        with self._free_lock:
            while not self._free:
                self._free_lock.wait()
            return self._free.pop(0)

    def release(self, slot: int) -> None:
        with self._free_lock:
            self._free.append(slot)
            self._free_lock.notify()

    def spawn(self, slot: int, track: str, label: str) -> "Worker":
        info = self.slots[slot]
        cgroups = sandbox.prepare_slot(info["name"], self.limits, self.mechanisms)
        uid = next(self._uids)  # a fresh uid per worker: nothing a uid owns (keyrings, files) carries over
        config = sandbox.SlotConfig(slot, uid, asdict(self.limits), self.view, str(self.root_dir),
                                    cgroups, self.mechanisms.to_dict())
        grader_end, worker_end = socket.socketpair()
        output_path = self.scratch / f"{label}.out"
        output_fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with self._spawn_lock:
                socket.send_fds(self._control, [json.dumps({"config": asdict(config), "track": track}).encode()],
                                [worker_end.fileno(), output_fd])
                reply = self._control.recv(4096)
        finally:
            worker_end.close()
            os.close(output_fd)
        if not reply:
            raise RuntimeError("the grading fork server died")
        pids = json.loads(reply)
        return Worker(self, info, uid, grader_end, [pids["init"], pids["pid"]], output_path, cgroups)

    def close(self) -> None:
        try:
            self._control.close()
        finally:
            self._server.kill()
            self._server.wait()
            self._server_log.close()
            for info in self.slots:
                sandbox.remove_slot(info["name"])


class Worker:
    """One live worker process (a confined fork of the server) and the socket to it."""

    def __init__(self, pool: WorkerPool, info: dict, uid: int, sock: socket.socket, pids: list[int],
                 output_path: Path, cgroups: list[str]) -> None:
        self.pool, self.info, self.uid, self.sock, self.pids = pool, info, uid, sock, pids
        self.output_path, self.cgroups = output_path, cgroups
        self.oom_before = sandbox.oom_kills(info["name"])
        self.hello: dict = {}
        self.requests = 0

    def handshake(self, deadline: float) -> dict:
        msg = protocol.recv(self.sock, deadline)
        if isinstance(msg, dict) and "fatal" in msg:
            raise RuntimeError(str(msg["fatal"])[:1000])
        if not isinstance(msg, dict) or not isinstance(msg.get("hello"), dict):
            raise protocol.ProtocolError("no hello from the worker")
        self.hello = msg["hello"]
        return self.hello

    def request(self, message: dict, deadline: float) -> Any:
        """Send one request and return its reply; a reply to anything else (a frame the student's
        code wrote on the socket) is a protocol error."""
        self.requests += 1
        protocol.send(self.sock, message | {"id": self.requests})
        reply = protocol.recv(self.sock, deadline)
        if not isinstance(reply, dict) or reply.get("id") != self.requests:
            raise protocol.ProtocolError("malformed message: a reply that answers no request")
        return reply

    def died_of_memory(self) -> bool:
        return sandbox.oom_kills(self.info["name"]) > self.oom_before

    def kill(self) -> None:
        try:
            self.sock.close()
        finally:
            uid = self.uid if self.pool.mechanisms.root else None
            sandbox.kill_all(uid, self.pids, self.cgroups)
            workdir = self.hello.get("workdir")
            if isinstance(workdir, str) and not self.pool.mechanisms.isolated:
                import shutil

                # Without namespaces the working directory is a real one on the host: remove it.
                if os.path.basename(workdir).startswith("course-worker-"):
                    shutil.rmtree(workdir, ignore_errors=True)

    def output(self) -> str:
        try:
            with open(self.output_path, "rb") as f:
                data = f.read(OUTPUT_KEEP + 1)
        except OSError:
            return ""
        text = data[:OUTPUT_KEEP].decode("utf-8", "replace")
        return text + ("\n[... output truncated]" if len(data) > OUTPUT_KEEP else "")


class RemoteSubmission:
    """A submission whose code runs in a confined worker; same interface as InProcessSubmission."""

    def __init__(self, pool: WorkerPool, slot: int, track: str, cells: list[CodeCell], label: str,
                 wall_s: float | None = None) -> None:
        self.pool, self.slot, self.track, self.label = pool, slot, track, label
        self.cells = cells
        self.limits = pool.limits
        self.start = time.monotonic()
        # A shorter wall than the pool's: what is left of a student's time cap.
        self.wall_s = self.limits.wall_s if wall_s is None else min(wall_s, self.limits.wall_s)
        self.wall_deadline = self.start + self.wall_s
        self.check_deadline = self.wall_deadline
        self.events: list[tuple[str, str]] = []  # (timeout | memory | crashed, what)
        self.load_errors: list[str] = []
        self.outputs: list[str] = []
        self.restarts = 0
        self._worker: Worker | None = None
        self._layout, self._device = "NHWC", "cpu"
        self._start_worker(first=True)

    # -- lifecycle -------------------------------------------------------------------------------
    def _start_worker(self, first: bool = False) -> None:
        worker = self.pool.spawn(self.slot, self.track, f"{self.label}.{self.restarts}")
        self._worker = worker
        deadline = min(self.wall_deadline, time.monotonic() + self.limits.load_s)
        try:
            hello = worker.handshake(time.monotonic() + 60)
            self._layout, self._device = str(hello.get("layout")), str(hello.get("device"))
            reply = worker.request({"op": "load", "cells": [{"source": c.source, "tags": list(c.tags)}
                                                            for c in self.cells]}, deadline)
        except protocol.PeerTimeout:
            self._lost("timeout", f"loading the notebook took longer than {min(self.limits.load_s, self.wall_s):g} s")
            if first:
                self.load_errors.append("the notebook's cells did not finish running in time "
                                        "(an endless loop, or training in a top-level cell?)")
                self.restarts = MAX_RESTARTS  # loading again would fail the same way
            return
        except (protocol.ProtocolError, RuntimeError) as exc:
            kind = self._death_kind()
            self._lost(kind, f"while loading the notebook: {exc}")
            if first:
                self.load_errors.append(self._death_message("running the notebook's cells", kind))
                self.restarts = MAX_RESTARTS
            return
        errors = reply.get("ok") if isinstance(reply, dict) else None
        if first and isinstance(errors, list):
            self.load_errors = [str(e)[:500] for e in errors[:20]]

    def _death_kind(self) -> str:
        return "memory" if self._worker is not None and self._worker.died_of_memory() else "crashed"

    def _death_message(self, what: str, kind: str) -> str:
        if kind == "memory":
            return f"the notebook's process was killed while {what}: it used more than {self.limits.memory_mb} MB"
        return f"the notebook's process ended while {what} (os._exit, a crash, or a killed process)"

    def _lost(self, kind: str, what: str) -> None:
        self.events.append((kind, what))
        if self._worker is not None:
            self.outputs.append(self._worker.output())
            self._worker.kill()
        self._worker = None

    def begin_check(self, check_id: str) -> None:
        self.check_deadline = min(self.wall_deadline, time.monotonic() + self.limits.check_s)

    def close(self) -> None:
        if self._worker is not None:
            try:
                protocol.send(self._worker.sock, {"op": "exit"})
            except OSError:
                pass
            self.outputs.append(self._worker.output())
            self._worker.kill()
            self._worker = None

    def output(self) -> str:
        return "\n".join(o for o in self.outputs if o)

    # -- the interface graders use -----------------------------------------------------------------
    @property
    def layout(self) -> str:
        return self._layout

    @property
    def device(self) -> str:
        return self._device

    def has(self, name: str) -> bool:
        return bool(self._request(f"`{name}`", {"op": "has", "name": name}))

    def seed(self, seed: int) -> None:
        self._request("seeding", {"op": "seed", "seed": int(seed)})

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._request(f"`{name}`", {"op": "call", "name": name, "args": list(args), "kwargs": kwargs})

    def predict(self, handle: Handle, x: np.ndarray) -> Any:
        return self._request(f"{getattr(handle, 'type_name', 'model')} (forward pass)",
                             {"op": "predict", "handle": handle, "x": x})

    def get_weights(self, handle: Handle) -> list[np.ndarray]:
        return self._request("reading the model's weights", {"op": "get_weights", "handle": handle})

    def set_weights(self, handle: Handle, weights: list[np.ndarray]) -> None:
        self._request("setting the model's weights",
                      {"op": "set_weights", "handle": handle, "weights": [np.asarray(w) for w in weights]})

    def forbid(self, patterns: list[str]) -> list[str]:
        caught = self._request("watching library calls", {"op": "forbid", "patterns": [str(p) for p in patterns]})
        return [str(c) for c in caught] if isinstance(caught, list) else []

    def optimizer_steps(self) -> int:
        steps = self._request("counting optimizer steps", {"op": "optimizer_steps"})
        if isinstance(steps, bool) or not isinstance(steps, int):
            raise StudentCodeError("counting optimizer steps: the notebook's process answered nonsense")
        return steps

    # -- transport ---------------------------------------------------------------------------------
    def _request(self, what: str, message: dict) -> Any:
        if time.monotonic() >= self.wall_deadline:
            raise StudentCodeError(f"not run: the submission used up its {self.wall_s:g} s time limit")
        if self._worker is None:
            if self.restarts >= MAX_RESTARTS:
                raise StudentCodeError("not run: the notebook's process had stopped (see the status)")
            self.restarts += 1
            self._start_worker()
            if self._worker is None:
                raise StudentCodeError(f"{what} not run: the notebook could not be loaded again")
        try:
            reply = self._worker.request(message, self.check_deadline)
        except protocol.PeerTimeout:
            per_check = self.check_deadline < self.wall_deadline
            limit = f"{self.limits.check_s:g} s limit per check" if per_check else f"{self.wall_s:g} s limit per submission"
            self._lost("timeout", f"{what} ran past the {limit}")
            raise StudentCodeError(f"{what} did not finish within the {limit} (an endless loop, or far too "
                                   "much work?); it was stopped") from None
        except protocol.ProtocolError as exc:
            kind = self._death_kind()
            self._lost(kind, f"while running {what}: {exc}")
            raise StudentCodeError(self._death_message(f"running {what}", kind)) from None
        if not isinstance(reply, dict):
            self._lost("crashed", "the worker sent a malformed reply")
            raise StudentCodeError(f"{what}: the notebook's process answered nonsense")
        if "error" in reply:
            raise StudentCodeError(str(reply["error"])[:2000], str(reply.get("detail", ""))[:4000])
        try:
            return wire.check_wire(reply.get("ok"))
        except wire.WireError as exc:
            raise StudentCodeError(f"{what} returned something the grader cannot read: {exc}") from None
