"""The course's JupyterHub (deploy/hub/jupyterhub_config.py) end to end, in a real browser.

The hub runs on 127.0.0.1 (free ports) with PAM log-in for two Unix users this test creates with
deploy/hub/users.sh (unique names, removed afterwards): an instructor and a student. Playwright drives
Debian's chromium (Playwright's own browser download is not available here). Steps, each with a
screenshot in results/hub-browser/ (and the pytest tmp dir):

1. the student logs in and gets JupyterLab with nbgrader's Assignments list only (no formgrader);
2. fetches the released assignment in nbgrader's Assignments panel (the lab extension, clicked);
3. opens the notebook, fills part 1's answer cell with the reference code, runs up to its
   ``check("histogram")`` cell and sees the ✔ verdicts;
4. submits it in the Assignments panel;
5. the instructor (subprocesses run as that user, as in a terminal of the instructor's server)
   collects, grades with ``grade-class --nbgrader-db`` and releases nbgrader feedback; the
   instructor's formgrader shows the score;
6. the student fetches the feedback in the Assignments panel and opens it: the score is there.

Needs root (users, PAM, servers started as those users), chromium and configurable-http-proxy
(`make hub-install`); without them it skips and says which is missing (in CI, where `.ci/run`
installs them, it fails instead). The course's Python must be executable by the new users: where it
lives under a folder they cannot traverse (pyenv under /root here), the test adds o+x to that folder
for its duration and restores the mode afterwards.
"""
from __future__ import annotations

import csv
import grp
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

from graders.catalog import ROOT

HUB_DIR = ROOT / "deploy" / "hub"
ENV_BIN = Path(sys.executable).parent
PROXY = ENV_BIN.parent / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = ROOT / "results" / "hub-browser"
ASSIGNMENT, NOTEBOOK = "m01_image_basics", "histogram_equalization_numpy.ipynb"
PART = "histogram"
COURSE_ID = "hubtest-course"
PASSWORD = "hub-test-" + uuid.uuid4().hex[:12]
# Without the background-networking flags chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; it is in pyproject.toml)"
    if CHROMIUM is None:
        return "chromium is not installed (apt-get install chromium; .ci/run does it)"
    if not PROXY.exists():
        return f"configurable-http-proxy is not installed at {PROXY} (make hub-install)"
    if os.geteuid() != 0:
        return "needs root: creates Unix users, PAM log-in, servers started as those users"
    if shutil.which("useradd") is None or shutil.which("runuser") is None:
        return "needs useradd and runuser"
    return None


@pytest.fixture(scope="module")
def prerequisites():
    why = missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"hub browser test cannot run in CI: {why}")
        pytest.skip(why)


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def make_traversable(paths) -> list[tuple[Path, int]]:
    """Add o+x to every ancestor folder of these paths that lacks it; return what to restore."""
    changed = []
    for path in paths:
        for folder in [*Path(path).resolve().parents][::-1]:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
                changed.append((folder, stat.S_IMODE(mode)))
    return changed


