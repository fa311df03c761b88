"""Child processes, throwaway databases and servers for the benchmark scripts.

Every script runs inside `cleanup_on_exit()`. Whatever it starts (a server, a database, a
temporary directory) registers its undo there at once, so it is undone on success, on error,
on Ctrl+C and on SIGTERM alike. Servers are started in their own session: a Ctrl+C in the
terminal then reaches only the script, which stops them in order instead of leaving orphans.
"""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
POSTGRES = "postgresql://postgres@127.0.0.1:5432"


def log(message: str) -> None:
    """Progress goes to stderr: stdout carries only the JSON result."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def cleanup_on_exit():
    """An ExitStack whose callbacks run however the script ends (SIGTERM/SIGHUP included)."""

    def interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    # Even when started in the background (where SIGINT starts out ignored), kill -INT stops us.
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    stack = contextlib.ExitStack()
    try:
        yield stack
    finally:
        # A second Ctrl+C must not abandon the clean-up half way.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        try:
            stack.close()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(cmd: list[str], env: dict[str, str] | None = None, quiet: bool = False) -> str:
    """Run a command to completion from the project root; its output is progress (stderr)."""
    result = subprocess.run(  # noqa: S603 (our own command lines)
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if not quiet or result.returncode:
        sys.stderr.write(result.stdout)
    if result.returncode:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... exited with {result.returncode}")
    return result.stdout


def manage(*args: str, env: dict[str, str]) -> str:
    return run([PYTHON, "manage.py", *args], env=env, quiet=True)


def manage_in_one_process(env: dict[str, str], *commands: list[str], static=False) -> str:
    """manage.py commands one after the other in one Django process (benchkit/commands.py),
    since starting Django takes longer than most of them; `static` then collects the static
    files if they are stale."""
    cmd = [PYTHON, str(ROOT / "benchmarks" / "benchkit" / "commands.py"), json.dumps(commands)]
    return run(cmd + (["--static"] if static else []), env=env, quiet=True)


def run_measured(cmd: list[str], env: dict[str, str], log_path: Path | None = None) -> dict:
    """Run a command to completion; returns its wall time, peak RSS and output.

    The peak RSS is that of this one child (os.wait4 gives its own rusage, unlike
    RUSAGE_CHILDREN, which is the largest of every child this process ever waited for).
    stdout is returned; stderr (progress) goes to log_path, or to ours.
    """
    errors = open(log_path, "ab") if log_path else None  # noqa: SIM115 (closed below)
    try:
        began = time.monotonic()
        popen = subprocess.Popen(  # noqa: S603 (our own command lines)
            cmd,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors or sys.stderr,
            stdin=subprocess.DEVNULL,
        )
        child = Child(popen.pid, popen)
        try:
            output = popen.stdout.read().decode(errors="replace")
            _pid, status, usage = os.wait4(popen.pid, 0)
        except BaseException:
            child.stop()
            raise
        seconds = time.monotonic() - began
        popen.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if errors:
            errors.close()
    if popen.returncode:
        tail = log_path.read_text(errors="replace")[-3000:] if log_path else ""
        raise RuntimeError(
            f"{' '.join(cmd[:4])} ... exited with {popen.returncode}\n{output[-2000:]}{tail}"
        )
    return {
        "seconds": seconds,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # ru_maxrss is in KiB on Linux
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "output": output,
    }


def stop_process_group(pid: int, popen: subprocess.Popen | None = None) -> None:
    """SIGTERM the process group led by pid (falling back to the process), then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if _gone(pid, popen):
            return
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _gone(pid, popen):
            time.sleep(0.1)


def _gone(pid: int, popen: subprocess.Popen | None) -> bool:
    if popen is not None:
        return popen.poll() is not None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


class Child:
    """A process we started, stopped exactly once: early by the script or at clean-up."""

    def __init__(self, pid: int, popen: subprocess.Popen | None = None):
        self.pid, self.popen, self.stopped = pid, popen, False

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            stop_process_group(self.pid, self.popen)


