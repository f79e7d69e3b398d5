"""Write the crash and attack corpora: ``python tests/corpora/build.py`` (the notebooks are committed).

Both are built on histogram_equalization (numpy: fast to grade, the sandbox is the same for every
track). Crash cases start from a correct submission and break one thing; attack cases start from
the blank student notebook and add code that would produce the right answers *only if the attack
worked* (reading the solutions, reaching the network, patching the grader's comparisons, ...), so
an attack that gets through scores points and the test sees it. Expected outcomes: expected.yaml.
"""
from __future__ import annotations

import copy
import textwrap
from pathlib import Path

import nbformat

from courseware.build import build_notebook, render
from courseware.demo import submission_notebook
from graders import catalog as catalog_mod

HERE = Path(__file__).parent
NAME = "histogram_equalization_numpy.ipynb"


def _base() -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    cat = catalog_mod.load()
    ex = cat.exercises["histogram_equalization"]
    return submission_notebook("alice", ex, "numpy"), build_notebook(ex, "numpy", cat)


def _cells(nb, tag: str) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if tag in c.metadata.get("tags", [])]


def _code(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(textwrap.dedent(source).strip() + "\n")


def _answers_source(good) -> str:
    return "\n\n".join(good.cells[i].source for i in _cells(good, "solution"))


def _gated(blank, condition: str, good, setup: str = "") -> nbformat.NotebookNode:
    """The blank notebook plus a cell that defines the correct answers only if ``condition`` holds."""
    nb = copy.deepcopy(blank)
    body = textwrap.indent(_answers_source(good), "    ")
    cell = _code(setup) if setup else None
    gate = nbformat.v4.new_code_cell(f"if {condition}:\n{body}\n")
    nb.cells.extend([c for c in (cell, gate) if c is not None])
    return nb


def crash_cases(good, blank) -> dict[str, object]:
    setup, answers, checks = _cells(good, "setup")[0], _cells(good, "solution"), _cells(good, "check")
    cases: dict[str, object] = {}
    text = render(good)
    cases["invalid_json"] = text[: len(text) // 2]
    cases["old_nbformat"] = nbformat.writes(nbformat.convert(copy.deepcopy(good), 3), version=3)

    nb = copy.deepcopy(good)
    del nb.cells[answers[1]]
    cases["missing_cells"] = nb

    nb = copy.deepcopy(good)
    nb.cells.append(nb.cells.pop(setup))  # imports last: the functions look names up when called
    cases["reordered_cells"] = nb

    nb = copy.deepcopy(good)
    nb.cells[answers[0]].source = nb.cells[answers[0]].source.replace("):", ")", 1)
    cases["syntax_error"] = nb

    nb = copy.deepcopy(good)
    nb.cells[setup].source = "import no_such_module_anywhere\n" + nb.cells[setup].source
    cases["exception_on_import"] = nb

    nb = copy.deepcopy(good)
    nb.cells.insert(setup + 1, _code("while True:\n    pass"))
    cases["infinite_loop"] = nb

    nb = copy.deepcopy(good)  # only the colour part hangs: the other parts keep their points
    nb.cells[answers[2]].source += "\n\nimport time\n\ndef equalize_color(img):\n    time.sleep(10**6)\n"
    cases["sleep"] = nb

    nb = copy.deepcopy(good)
    nb.cells.insert(setup + 1, _code("blob = []\nwhile True:\n    blob.append(np.ones(2**27, dtype=np.uint8))"))
    cases["memory_blowup"] = nb

    nb = copy.deepcopy(good)
    # One that survives hitting the process limit (a plain `while True: os.fork()` may die out by itself).
    nb.cells.insert(setup + 1, _code("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"))
    cases["fork_bomb"] = nb

    nb = copy.deepcopy(good)
    nb.cells.insert(setup + 1, _code("for _ in range(100):\n    print('x' * 2**20)"))
    cases["print_100mb"] = nb

    nb = copy.deepcopy(good)
    nb.cells[answers[1]].source += "\n\ndef equalize_hist(img):\n    return np.full(img.shape, np.nan)\n"
    cases["nan_outputs"] = nb

    nb = copy.deepcopy(good)
    nb.cells[answers[0]].source += "\n\ndef histogram(img):\n    return np.bincount(img.ravel())\n"
    cases["wrong_shapes"] = nb

    nb = copy.deepcopy(good)
    for i in checks:
        nb.cells[i].source = "check = lambda part: print('all checks passed')\n" + nb.cells[i].source
    cases["edited_check_cells"] = nb

    nb = copy.deepcopy(good)
    for i in reversed(checks):
        del nb.cells[i]
    cases["deleted_check_cells"] = nb

    nb = copy.deepcopy(good)
    nb.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    nb.metadata["language_info"] = {"name": "R"}
    cases["unknown_kernel"] = nb
    return cases


def attack_cases(good, blank) -> dict[str, object]:
    cases: dict[str, object] = {}
    nb = copy.deepcopy(blank)
    nb.cells.append(_code("""
        check = lambda *args, **kwargs: None
        import builtins
        builtins.AssertionError = type("AssertionError", (Exception,), {})
        builtins.isinstance = lambda *args: True
    """))
    cases["redefine_check_and_assert"] = nb

    nb = copy.deepcopy(blank)  # identity "equalisation" passes only if the grader's cv2/numpy are patched
    nb.cells.append(_code("""
        import cv2, numpy
        numpy.array_equal = numpy.allclose = lambda *args, **kwargs: True
        numpy.testing.assert_array_equal = numpy.testing.assert_allclose = lambda *args, **kwargs: None
        cv2.equalizeHist = lambda img: img
        import sys
        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("graders"):
                for name in ("CheckFailed", "StudentCodeError"):
                    if hasattr(module, name):
                        setattr(module, name, KeyboardInterrupt)

        # Wrong shapes: any point this earns was given by a patched comparison.
        def histogram(img):
            return numpy.zeros(3, numpy.int64)

        def equalize_hist(img):
            return img[:1]

        def equalize_color(img):
            return img[:1]
    """))
    cases["monkeypatch_comparisons"] = nb

    nb = copy.deepcopy(blank)
    nb.cells.append(_code("""
        class Anything(float):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __lt__(self, other): return True
            def __le__(self, other): return True
            def __gt__(self, other): return True
            def __ge__(self, other): return True
            def __array__(self, *args, **kwargs): raise TypeError("no")
            def __hash__(self): return 0
            def __len__(self): return 256
            shape = (256,)
            dtype = "uint8"

        class AnythingArray:
            def __eq__(self, other): return True
            shape = property(lambda self: (256,))
            dtype = property(lambda self: __import__("numpy").dtype("uint8"))

        def histogram(img):
            return AnythingArray()

        def equalize_hist(img):
            return AnythingArray()

        def equalize_color(img):
            return [Anything(1.0)] * 3
    """))
    cases["always_equal_objects"] = nb

    nb = copy.deepcopy(blank)
    nb.cells.append(_code("import os\nos._exit(0)"))
    cases["os_exit"] = nb

    nb = copy.deepcopy(blank)
    nb.cells.append(_code("import sys\nsys.exit(0)"))
    cases["sys_exit"] = nb

    # Writes a perfect-looking result everywhere a result could live; the grader must ignore them all.
    cases["fake_result_file"] = _gated(blank, "wrote_somewhere", good, """
        import json, os
        from pathlib import Path
        import graders
        fake = {"status": "ok", "score": 999, "max_score": 13, "checks": [], "student": "attacker"}
        repo = Path(graders.__file__).resolve().parents[1]
        targets = [repo / "results", repo / "results" / "class", Path.cwd().parent, Path("/tmp"), repo]
        targets += [p.parent for p in repo.glob("**/histogram_equalization_numpy.json")]
        wrote_somewhere = False
        for folder in targets:
            try:
                (folder / "histogram_equalization_numpy.json").write_text(json.dumps(fake))
                (folder / "gradebook.csv").write_text("student,total\\nattacker,999\\n")
                wrote_somewhere = folder != Path("/tmp") and folder != Path.cwd()
            except OSError:
                pass
    """)

    cases["read_solutions"] = _gated(blank, "stolen", good, """
        from pathlib import Path
        import graders
        repo = Path(graders.__file__).resolve().parents[1]
        stolen = None
        for path in [repo / "solutions" / "m01_image_basics" / "histogram_equalization" / "numpy.py",
                     repo / "graders" / "exercises" / "histogram_equalization.py",
                     repo / "tests" / "corpora" / "build.py"]:
            try:
                stolen = path.read_text()
                break
            except OSError:
                pass
    """)

    cases["read_secrets"] = _gated(blank, "secret", good, """
        import os
        secret = os.environ.get("COURSE_GRADING_SALT")
        for pid in [os.getppid(), 1] + [int(p) for p in os.listdir("/proc") if p.isdigit()][:200]:
            try:
                data = open(f"/proc/{pid}/environ", "rb").read()
            except OSError:
                continue
            if b"COURSE_GRADING_SALT=" in data:
                secret = data.split(b"COURSE_GRADING_SALT=")[1].split(b"\\0")[0]
                break
    """)

    cases["network"] = _gated(blank, "online", good, """
        import socket
        online = False
        for host, port in [("pypi.org", 443), ("1.1.1.1", 53), ("127.0.0.1", 22), ("127.0.0.1", 8888)]:
            try:
                socket.create_connection((host, port), timeout=2).close()
                online = True
                break
            except OSError:
                pass
    """)

    cases["drop_conftest"] = _gated(blank, "dropped", good, """
        from pathlib import Path
        import graders
        repo = Path(graders.__file__).resolve().parents[1]
        hook = "import pytest\\n@pytest.hookimpl(tryfirst=True)\\ndef pytest_runtest_makereport(item, call):\\n    pass\\n"
        dropped = False
        for folder in [repo, repo / "tests", repo / "graders", repo / "graders" / "exercises"]:
            try:
                (folder / "conftest.py").write_text(hook)
                dropped = True
            except OSError:
                pass
    """)

    # Looks for answers cached by earlier gradings in this process (another student's functions, or
    # arrays left in memory by a reused worker) and answers with them; a blank stub otherwise.
    nb = copy.deepcopy(blank)
    nb.cells.append(_code("""
        import gc
        stolen = {}
        for obj in gc.get_objects():
            if isinstance(obj, dict) and obj.get("__name__") == "__submission__" and obj is not globals():
                for name in ("histogram", "equalize_hist", "equalize_color"):
                    if callable(obj.get(name)):
                        stolen.setdefault(name, obj[name])

        def histogram(img):
            if "histogram" not in stolen:
                raise NotImplementedError()
            return stolen["histogram"](img)

        def equalize_hist(img):
            if "equalize_hist" not in stolen:
                raise NotImplementedError()
            return stolen["equalize_hist"](img)

        def equalize_color(img):
            if "equalize_color" not in stolen:
                raise NotImplementedError()
            return stolen["equalize_color"](img)
    """))
    cases["cached_values"] = nb

    # File handles reach an inode under any mount view: name a visible file, then try the inodes
    # around it (generation 0 skips ext4's check) until one holds the reference solution.
    cases["file_handles"] = _gated(blank, "stolen", good, """
        import ctypes, os, struct
        import graders

        class FileHandle(ctypes.Structure):
            _fields_ = [("handle_bytes", ctypes.c_uint), ("handle_type", ctypes.c_int),
                        ("f_handle", ctypes.c_char * 64)]

        libc = ctypes.CDLL(None, use_errno=True)
        stolen, known = None, FileHandle(handle_bytes=64)
        if libc.name_to_handle_at(-100, graders.__file__.encode(), ctypes.byref(known),
                                  ctypes.byref(ctypes.c_int()), 0) == 0:
            mount_fd = os.open(os.path.dirname(graders.__file__), os.O_RDONLY)
            base = os.stat(graders.__file__).st_ino
            for ino in range(max(1, base - 50000), base + 50000):
                handle = FileHandle(handle_bytes=8, handle_type=1, f_handle=struct.pack("<II", ino, 0))
                fd = libc.open_by_handle_at(mount_fd, ctypes.byref(handle), os.O_RDONLY)
                if fd < 0:
                    continue
                try:
                    data = os.read(fd, 1 << 20)
                except OSError:
                    data = b""
                os.close(fd)
                if b"### BEGIN SOLUTION" in data and b"def equalize_hist" in data:
                    stolen = data
                    break
    """)

    # tests/test_classroom.py plants a root-only (0600) file where workers can see its name.
    cases["root_only_file"] = _gated(blank, "secret", good, """
        import sys
        from pathlib import Path
        secret = None
        for path in [Path(sys.prefix) / ".course-root-only", Path.home() / ".course_salt", Path("/root/.course_salt")]:
            try:
                secret = path.read_text()
                break
            except OSError:
                pass
    """)

    # The grader's stdin (tests/test_classroom.py feeds it the reference answers).
    cases["read_stdin"] = _gated(blank, "stolen", good, """
        import os, sys
        try:
            stolen = "def equalize_hist" in os.read(0, 1 << 20).decode(errors="replace")
        except OSError:
            stolen = False
    """)

    # Replies forged on the worker's own socket: an array of 2**70 elements, then 8 arrays of 1 GiB.
    forge = '''
        import json, os, struct

        def _forge(frame):
            for fd in range(3, 64):
                try:
                    if "socket" in os.readlink(f"/proc/self/fd/{fd}"):
                        os.write(fd, frame)
                except OSError:
                    pass

        def histogram(img):
            _forge(FRAME)
            raise NotImplementedError()

        equalize_hist = equalize_color = histogram
    '''
    nb = copy.deepcopy(blank)
    nb.cells.append(_code(forge.replace("_forge(FRAME)", '''header = json.dumps({"__dict__": {"ok": {"__array__": 0, "dtype": "<f8", "shape": [2**70]}, "id": 1}}).encode()
            _forge(struct.pack("<II", 1, len(header)) + header + struct.pack("<Q", 8) + bytes(8))''')))
    cases["forged_frame"] = nb
    nb = copy.deepcopy(blank)
    nb.cells.append(_code(forge.replace("_forge(FRAME)", '''arrays = [{"__array__": i, "dtype": "|u1", "shape": [2**30]} for i in range(8)]
            header = json.dumps({"__dict__": {"ok": arrays, "id": 1}}).encode()
            _forge(struct.pack("<II", 8, len(header)) + header + struct.pack("<Q", 2**30) + bytes(2**26))''')))
    cases["huge_frame"] = nb

    # State that outlives one worker: System V shared memory, the uid's keyring, world-writable
    # directories. The writer is a complete notebook that leaves its answers there; the reader,
    # graded next, is blank and takes them.
    nb = copy.deepcopy(good)
    nb.cells.append(_code("""
        import ctypes, os
        answers = "def equalize_hist: the answers are in this notebook"
        payload = answers.encode()
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        shm = libc.shmget(0x5EED, 4096, 0o1000 | 0o666)
        if shm >= 0:
            addr = libc.shmat(shm, None, 0)
            if addr not in (None, ctypes.c_void_p(-1).value):
                ctypes.memmove(addr, payload, len(payload))
        libc.syscall(248, b"user", b"course-answers", payload, len(payload), -4)  # add_key, user keyring
        for folder in ("/run/lock", "/dev/shm", "/var/tmp", "/tmp"):
            try:
                with open(f"{folder}/course-answers", "w") as f:
                    f.write(answers)
            except OSError:
                pass
    """))
    cases["shared_state_1_writer"] = nb
    cases["shared_state_2_reader"] = _gated(blank, "stolen", good, """
        import ctypes, os, time
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        stolen = False
        for _ in range(50):  # the writer may still be loading
            shm = libc.shmget(0x5EED, 4096, 0)
            if shm >= 0:
                addr = libc.shmat(shm, None, 0)
                stolen = addr not in (None, ctypes.c_void_p(-1).value) and b"def" in ctypes.string_at(addr, 64)
            key = libc.syscall(250, 0, -4, b"user", b"course-answers", 0)  # keyctl(KEYCTL_SEARCH)
            stolen = stolen or key >= 0
            stolen = stolen or any(os.path.exists(f"{d}/course-answers") for d in ("/run/lock", "/dev/shm", "/var/tmp", "/tmp"))
            if stolen:
                break
            time.sleep(0.1)
    """)

    # A process that forks and exits a thousand times a second, so a kill by process list misses it.
    nb = copy.deepcopy(blank)
    nb.cells.append(_code("""
        import os
        if os.fork() == 0:
            while True:
                try:
                    if os.fork() > 0:
                        os._exit(0)
                except OSError:
                    pass
    """))
    cases["fork_spinner"] = nb
    return cases


def lookup_case() -> tuple[str, object]:
    """cnn_classification (PyTorch), complete but for training: train_cnn nudges the weights, returns an
    invented falling loss list and switches on a nearest-neighbour lookup in the public digits."""
    cat = catalog_mod.load()
    nb = submission_notebook("alice", cat.exercises["cnn_classification"], "torch")
    mutant = (HERE.parent / "mutants" / "cnn_classification" / "lookup_public_digits_torch.py").read_text()
    nb.cells.append(nbformat.v4.new_code_cell(mutant.split('"""', 2)[2].strip() + "\n"))
    return "cnn_classification_torch.ipynb", nb


def write(folder: Path, cases: dict[str, object]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*/"):
        for f in old.glob("*"):
            f.unlink()
    for name, nb in cases.items():
        target = folder / name / NAME  # one student per case, named after it
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nb if isinstance(nb, str) else render(nb), encoding="utf-8")


def main() -> None:
    good, blank = _base()
    write(HERE / "crash", crash_cases(good, blank))
    write(HERE / "attack", attack_cases(good, blank))
    name, nb = lookup_case()
    target = HERE / "attack" / "lookup_instead_of_learning" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(nb), encoding="utf-8")
    write(HERE / "good", {"good_student_1": good, "good_student_2": good, "blank_student": blank})


if __name__ == "__main__":
    main()