class Hub:
    def __init__(self, base: Path):
        tag = uuid.uuid4().hex[:6]
        self.instructor, self.student = f"hubt{tag}i", f"hubt{tag}s"
        self.groups = {"instructor": f"hubt{tag}-instr", "student": f"hubt{tag}-stud"}
        self.exchange = base / "exchange"
        self.port, api_port, proxy_api_port = free_ports(3)
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, HUB_PORT=str(self.port), HUB_API_PORT=str(api_port),
                        HUB_PROXY_API_PORT=str(proxy_api_port), HUB_STATE_DIR=str(base / "state"),
                        COURSE_ID=COURSE_ID, COURSE_EXCHANGE=str(self.exchange),
                        COURSE_INSTRUCTORS_GROUP=self.groups["instructor"],
                        COURSE_STUDENTS_GROUP=self.groups["student"], HUB_PASSWORD=PASSWORD)
        self.log = base / "hub.log"
        self.process = None

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    def as_user(self, user: str, role: str, *cmd: str, cwd: Path | None = None) -> str:
        """Run a command as that user, with the environment the hub gives the role's servers."""
        home = self.home(user)
        env = ["env", "-i", f"HOME={home}", f"USER={user}", "LANG=C.UTF-8",
               f"PATH={ENV_BIN}:/usr/local/bin:/usr/bin:/bin", f"JUPYTER_CONFIG_PATH={HUB_DIR / 'jupyter' / role}",
               f"COURSE_ID={COURSE_ID}", f"COURSE_EXCHANGE={self.exchange}", "OMP_NUM_THREADS=1"]
        result = subprocess.run(["runuser", "-u", user, "--", *env, *cmd], cwd=cwd or home,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{' '.join(cmd)} as {user}:\n{result.stdout}\n{result.stderr}"
        return result.stdout + result.stderr

    def start(self):
        self.log_file = open(self.log, "w")
        self.process = subprocess.Popen([str(ENV_BIN / "jupyterhub"), "-f", str(HUB_DIR / "jupyterhub_config.py")],
                                        cwd=self.log.parent, env=self.env, stdout=self.log_file,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the hub exited:\n" + self.log.read_text()
            try:
                urllib.request.urlopen(f"{self.url}/hub/api", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise AssertionError("the hub did not answer in 60 s:\n" + self.log.read_text())

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops the proxy and the users' servers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process:
            self.log_file.close()


@pytest.fixture(scope="module")
def hub(prerequisites):
    base = Path(tempfile.mkdtemp(prefix="hub-test-", dir="/tmp"))
    base.chmod(0o755)  # the users' servers reach the exchange inside it
    hub = Hub(base)
    restore = make_traversable([sys.executable, os.path.realpath(sys.executable), ROOT])
    try:
        for role, user in (("instructor", hub.instructor), ("student", hub.student)):
            subprocess.run([str(HUB_DIR / "users.sh"), role, user], env=hub.env, check=True,
                           capture_output=True, text=True)
        hub.start()
        yield hub
    finally:
        hub.stop()
        for user in (hub.instructor, hub.student):
            subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)  # only this test's users
            subprocess.run(["userdel", "--remove", user], capture_output=True)
        for group in hub.groups.values():
            subprocess.run(["groupdel", group], capture_output=True)
        for folder, mode in reversed(restore):
            folder.chmod(mode)
        if hub.log.exists():
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(hub.log, ARTEFACTS / "hub.log")
        shutil.rmtree(base, ignore_errors=True)


def reference_answer(source_notebook: Path, part_index: int) -> tuple[str, float, float]:
    """Part ``part_index``'s reference code (the nbgrader source cell without its solution markers),
    the points of its check cell and of all check cells."""
    nb = nbformat.read(source_notebook, as_version=4)
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    code = "\n".join(line for line in answers[part_index].source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    points = {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"])
              for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    return code, points[f"check_{PART}"], sum(points.values())


class Shots:
    def __init__(self, folder: Path):
        self.folder, self.n = folder, 0
        ARTEFACTS.mkdir(parents=True, exist_ok=True)

        self.start = time.monotonic()

    def __call__(self, page, name: str):
        print(f"{time.monotonic() - self.start:6.1f} s  step {self.n + 1}: {name}")
        self.n += 1
        path = self.folder / f"{self.n}_{name}.png"
        page.screenshot(path=str(path))
        shutil.copy(path, ARTEFACTS / path.name)


def log_in(browser, hub: Hub, user: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=120_000)  # the hub spawns the server first
    wait_for_lab(page)
    return page


def wait_for_lab(page):
    """JupyterLab has restored its layout: the menu bar and at least one tab in the main area."""
    page.get_by_role("menuitem", name="Nbgrader").wait_for()
    page.locator("#jp-main-dock-panel .lm-TabBar-tab").first.wait_for()


def open_assignment_list(page):
    """Nbgrader > Assignment List: nbgrader's Assignments panel."""
    item = page.get_by_role("menuitem", name="Assignment List")
    for _ in range(3):  # a menu clicked while the page still lays itself out can close again
        page.get_by_role("menuitem", name="Nbgrader").click()
        try:
            item.wait_for(timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    item.click()
    page.wait_for_selector("#released_assignments_list")


def test_student_and_instructor_through_the_hub(hub, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)
    shot = Shots(tmp_path)
    # The instructor's course directory, as README says: `course nbgrader`, generate, release.
    course = hub.home(hub.instructor) / COURSE_ID
    hub.as_user(hub.instructor, "instructor", str(ENV_BIN / "course"), "nbgrader", str(course),
                "--course-id", COURSE_ID, "--exchange", str(hub.exchange), "--module", ASSIGNMENT)
    hub.as_user(hub.instructor, "instructor", "nbgrader", "generate_assignment", ASSIGNMENT, cwd=course)
    hub.as_user(hub.instructor, "instructor", "nbgrader", "release_assignment", ASSIGNMENT, cwd=course)
    code, part_points, max_points = reference_answer(course / "source" / ASSIGNMENT / NOTEBOOK, 0)
    student_copy = hub.home(hub.student) / ASSIGNMENT / NOTEBOOK

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # 1. The student logs in: JupyterLab, nbgrader's menu has the assignment list only.
            page = log_in(browser, hub, hub.student)
            page.get_by_role("menuitem", name="Nbgrader").click()
            expect(page.get_by_text("Assignment List", exact=True)).to_be_visible()
            expect(page.get_by_text("Formgrader", exact=True)).to_have_count(0)
            shot(page, "student_logged_in")
            page.keyboard.press("Escape")

            # 2. Fetch the released assignment in the Assignments panel.
            open_assignment_list(page)
            released = page.locator("#released_assignments_list")
            expect(released).to_contain_text(ASSIGNMENT)
            released.get_by_role("button", name="Fetch").click()
            expect(page.locator("#fetched_assignments_list")).to_contain_text(ASSIGNMENT)
            shot(page, "student_fetched")
            assert student_copy.is_file()

            # 3. Open the notebook, fill part 1 with the reference, run up to its check.
            page.goto(f"{hub.url}/user/{hub.student}/lab/tree/{ASSIGNMENT}/{NOTEBOOK}")
            cells = page.locator(".jp-Notebook .jp-Cell")
            answer = cells.filter(has_text=f"def {PART}(")
            expect(answer).to_have_count(1)
            answer.locator(".cm-content").click()
            page.keyboard.press("Control+a")
            page.keyboard.insert_text(code)
            # Cells run before the kernel is connected are dropped: wait until it reports idle.
            expect(page.locator(".jp-StatusBar-Widget").filter(has_text="| Idle")).to_have_count(1)
            setup = cells.filter(has_text="check = checker(")
            setup.locator(".cm-content").click()
            page.keyboard.press("Escape")
            for _ in range(4):  # setup, part 1's text, part 1's answer, its check
                page.keyboard.press("Shift+Enter")
            check_cell = cells.filter(has_text=f'check("{PART}")')
            expect(check_cell.locator(".jp-OutputArea")).to_contain_text("✔", timeout=120_000)
            output = check_cell.locator(".jp-OutputArea").inner_text()
            assert f"✔ {PART}" in output and "✘" not in output, output
            page.keyboard.press("Control+s")
            last_line = [line for line in code.splitlines() if line.strip()][-1]
            deadline = time.monotonic() + 30
            while not any(last_line in c.source for c in nbformat.read(student_copy, as_version=4).cells):
                assert time.monotonic() < deadline, "the notebook was not saved with the answer"
                time.sleep(0.5)
            check_cell.scroll_into_view_if_needed()
            shot(page, "student_check_passed")

            # 4. Submit in the Assignments panel.
            open_assignment_list(page)
            fetched = page.locator("#fetched_assignments_list")
            expect(fetched).to_contain_text(ASSIGNMENT)
            fetched.get_by_role("button", name="Submit").click()
            expect(page.locator("#submitted_assignments_list")).to_contain_text(ASSIGNMENT)
            shot(page, "student_submitted")

            # 5. The instructor collects, grades with grade-class and releases nbgrader's feedback.
            db = f"sqlite:///{course / 'gradebook.db'}"
            hub.as_user(hub.instructor, "instructor", "nbgrader", "collect", ASSIGNMENT, cwd=course)
            hub.as_user(hub.instructor, "instructor", "grade-class", str(course), "--out", str(course / "results"),
                        "--nbgrader-db", db, "--jobs", "1", cwd=course)
            with open(course / "results" / "gradebook.csv", newline="") as f:
                row = next(r for r in csv.DictReader(f) if r["student"] == hub.student)
            assert (float(row["total"]), float(row["max"])) == (part_points, max_points), row
            hub.as_user(hub.instructor, "instructor", "nbgrader", "generate_feedback", ASSIGNMENT, cwd=course)
            hub.as_user(hub.instructor, "instructor", "nbgrader", "release_feedback", ASSIGNMENT, cwd=course)
            teacher = log_in(browser, hub, hub.instructor)
            teacher.goto(f"{hub.url}/user/{hub.instructor}/formgrader/gradebook/{ASSIGNMENT}/{NOTEBOOK[:-6]}")
            expect(teacher.locator("body")).to_contain_text(hub.student)
            expect(teacher.locator("body")).to_contain_text(f"{part_points:g} / {max_points:g}")
            shot(teacher, "instructor_formgrader")

            # 6. The student fetches the feedback and opens it.
            page.bring_to_front()
            page.reload()
            wait_for_lab(page)
            open_assignment_list(page)
            submitted = page.locator("#submitted_assignments_list")
            submitted.get_by_role("button", name="Fetch Feedback").click()
            expect(submitted).to_contain_text("view feedback")
            feedback = sorted((student_copy.parent / "feedback").rglob(NOTEBOOK[:-6] + ".html"))
            assert feedback, "no feedback file in the student's assignment folder"
            relative = feedback[-1].relative_to(hub.home(hub.student))
            page.goto(f"{hub.url}/user/{hub.student}/files/{relative}")
            expect(page.locator("body")).to_contain_text(f"(Score: {part_points:.1f} / {max_points:.1f})")
            shot(page, "student_feedback")
        except Exception:
            for context in browser.contexts:
                for open_page in context.pages:
                    shot(open_page, "failed_here")
            raise
        finally:
            browser.close()
    print(f"screenshots: {ARTEFACTS}")
