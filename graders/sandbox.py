"""Confinement of one worker: an allowlist view of the file system, fresh namespaces, no privileges.

The same principle as bubblewrap, nsjail and IOI's isolate, applied inside a fork of the warm
server: those tools confine a program they *exec*, which would import PyTorch and TensorFlow again
for every submission (6.4 s here), while a fork starts with them in memory.

The trusted grader calls :func:`probe` once to learn which mechanisms this machine offers,
:func:`prepare_slot` for each worker slot (cgroups are created by the grader, which stays root) and
:func:`view` for the list of paths a worker may see. The forked worker calls :func:`enter` before it
runs any student code. With root (a grading node, CI), every submission gets:

* its own memory, pids and cpu cgroups (limits that cover every thread and child), an output-size
  limit (RLIMIT_FSIZE), no core dumps, stdin from /dev/null and no inherited descriptor but its socket;
* new PID, IPC, UTS, network and mount namespaces: it is init of its PID namespace, so killing it
  ends every process it started; System V and POSIX IPC and abstract sockets die with it; no network;
* a root file system that is a fresh tmpfs holding read-only bind mounts of exactly the allowlist
  (the Python installation and its packages, the student-side modules of ``graders``, the public
  fixtures, the system libraries), a private writable ``/tmp``, a minimal ``/dev`` and its own
  ``/proc``, entered with ``pivot_root``: no path of the course repository beyond that list, of the
  class folder, the results or the home directories exists in its view;
* a uid of its own (fresh for every submission), **no capabilities**, no_new_privs, and a seccomp
  filter that refuses file handles, tracing, keyrings, mounting, new namespaces, BPF and perf.

Where a mechanism is missing (not root, no cgroups, no namespaces, no libseccomp) the strongest
remaining one is used and :func:`probe` says so; the class report lists what was in force.
"""
from __future__ import annotations

import ctypes
import errno
import os
import platform
import resource
import signal
import struct
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

try:  # libseccomp through its ctypes binding; without it workers run without a syscall filter
    import pyseccomp
except (ImportError, RuntimeError):  # RuntimeError: the binding found no libseccomp.so
    pyseccomp = None

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP = 0x10000000, 0x20000000, 0x40000000, 0x02000000
NAMESPACES = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 0x4000, 0x40000
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 24, 36, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(platform.machine())
CGROUP_V1 = Path("/sys/fs/cgroup")
CGROUP_PREFIX = "course-grading"
# Environment variables a worker must not see.
SECRET_ENV = ("COURSE_GRADING_SALT",)
# Parts of the graders package that only the grading process may read: the checks with their
# hidden inputs, and any held-out data built for them. Every other entry of graders/ is the
# student-side library (checker, plots, adapters, the submission boundary) and is visible.
GRADER_ONLY = ("exercises", "heldout")
# System paths a Python process with numpy, OpenCV, PyTorch, TensorFlow and matplotlib needs.
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/sys",
                "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/nsswitch.conf",
                "/etc/passwd", "/etc/group", "/etc/hosts", "/etc/localtime", "/etc/fonts", "/etc/ssl/certs",
                "/etc/alternatives", "/etc/mime.types")
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
GPU_DEVICE_PREFIXES = ("nvidia", "dri")  # /dev/nvidia*, /dev/dri: CUDA on a GPU grading node
# Syscalls a worker never needs and an attacker would: file handles bypass the mount view, the rest
# reach other processes, the kernel's keyrings, or new namespaces and mounts.
DENIED_SYSCALLS = (
    "open_by_handle_at", "name_to_handle_at", "ptrace", "process_vm_readv", "process_vm_writev",
    "kcmp", "pidfd_getfd", "keyctl", "add_key", "request_key", "mount", "umount2", "pivot_root",
    "chroot", "unshare", "setns", "fsopen", "fsmount", "fsconfig", "fspick", "open_tree",
    "move_mount", "mount_setattr", "bpf", "perf_event_open", "userfaultfd", "io_uring_setup",
    "io_uring_enter", "io_uring_register", "kexec_load", "kexec_file_load", "init_module",
    "finit_module", "delete_module", "swapon", "swapoff", "reboot", "syslog", "acct", "quotactl",
    "lookup_dcookie", "iopl", "ioperm", "settimeofday", "clock_settime", "adjtimex", "clock_adjtime",
    "vhangup",
)


@dataclass
class Limits:
    wall_s: float = 300.0      # one submission, loading included
    check_s: float = 60.0      # one check; a check over it fails, the others still run
    load_s: float = 120.0      # executing the notebook's cells
    memory_mb: int = 3072
    processes: int = 512       # tasks (threads count: TensorFlow starts dozens)
    output_mb: int = 8         # stdout/stderr and any file the submission writes
    cpus: float = 1.0          # CPU time per wall second (cgroup cpu quota, where there is one)
    tmp_mb: int = 512          # the private /tmp (charged to the worker's memory limit)


