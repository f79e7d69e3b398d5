"""JupyterHub for the course on one machine (`make hub`): a small class or a trial.

* Log-in: the machine's own accounts (PAM). A class of this size already has accounts on the machine
  that runs it, and each student's server must run as that student's Unix user anyway, so that the
  exchange's file permissions keep one student's submission from another. No extra user database.
* Who may log in: members of the instructors' and students' Unix groups; instructors are hub admins.
* Servers: `LocalProcessSpawner`, one `jupyterhub-singleuser` per user, as that user, in their home,
  JupyterLab by default, from this hub's Python environment (the course's venv).
* nbgrader: one exchange folder shared by every server (world-writable with the sticky bit, as
  nbgrader's docs ask). Each role gets its own Jupyter config folder (`jupyter/<role>/`, put first on
  JUPYTER_CONFIG_PATH): students get nbgrader's Assignments list and Validate only; instructors also
  get formgrader, the course list and Create Assignment, with their course directory in
  `~/$COURSE_ID` (`course nbgrader ~/$COURSE_ID` writes it) and grade-class on their PATH.
  Hiding formgrader from students is convenience, not the security boundary: that is Unix
  permissions, since the course directory (sources, gradebook) is the instructor's, mode 0700.

Run as root (PAM reads /etc/shadow; servers start as other users):
    sudo make hub                      # or: cd deploy/hub && jupyterhub -f jupyterhub_config.py

Settings, from the environment (defaults in brackets):
    HUB_IP [127.0.0.1], HUB_PORT [8000]       where the hub listens; put TLS in front to go beyond localhost
    HUB_API_PORT [8081], HUB_PROXY_API_PORT [8001]   the hub's and the proxy's APIs, on 127.0.0.1
    HUB_STATE_DIR [/srv/jupyterhub]           the hub's database, cookie secret and pid file
    COURSE_ID [dlcv-course]                   nbgrader course id
    COURSE_EXCHANGE [/srv/nbgrader/exchange]  nbgrader's exchange, created 1777 if absent
    COURSE_INSTRUCTORS_GROUP [course-instructors], COURSE_STUDENTS_GROUP [course-students]
"""
import grp
import os
import pwd
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

HERE = Path(__file__).resolve().parent
ENV_BIN = Path(sys.executable).parent  # the venv the hub runs from: jupyterhub-singleuser, nbgrader, grade-class
COURSE_ID = os.environ.get("COURSE_ID", "dlcv-course")
EXCHANGE = Path(os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange"))
INSTRUCTORS = os.environ.get("COURSE_INSTRUCTORS_GROUP", "course-instructors")
STUDENTS = os.environ.get("COURSE_STUDENTS_GROUP", "course-students")
STATE = Path(os.environ.get("HUB_STATE_DIR", "/srv/jupyterhub"))

c.JupyterHub.ip = os.environ.get("HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"  # the hub's API: only the proxy and the servers on this machine
c.JupyterHub.hub_port = int(os.environ.get("HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('HUB_PROXY_API_PORT', '8001'))}"
STATE.mkdir(parents=True, exist_ok=True, mode=0o700)
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# `make hub-install` puts configurable-http-proxy in the venv's node folder; else it must be on PATH.
proxy = ENV_BIN.parent / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
if proxy.exists():
    c.ConfigurableHTTPProxy.command = [str(proxy)]

c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {INSTRUCTORS, STUDENTS}
c.PAMAuthenticator.admin_groups = {INSTRUCTORS}

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(ENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120  # the first start imports JupyterLab and nbgrader on a busy machine
c.Spawner.start_timeout = 120


def is_instructor(username: str) -> bool:
    try:
        group = grp.getgrnam(INSTRUCTORS)
    except KeyError:
        return False
    return username in group.gr_mem or pwd.getpwnam(username).pw_gid == group.gr_gid


def per_role_environment(spawner):
    """The role's Jupyter config first; the venv's tools (nbgrader runs `alembic` and kernels from PATH)."""
    role = "instructor" if is_instructor(spawner.user.name) else "student"
    spawner.environment.update({
        "JUPYTER_CONFIG_PATH": str(HERE / "jupyter" / role),
        "PATH": os.pathsep.join([str(ENV_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
        "COURSE_ID": COURSE_ID,
        "COURSE_EXCHANGE": str(EXCHANGE),
        "COURSE_ROLE": role,
    })


c.Spawner.pre_spawn_hook = per_role_environment

if os.geteuid() == 0 and not EXCHANGE.exists():
    EXCHANGE.mkdir(parents=True)
    EXCHANGE.chmod(0o1777)  # every server writes its own files; the sticky bit keeps them its own
