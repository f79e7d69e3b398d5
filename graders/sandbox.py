"""Confinement of one worker process: limits, namespaces, a throwaway file system view, no privileges.

The trusted grader calls :func:`probe` once to learn which mechanisms this machine offers and
:func:`prepare_slot` for each worker slot (cgroups are created by the grader, which stays root).
The forked worker calls :func:`enter` before it runs any student code. Where a mechanism is
missing (not root, no cgroups, no namespaces) the strongest remaining one is used and
:func:`probe` says so; the class report lists what was in force.

With root (a JupyterHub grading node, CI), a worker:

* runs in its own session, memory, pids and cpu cgroups (memory, process-count and CPU-share limits
  that cover every thread and child), with an output-size limit (RLIMIT_FSIZE) and no core dumps;
* has its own network namespace (no interface but a down loopback: no network);
* has its own mount namespace: fresh empty tmpfs over /tmp, /var/tmp and /dev/shm (its working
  directory is /tmp/work; where Python or the course itself lives under one of them, that one is
  kept read-only instead and the working directory is a tmpfs of its own), and empty read-only
  tmpfs over every hidden path (solutions, tests, hidden checks, other submissions, the gradebook,
  the repository's history);
* drops to a uid of its own, keeping only CAP_DAC_READ_SEARCH (read the Python installation
  wherever it lives) with no_new_privs: it cannot write outside /tmp, signal or trace other
  processes, read other processes' environment, or mount anything.
"""
from __future__ import annotations

import ctypes
import os
import resource
import signal
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 0x4000, 0x40000
SCRATCH_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
PR_SET_KEEPCAPS, PR_SET_NO_NEW_PRIVS = 8, 38
CAP_DAC_READ_SEARCH = 2
CGROUP_V1 = Path("/sys/fs/cgroup")
CGROUP_PREFIX = "course-grading"
# Environment variables a worker must not see.
SECRET_ENV = ("COURSE_GRADING_SALT",)


@dataclass
class Limits:
    wall_s: float = 300.0      # one submission, loading included
    check_s: float = 60.0      # one check; a check over it fails, the others still run
    load_s: float = 120.0      # executing the notebook's cells
    memory_mb: int = 3072
    processes: int = 512       # tasks (threads count: TensorFlow starts dozens)
    output_mb: int = 8         # stdout/stderr and any file the submission writes
    cpus: float = 1.0          # CPU time per wall second (cgroup cpu quota, where there is one)


@dataclass
class Mechanisms:
    """What confines workers on this machine (reported with every class run)."""

    root: bool
    memory: str = "none"
    processes: str = "none"
    network: str = "none"
    filesystem: str = "fresh working directory only"
    privileges: str = "same user as the grader"
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SlotConfig:
    """Everything a forked worker needs to confine itself (sent as JSON by the grader)."""

    slot: int
    uid: int
    limits: dict
    hidden_paths: list[str]
    needed_paths: list[str]     # Python and the course: must stay visible
    cgroups: list[str]          # cgroup.procs files to join
    mechanisms: dict


_libc = ctypes.CDLL(None, use_errno=True)


def _cgroup_dirs(name: str) -> dict[str, Path]:
    dirs = {"memory": CGROUP_V1 / "memory" / CGROUP_PREFIX / name, "pids": CGROUP_V1 / "pids" / CGROUP_PREFIX / name}
    if (CGROUP_V1 / "cpu").is_dir():  # optional: one core per worker, so a runaway cannot starve the others
        dirs["cpu"] = CGROUP_V1 / "cpu" / CGROUP_PREFIX / name
    return dirs