def start_server(stack, cmd: list[str], env: dict[str, str], log_path: Path) -> Child:
    """Start a long-running child in its own session; it is stopped when the stack closes."""
    with open(log_path, "ab") as output:
        popen = subprocess.Popen(  # noqa: S603 (our own command lines)
            cmd,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    child = Child(popen.pid, popen)
    stack.callback(child.stop)
    return child


def wait_until_answers(url: str, popen: subprocess.Popen | None, log_path: Path, timeout=90.0):
    """Poll until GET url answers 200 (an xAPI resource: the version header is sent)."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(  # noqa: S310 (our own http://127.0.0.1 URL)
        url, headers={"X-Experience-API-Version": "1.0.3"}
    )
    while time.monotonic() < deadline:
        if popen is not None and popen.poll() is not None:
            break
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s; log tail:\n{tail}")


# -- PostgreSQL -------------------------------------------------------------------------------


def admin_connection():
    import psycopg

    return psycopg.connect(f"{POSTGRES}/postgres", autocommit=True)


def checked_name(name: str) -> str:
    # Only ever create or drop our own throwaway databases.
    if not name.startswith("lms_bench_") or not name.replace("_", "").isalnum():
        raise ValueError(f"refusing to manage database {name!r}: not an lms_bench_* name")
    return name


def database_exists(name: str) -> bool:
    with admin_connection() as conn:
        return (
            conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [checked_name(name)]
            ).fetchone()
            is not None
        )


def drop_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{checked_name(name)}" WITH (FORCE)')


def create_database(name: str) -> str:
    """A new, empty database (any old one of that name is dropped); returns its URL."""
    drop_database(name)
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{checked_name(name)}"')
    return database_url(name)


def smoke_name(name: str) -> str:
    """A throwaway name of this process for a --smoke run, so two runs never share a database."""
    return checked_name(f"{name}_smoke_{os.getpid()}")


def smoke_uses_postgres() -> bool:
    """--smoke runs on PostgreSQL when DATABASE_URL names it, otherwise on SQLite where it can."""
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def database_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{checked_name(name)}"


def copy_database(source: str, name: str, small: bool = False) -> str:
    """A new database `name` that is a copy of `source` (no one may be connected to `source`);
    any old `name` is dropped first. Returns its URL.

    A large database is copied file by file, which costs two checkpoints of the whole server
    (slow while other databases are busy); a small one is copied through the WAL instead.
    """
    drop_database(name)
    strategy = "WAL_LOG" if small else "FILE_COPY"
    with admin_connection() as conn:
        conn.execute(
            f'CREATE DATABASE "{checked_name(name)}" TEMPLATE "{checked_name(source)}" '
            f"STRATEGY {strategy}"
        )
    return database_url(name)


def database_note(name: str) -> dict | None:
    """The JSON a script left in the database's comment (what it holds), or None."""
    with admin_connection() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [checked_name(name)],
        ).fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else None
    except ValueError:
        return None


def write_database_note(name: str, note: dict) -> None:
    with admin_connection() as conn:
        text = json.dumps(note).replace("'", "''")
        conn.execute(f"COMMENT ON DATABASE {checked_name(name)} IS '{text}'")


# -- The project's server -------------------------------------------------------------------


def production_env(database_url: str) -> dict[str, str]:
    """What `lms.settings.production` needs, for plain HTTP on loopback."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
    )
    return env


def default_workers() -> int:
    """Sync gunicorn workers for this machine, leaving room for PostgreSQL and the clients.

    A request is mostly Python (parsing, validating, serialising) with short waits on
    PostgreSQL, so one worker per core keeps the CPUs busy and one more covers the waits;
    the textbook 2 x cores + 1 would only make the workers, the database and the load
    generator fight over the same two cores.
    """
    return (os.cpu_count() or 1) + 1


def start_gunicorn(
    stack,
    env: dict[str, str],
    port: int,
    workers: int,
    log_path: Path,
    extra: list[str] | None = None,
    collected: bool = False,
) -> Child:
    """gunicorn serving the site; `collected` says the caller has collected the static files."""
    if not collected:
        collect_static(env)
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "lms.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--graceful-timeout",
        "5",
        *(extra or []),
    ]
    child = start_server(stack, cmd, env, log_path)
    wait_until_answers(f"http://127.0.0.1:{port}/xapi/about", child.popen, log_path)
    return child


def collect_static(env: dict[str, str]) -> None:
    """Collect the static files production serves, unless already collected (commands.py)."""
    manage_in_one_process(env, static=True)


def run_main(main) -> None:
    """Run a script's main; an interrupt (already cleaned up) ends it quietly with 130."""
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted: servers stopped and throwaway databases dropped")
        sys.exit(130)


def gunicorn_workers_memory(master_pid: int) -> dict:
    """Peak and current resident memory (VmHWM, VmRSS) of gunicorn's workers, in MB."""
    workers = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip() or 0) != master_pid:
            continue
        workers[int(entry.name)] = {
            name: round(int(fields[key].split()[0]) / 1024, 1)
            for name, key in (("peak_mb", "VmHWM"), ("now_mb", "VmRSS"))
            if key in fields
        }
    return {
        "workers": len(workers),
        "peak_rss_mb_sum": round(sum(w.get("peak_mb", 0) for w in workers.values()), 1),
        "peak_rss_mb_each": sorted(w.get("peak_mb", 0) for w in workers.values()),
        "rss_mb_sum_now": round(sum(w.get("now_mb", 0) for w in workers.values()), 1),
    }


def machine_load() -> dict:
    """How busy the machine was: its cores and load averages (other processes included)."""
    one, five, fifteen = os.getloadavg()
    return {
        "cores": os.cpu_count(),
        "loadavg_1_5_15": [round(one, 2), round(five, 2), round(fifteen, 2)],
    }