@dataclass
class Mechanisms:
    """What confines workers on this machine (reported with every class run)."""

    root: bool
    memory: str = "none"
    processes: str = "none"
    network: str = "none"
    filesystem: str = "fresh working directory only"
    privileges: str = "same user as the grader"
    syscalls: str = "no filter"
    notes: list[str] = field(default_factory=list)

    @property
    def isolated(self) -> bool:
        """Namespaces, an allowlist view and a uid of its own per submission."""
        return self.filesystem.startswith("allowlist")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SlotConfig:
    """Everything a forked worker needs to confine itself (sent as JSON by the grader)."""

    slot: int
    uid: int                    # fresh for every submission
    limits: dict
    view: list[list[str]]       # [path, kind]: kind "ro" (bind read-only), "link" (re-create the symlink)
    root_dir: str               # an empty directory of the grader's, the mount point of the new root
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
        os._exit(0 if _libc.unshare(NAMESPACES) == 0 else 1)
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
        mech.processes = "RLIMIT_NPROC per user" if root else "none (not root)"
        if _gpu_devices():
            # CUDA reserves far more address space than memory: an address-space limit stops it starting.
            mech.notes.append("no cgroups (v1) and a GPU: no memory limit per worker (RLIMIT_AS would keep "
                              "CUDA from initialising)")
        else:
            mech.memory = "RLIMIT_AS (address space; approximate)"
    if root and SYS_PIVOT_ROOT is not None and _can_unshare():
        mech.network = "network namespace (no interfaces)"
        mech.filesystem = ("allowlist: pivot_root into a fresh tmpfs with read-only binds of Python, "
                           "the student-side graders modules and public fixtures; private /tmp; "
                           "own PID, IPC, UTS and mount namespaces")
        mech.privileges = "own uid per submission, no capabilities, no_new_privs"
    elif root:
        mech.notes.append("unshare() or pivot_root refused: no network or file-system isolation")
        mech.privileges = "own uid per submission, no capabilities, no_new_privs"
    else:
        mech.notes.append("not root: no namespaces, cgroups or uid separation; a worker can read what the "
                          "grader's user can read and reach the network")
    if pyseccomp is not None:
        mech.syscalls = f"seccomp: {len(DENIED_SYSCALLS)} syscalls and namespace-creating clone flags refused"
    else:
        mech.notes.append("no libseccomp: workers run without a syscall filter")
    return mech


def _gpu_devices() -> list[str]:
    return [f"/dev/{n}" for n in sorted(os.listdir("/dev")) if n.startswith(GPU_DEVICE_PREFIXES)]


def view(course_root: Path, python_paths: list[str]) -> list[list[str]]:
    """The allowlist: every path a worker sees, as [path, kind]; nothing else exists for it."""
    entries: dict[str, str] = {}

    def add(path: str) -> None:
        path = os.path.abspath(path)
        if not os.path.lexists(path) or path in entries:
            return
        real = os.path.realpath(path)
        if real != path:  # a symlink on the way (merged /usr, the venv's python): keep both ends
            parent = os.path.dirname(path)
            entries[path] = "link" if os.path.realpath(parent) == parent else "ro"
            add(real)
            return
        entries[path] = "ro"

    for path in SYSTEM_PATHS:
        add(path)
    for path in python_paths:
        add(path)
    graders = course_root / "graders"
    for entry in sorted(graders.iterdir()):
        if entry.name not in GRADER_ONLY and not entry.name.startswith(("test_", ".")):
            add(str(entry))
    for public in ("data/fixtures", "data/files"):
        add(str(course_root / public))
    # A bind inside another bind is redundant (and a link inside one already exists there).
    kept = sorted(entries)
    return [[p, entries[p]] for p in kept
            if not any(p.startswith(q.rstrip("/") + "/") and entries[q] == "ro" for q in kept if q != p)]


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
        for _ in range(50):  # a killed process leaves its cgroup a moment later
            try:
                d.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.02)


def kill_all(uid: int | None, pids: list[int], cgroup_procs: list[str]) -> None:
    """Kill every process of a worker.

    ``pids`` comes first with the worker's PID-namespace init: the kernel then kills every process
    in the namespace, however fast they fork. The cgroups' members and (root) the uid's processes
    are swept after, for machines without namespaces.
    """
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for _ in range(50):
        found: set[int] = set()
        for procs in cgroup_procs:
            try:
                found.update(int(p) for p in Path(procs).read_text().split())
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
                        found.add(int(status.parent.name))
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if not found:
            return
        time.sleep(0.02)


def become_subreaper() -> None:
    """Orphaned descendants (a killed worker's namespace init) become this process's children, not
    PID 1's: with SIGCHLD ignored the kernel reaps them at once, and no zombie outlives a worker."""
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


# -- in the forked worker, before any student code ----------------------------------------------

def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = (lambda s: s.encode() if s is not None else None)
    _check(_libc.mount(enc(source), target.encode(), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {target}")


def _bind_read_only(source: str, target: str) -> None:
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "w").close()
    # Not recursive: a mount below an allowed path (a cgroup file system under /sys) stays out of view.
    _mount(source, target, None, MS_BIND)
    dev = 0 if source.startswith("/dev/") else MS_NODEV
    _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | dev)