def _can_unshare() -> bool:
    pid = os.fork()
    if pid == 0:
        os._exit(0 if _libc.unshare(CLONE_NEWNS | CLONE_NEWNET) == 0 else 1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def probe() -> Mechanisms:
    root = os.geteuid() == 0
    mech = Mechanisms(root=root)
    if root and (CGROUP_V1 / "memory").is_dir() and (CGROUP_V1 / "pids").is_dir():
        try:
            for d in _cgroup_dirs(f"probe-{os.getpid()}").values():
                d.mkdir(parents=True, exist_ok=True)
                d.rmdir()
            mech.memory, mech.processes = "cgroup (v1) memory limit", "cgroup (v1) pids limit"
        except OSError as exc:
            mech.notes.append(f"cgroups not writable ({exc})")
    if mech.memory == "none":
        mech.memory = "RLIMIT_AS (address space; approximate)"
        mech.processes = "RLIMIT_NPROC per user" if root else "none (not root)"
    if root and _can_unshare():
        mech.network = "network namespace (no interfaces)"
        mech.filesystem = "mount namespace: empty tmpfs over /tmp and over hidden paths"
        mech.privileges = "own uid, only CAP_DAC_READ_SEARCH, no_new_privs"
    elif root:
        mech.notes.append("unshare() refused: no network or file-system isolation")
        mech.privileges = "own uid, only CAP_DAC_READ_SEARCH, no_new_privs"
    else:
        mech.notes.append("not root: no namespaces, cgroups or uid separation; a worker can read what the "
                          "grader's user can read and reach the network")
    return mech


def prepare_slot(name: str, limits: Limits, mech: Mechanisms) -> list[str]:
    """Create (or reset) the slot's cgroups; return their cgroup.procs paths for the worker to join."""
    if not mech.memory.startswith("cgroup"):
        return []
    dirs = _cgroup_dirs(name)
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    mem = dirs["memory"]
    (mem / "memory.limit_in_bytes").write_text(str(limits.memory_mb * 2**20))
    try:  # no swap either, where the kernel accounts it
        (mem / "memory.memsw.limit_in_bytes").write_text(str(limits.memory_mb * 2**20))
    except OSError:
        pass
    (dirs["pids"] / "pids.max").write_text(str(limits.processes))
    if "cpu" in dirs:
        (dirs["cpu"] / "cpu.cfs_period_us").write_text("100000")
        (dirs["cpu"] / "cpu.cfs_quota_us").write_text(str(int(100000 * limits.cpus)))
    return [str(d / "cgroup.procs") for d in dirs.values()]


def oom_kills(name: str) -> int:
    """How many processes the slot's memory cgroup has killed so far (0 without cgroups)."""
    try:
        for line in (_cgroup_dirs(name)["memory"] / "memory.oom_control").read_text().splitlines():
            if line.startswith("oom_kill "):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def remove_slot(name: str) -> None:
    for d in _cgroup_dirs(name).values():
        try:
            d.rmdir()
        except OSError:
            pass


def kill_all(uid: int | None, pgid: int | None, cgroup_procs: list[str]) -> None:
    """Kill every process of a worker: its process group, its cgroups' members, and (root) its uid's."""
    for _ in range(3):
        pids: set[int] = set()
        for procs in cgroup_procs:
            try:
                pids.update(int(p) for p in Path(procs).read_text().split())
            except OSError:
                pass
        if uid is not None:
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    text = status.read_text()
                except OSError:
                    continue
                for line in text.splitlines():
                    if line.startswith("Uid:") and int(line.split()[1]) == uid:
                        pids.add(int(status.parent.name))
        if pgid is not None:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:
                pass
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if not pids:
            return
        time.sleep(0.02)


# -- in the forked worker, before any student code ----------------------------------------------

def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    if _libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                   data.encode() if data else None) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _drop_privileges(uid: int) -> None:
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    _libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3
    data[0].effective = data[0].permitted = 1 << CAP_DAC_READ_SEARCH
    if _libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def enter(config: SlotConfig) -> str:
    """Confine the calling (freshly forked) process; return its working directory."""
    limits = Limits(**config.limits)
    mech = Mechanisms(**config.mechanisms)
    os.setsid()
    for key in SECRET_ENV:
        os.environ.pop(key, None)
    for procs in config.cgroups:
        Path(procs).write_text(str(os.getpid()))
    if mech.memory.startswith("RLIMIT_AS"):
        size = limits.memory_mb * 2**20 + 8 * 2**30  # frameworks reserve gigabytes of address space up front
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    if mech.processes.startswith("RLIMIT_NPROC"):
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    output = limits.output_mb * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writing past the limit fails with EFBIG instead of killing

    workdir = None
    if mech.network.startswith("network namespace"):
        if _libc.unshare(CLONE_NEWNS | CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "unshare failed")
        _mount("none", "/", None, MS_REC | MS_PRIVATE)
        needed = [os.path.realpath(p) for p in config.needed_paths]
        for path in SCRATCH_DIRS:
            if not os.path.isdir(path):
                continue
            if any(p == path or p.startswith(path + "/") for p in needed):
                # Python or the course lives in here (a checkout under /tmp): keep it, read-only.
                if path == "/tmp":
                    workdir = f"/tmp/.course-worker-{config.uid}"
                    os.makedirs(workdir, exist_ok=True)
                _mount(path, path, None, MS_BIND | MS_REC)
                _mount("none", path, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
            else:
                _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=1g")
        for path in config.hidden_paths:
            if os.path.isdir(path):
                _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "mode=0555,size=4k")
        if workdir is None:
            workdir = "/tmp/work"
            os.makedirs(workdir)
        else:
            _mount("tmpfs", workdir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=1g")
        os.chown(workdir, config.uid, config.uid)
    else:
        import tempfile

        workdir = tempfile.mkdtemp(prefix="course-worker-")
        if mech.root:
            os.chown(workdir, config.uid, config.uid)
    if mech.root:
        _drop_privileges(config.uid)
    os.chdir(workdir)
    os.environ.update(HOME=workdir, TMPDIR=workdir, MPLCONFIGDIR=workdir, MPLBACKEND="Agg")
    return workdir
