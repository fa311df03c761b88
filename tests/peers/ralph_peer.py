"""Start openfun's Ralph, an independent xAPI LRS, as a separate process on 127.0.0.1.

Ralph is installed from PyPI into its own virtualenv ($RALPH_VENV, default /tmp/ralph-venv),
apart from the project's, because its dependencies are not ours. `make test` installs it before
the run (`python -m tests.peers.ralph_peer`); a test started some other way installs it on first
use, which needs the network. Its statements land in DATA_DIR/fs_lrs.jsonl; it has only the
statements resource, at /xAPI/.
"""

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

RALPH_VERSION = "5.1.0"
HERE = Path(__file__).resolve().parent


def ralph_venv() -> Path:
    return Path(os.environ.get("RALPH_VENV", "/tmp/ralph-venv"))  # noqa: S108 (a cache)


def install() -> Path:
    """Ralph's virtualenv, created and filled on first use (a minute or two). CI installs it
    while the first tests run: a test that needs it meanwhile waits for the install to end."""
    venv = ralph_venv()
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / "bin" / "uvicorn").exists() or not (venv / "bin" / "ralph").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            # Nothing compiled ahead: the tests import a small part of what Ralph brings, and
            # compiling all of it was most of the install's time.
            subprocess.run(
                [
                    str(venv / "bin" / "pip"),
                    "install",
                    "--quiet",
                    "--no-compile",
                    f"ralph-malph[cli,lrs]=={RALPH_VERSION}",
                    "requests",
                ],
                check=True,
            )
    return venv


def start(port: int, data_dir: Path, key: str, secret: str, timeout: float = 30) -> int:
    """Serve Ralph on `port` with one Basic-auth client; returns its process id."""
    venv = install()
    data_dir = data_dir.resolve()
    home = data_dir / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(home),
        "RALPH_AUTH_FILE": str(home / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(data_dir),
    }
    if not (home / "auth.json").exists():
        subprocess.run(
            [
                str(venv / "bin" / "ralph"),
                "auth",
                "-u",
                key,
                "-p",
                secret,
                "-s",
                "all",
                "-M",
                "mailto:lrs@example.org",
                "-w",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
    with open(data_dir / "ralph.log", "ab") as log:
        server = subprocess.Popen(
            [
                str(venv / "bin" / "uvicorn"),
                "ralph_asgi:app",
                "--app-dir",
                str(HERE),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a daemon: callers stop it by pid
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/__heartbeat__", timeout=1):
                return server.pid
        except OSError:
            time.sleep(0.2)
    stop(server.pid)
    raise RuntimeError(f"Ralph did not start; see {data_dir / 'ralph.log'}")


def stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


if __name__ == "__main__":
    # `make test` installs Ralph ahead of the run, so no test installs it on first use.
    print(f"Ralph {RALPH_VERSION} is installed in {install()}")