def _build_root(config: SlotConfig, limits: Limits) -> None:
    """Mount the allowlist view on ``config.root_dir`` and make it the root (in the new mount namespace)."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = config.root_dir
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=16m")
    for sub in ("tmp", "proc", "dev", "dev/shm"):
        os.makedirs(f"{root}/{sub}", exist_ok=True)
    # /tmp first: a checkout under /tmp is bound inside it below.
    _mount("tmpfs", f"{root}/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={limits.tmp_mb}m")
    _mount("tmpfs", f"{root}/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m")
    devices = list(DEVICES) + _gpu_devices()
    for path in devices:
        if os.path.exists(path):
            _bind_read_only(path, root + path)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    for path, kind in config.view:
        if kind == "link":
            os.makedirs(os.path.dirname(root + path), exist_ok=True)
            if not os.path.lexists(root + path):
                os.symlink(os.readlink(path), root + path)
        else:
            _bind_read_only(path, root + path)
    os.chdir(root)
    # pivot_root(".", "."): the old root ends up stacked on the new one, and is detached at once.
    _check(_libc.syscall(SYS_PIVOT_ROOT, b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _drop_privileges(uid: int) -> None:
    """Become ``uid`` with no capabilities at all (setresuid from root to non-zero clears them)."""
    cap = 0
    while _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:  # the bounding set too: none can come back
        cap += 1
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def _load_seccomp() -> None:
    refuse = pyseccomp.ERRNO(errno.EPERM)
    flt = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    for name in DENIED_SYSCALLS:
        try:
            flt.add_rule(refuse, name)
        except (OSError, ValueError, RuntimeError):  # a syscall this kernel or libseccomp does not know
            pass
    # Threads and processes, yes; new namespaces, no. clone3 hides its flags in memory: ENOSYS makes
    # libc fall back to clone, whose flags the filter can see.
    for flag in (CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP):
        flt.add_rule(refuse, "clone", pyseccomp.Arg(0, pyseccomp.MASKED_EQ, flag, flag))
    flt.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "clone3")
    flt.load()


def _sanitize_descriptors(keep: set[int]) -> None:
    """stdin from /dev/null; close every inherited descriptor but 0, 1, 2 and ``keep``."""
    devnull = os.open("/dev/null", os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    for fd in map(int, os.listdir("/proc/self/fd")):
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _reap_and_wait(init_pid: int) -> None:
    """The namespace's parent: hold the init's pid (unreaped) until the grader kills us both."""
    def die(*_: object) -> None:
        try:
            os.kill(init_pid, signal.SIGKILL)
        finally:
            os._exit(0)

    signal.signal(signal.SIGTERM, die)
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)  # the fork server died: take the namespace along
    if os.getppid() == 1:
        die()
    while True:
        # WNOWAIT leaves the init a zombie, so its pid cannot be reused before the grader's kill.
        try:
            os.waitid(os.P_PID, init_pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            pass
        signal.pause()


def enter(config: SlotConfig, keep_fd: int, pid_fd: int) -> str:
    """Confine the calling (freshly forked) process; return its working directory.

    Writes the pid the grader must kill (8 bytes) to ``pid_fd``. With namespaces the caller forks
    once more: the child returns from here as init of the new PID namespace, confined; the parent
    stays outside, holding the child's pid, and never returns.
    """
    limits = Limits(**config.limits)
    mech = Mechanisms(**config.mechanisms)
    os.setsid()
    for key in SECRET_ENV:
        os.environ.pop(key, None)
    _sanitize_descriptors({keep_fd, pid_fd})
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

    if mech.isolated:
        _check(_libc.unshare(NAMESPACES), "unshare")
        init_pid = os.fork()
        if init_pid:
            os.write(pid_fd, struct.pack("<q", init_pid))
            os.close(pid_fd)
            os.close(keep_fd)  # the grader sees the socket close when the namespace's init dies
            _reap_and_wait(init_pid)
        os.close(pid_fd)
        _build_root(config, limits)
        workdir = "/tmp"
    else:
        import tempfile

        os.write(pid_fd, struct.pack("<q", os.getpid()))
        os.close(pid_fd)
        workdir = tempfile.mkdtemp(prefix="course-worker-")
        if mech.root:
            os.chown(workdir, config.uid, config.uid)
    if mech.root:
        _drop_privileges(config.uid)
        if mech.isolated:  # set after the uid change, which clears it: the namespace dies with its parent
            _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if mech.syscalls.startswith("seccomp"):
        _load_seccomp()
    os.chdir(workdir)
    os.environ.update(HOME=workdir, TMPDIR=workdir, MPLCONFIGDIR=workdir, MPLBACKEND="Agg")
    sys.path[:] = [p for p in sys.path if p and os.path.isdir(p)]  # the server's cwd is not in the view
    return workdir
