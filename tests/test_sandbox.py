"""The worker sandbox seen from inside: what a submission can see, hold and call (graders/sandbox.py).

A probe notebook reports its view, identity and syscall results; the tests assert the allowlist
(nothing of the repository beyond the student-side modules, no class folder, no results, no home),
no capabilities, the seccomp refusals, and fresh namespaces and uids for every submission.
"""
from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from graders import catalog, remote, sandbox
from graders.submission import CodeCell

MECH = sandbox.probe()
pytestmark = pytest.mark.skipif(not MECH.isolated, reason="needs root: namespaces, cgroups and uid separation")
REPO = catalog.ROOT

PROBE = textwrap.dedent(r'''
    import ctypes, errno, json, os, socket, sys

    libc = ctypes.CDLL(None, use_errno=True)
    NR = {"open_by_handle_at": 304, "name_to_handle_at": 303, "ptrace": 101, "keyctl": 250, "add_key": 248,
          "request_key": 249, "mount": 165, "unshare": 272, "setns": 308, "bpf": 321, "perf_event_open": 298,
          "process_vm_readv": 310, "pivot_root": 155, "chroot": 161}

    def refused(name):
        """errno of a harmless call of the syscall (0 if it went through)."""
        ctypes.set_errno(0)
        args = {"unshare": (0x10000000,), "chroot": (b"/tmp",), "mount": (b"none", b"/tmp", b"tmpfs", 0, None)}
        r = libc.syscall(NR[name], *args.get(name, (0, 0, 0, 0, 0)))
        return 0 if r >= 0 else ctypes.get_errno()

    def exists(paths):
        return [p for p in paths if os.path.lexists(p)]

    def shm_segment(key, create):
        return libc.shmget(key, 4096, (0o1000 | 0o666) if create else 0)

    def report(paths, listed, secret, key):
        out = {"uid": os.getuid(), "pid": os.getpid(), "visible": exists(paths),
               "listing": {d: sorted(os.listdir(d)) if os.path.isdir(d) else None for d in listed},
               "caps": {l.split(":")[0]: l.split()[1] for l in open("/proc/self/status") if l.startswith("Cap")},
               "refused": {name: refused(name) for name in NR},
               "stdin": os.read(0, 100).decode(), "fds": sorted(int(f) for f in os.listdir("/proc/self/fd")),
               "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
               "shm_seen": shm_segment(key, False) >= 0, "shm_made": shm_segment(key, True) >= 0,
               "hostname": socket.gethostname()}
        try:
            open(secret).read()
            out["secret"] = "read"
        except OSError as exc:
            out["secret"] = exc.strerror
        for target in ("/usr/probe", sys.prefix + "/probe", "/tmp/probe"):
            try:
                open(target, "w").close()
                out[target] = "written"
            except OSError as exc:
                out[target] = exc.strerror
        try:
            socket.create_connection(("127.0.0.1", 22), timeout=1)
            out["network"] = "connected"
        except OSError as exc:
            out["network"] = exc.strerror
        return json.dumps(out)
''')


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("sandbox")
    workers = remote.WorkerPool({"numpy"}, 1, sandbox.Limits(wall_s=60, check_s=20, load_s=20), scratch)
    yield workers
    workers.close()


def _probe(pool, secret: Path, key: int = 0x5EED) -> dict:
    sub = remote.RemoteSubmission(pool, 0, "numpy", [CodeCell(PROBE)], f"probe-{key}")
    try:
        hidden = [REPO / p for p in ("solutions", "tests", "graders/exercises", ".git", "README.md", "course",
                                     "courseware", "results", "data/demo_class")]
        paths = [str(p) for p in hidden] + [str(pool.scratch), "/root/.bashrc", "/home", "/run/lock", "/var/tmp"]
        listed = [str(REPO), str(REPO / "data"), os.path.expanduser("~"), "/"]
        return json.loads(sub.call("report", paths, listed, str(secret), key))
    finally:
        sub.close()


@pytest.fixture(scope="module")
def secret():
    """A root-only file inside a path workers do see (the Python prefix)."""
    path = Path(sys.prefix) / f".sandbox-test-secret-{os.getpid()}"  # one per xdist worker
    path.write_text("salt")
    path.chmod(0o600)
    yield path
    path.unlink(missing_ok=True)  # xdist: another worker may share the file


def test_the_view_is_an_allowlist(pool, secret):
    seen = _probe(pool, secret)
    assert seen["visible"] == []
    # Folders on the way to an allowed path exist, holding nothing but that way on.
    repo_entries = {Path(p).relative_to(REPO).parts[0] for p, _ in pool.view if p.startswith(str(REPO) + "/")}
    assert set(seen["listing"][str(REPO)]) == repo_entries <= {".venv", "graders", "data"}
    assert seen["listing"][str(REPO / "data")] == ["files", "fixtures"]
    assert set(seen["listing"]["/"]) <= {"bin", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "sbin",
                                         "sys", "tmp", "usr", REPO.parts[1], Path(sys.base_prefix).parts[1]}
    assert seen["secret"] == "Permission denied"
    assert seen["/usr/probe"] == seen[sys.prefix + "/probe"] == "Read-only file system"
    assert seen["/tmp/probe"] == "written"


def test_the_view_holds_what_a_notebook_needs(pool):
    entries = dict(map(tuple, pool.view))
    assert str(REPO / "graders" / "notebook.py") in entries and str(REPO / "data" / "fixtures") in entries
    assert not [p for p in entries if p.startswith(str(REPO / "graders" / "exercises"))]
    assert not [p for p in entries if p.startswith((str(REPO / "solutions"), str(REPO / "tests")))]


def test_no_capabilities_and_refused_syscalls(pool, secret):
    seen = _probe(pool, secret)
    assert set(seen["caps"].values()) == {"0000000000000000"}, seen["caps"]
    assert seen["uid"] in remote.worker_uids(os.getpid())
    not_refused = {name: err for name, err in seen["refused"].items() if err != 1}  # EPERM from seccomp
    assert not_refused == {}


def test_fresh_namespaces_and_uid_per_submission(pool, secret):
    first, second = _probe(pool, secret, 0x7001), _probe(pool, secret, 0x7001)
    assert first["uid"] != second["uid"]
    assert first["pid"] == second["pid"] == 1 and first["processes"] == [1]
    assert first["shm_made"] and not second["shm_seen"]  # System V IPC does not carry over
    assert first["stdin"] == "" and first["fds"][:4] == [0, 1, 2, 3] and len(first["fds"]) <= 5
    assert first["network"] in ("Network is unreachable", "Connection refused", "Cannot assign requested address")


SPINNER = textwrap.dedent("""
    import os
    if os.fork() == 0:
        while True:
            try:
                if os.fork() > 0:
                    os._exit(0)
            except OSError:
                pass

    def alive():
        return True
""")


def _processes_of(uid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if any(line.startswith("Uid:") and int(line.split()[1]) == uid for line in status.read_text().splitlines()):
                found.append(int(status.parent.name))
        except OSError:
            pass
    return found


def test_a_fork_spinner_dies_with_its_worker_every_time(pool):
    for attempt in range(7):
        sub = remote.RemoteSubmission(pool, 0, "numpy", [CodeCell(SPINNER)], f"spinner-{attempt}")
        assert sub.call("alive") is True
        uid = sub._worker.uid
        sub.close()
        assert _processes_of(uid) == [], f"attempt {attempt}: the spinner survived"
