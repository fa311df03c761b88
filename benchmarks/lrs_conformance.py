"""Conformance: ADL's LRS conformance test suite against the project's LRS, xAPI 1.0.3 and 2.0.0.

    python benchmarks/lrs_conformance.py --suite PATH [--port P]
    python benchmarks/lrs_conformance.py --smoke
    (or LRS_CONFORMANCE_SUITE=PATH python benchmarks/lrs_conformance.py)

PATH is a checkout of github adlnet/lrs-conformance-test-suite, or the bare git directory
fetching it gave; it is never part of this repository, so it is always passed in. For each
version the script serves the LRS the way `make run` does (`manage.py runserver`,
lms.settings.dev) on a fresh SQLite database in a temporary directory, because the suite
leaves everything it writes behind and would trip over its own earlier statements; it waits
until GET /xapi/about answers (the suite gives up on an endpoint that is not listening yet),
runs the suite through the runner script named by --runner (or LRS_CONFORMANCE_RUNNER) and
reads its summary line. The runner is called as `RUNNER SUITE ENDPOINT KEY SECRET VERSION
TIME_LIMIT GREP`, writes the suite's logs under $CONFORMANCE_OUT and prints
"conformance VERSION: passed N of M, failed F".
Prints one JSON object on stdout; the suite's progress goes to stderr, and its per-test
logs stay in the directory named in the output.

--smoke needs neither the suite nor a runner: for each version it does everything else (fresh
database, client, server start and stop) and, in place of the suite, checks that GET
/xapi/about lists that version, counted as one test of one.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchkit import infra, migrated

SUMMARY = re.compile(r"conformance (\S+): passed (\d+) of (\d+), failed (\d+)")
VERSIONS = ("1.0.3", "2.0.0")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--suite",
        default=os.environ.get("LRS_CONFORMANCE_SUITE"),
        help="the suite's checkout or bare git dir (or LRS_CONFORMANCE_SUITE)",
    )
    parser.add_argument(
        "--runner",
        default=os.environ.get("LRS_CONFORMANCE_RUNNER"),
        help="the script that runs the suite against an endpoint (or LRS_CONFORMANCE_RUNNER)",
    )
    parser.add_argument("--port", type=int, default=None, help="default: a free port")
    parser.add_argument("--versions", nargs="+", choices=VERSIONS, default=None)
    parser.add_argument("--time-limit", type=int, default=900, help="seconds per version")
    parser.add_argument("--grep", default="", help="run only the suite's tests matching this")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="no suite: serve each version's fresh LRS and check its About resource only",
    )
    args = parser.parse_args()
    if args.smoke:
        args.versions = args.versions or [VERSIONS[-1]]  # one start-up is enough to check
        return args
    args.versions = args.versions or list(VERSIONS)
    suite = Path(args.suite).expanduser() if args.suite else None
    is_checkout = suite and (suite / "bin" / "testRunner.js").is_file()
    is_bare_git = suite and (suite / "HEAD").is_file() and (suite / "objects").is_dir()
    if not (is_checkout or is_bare_git):
        parser.exit(
            2,
            (
                "lrs_conformance: the conformance suite was not found"
                + (f" at {suite}" if suite else "")
                + ".\n"
                "Pass --suite PATH (or set LRS_CONFORMANCE_SUITE) to a checkout of "
                "github.com/adlnet/lrs-conformance-test-suite or its bare git directory.\n"
            ),
        )
    if not args.runner or not Path(args.runner).is_file():
        parser.exit(
            2,
            "lrs_conformance: pass --runner PATH (or set LRS_CONFORMANCE_RUNNER) to the script "
            f"that runs the suite; got {args.runner!r}\n",
        )
    args.suite = str(suite.resolve())
    return args


def serve_fresh_lrs(stack, work: Path, port: int, key: str, secret: str) -> infra.Child:
    """runserver (as `make run` serves the site) on a new SQLite database, ready to answer."""
    work.mkdir()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        DATABASE_URL=migrated.copy_migrated_sqlite(work / "db.sqlite3"),
    )
    infra.manage_in_one_process(
        env,
        ["migrate", "--noinput"],
        ["create_lrs_client", "conformance", "--key", key, f"--secret={secret}", "--scopes", "all"],
    )
    log_path = work / "runserver.log"
    server = infra.start_server(
        stack,
        [infra.PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env,
        log_path,
    )
    infra.wait_until_answers(f"http://127.0.0.1:{port}/xapi/about", server.popen, log_path)
    return server


def run_suite(stack, args, version: str, port: int, key: str, secret: str, out: Path) -> dict:
    """Run the suite for one version, echoing its output to stderr; parse its summary."""
    env = {**os.environ, "CONFORMANCE_OUT": str(out)}
    cmd = [
        args.runner,
        args.suite,
        f"http://127.0.0.1:{port}/xapi",
        key,
        secret,
        version,
        str(args.time_limit),
        args.grep,
    ]
    lines = []
    runner = subprocess.Popen(  # noqa: S603 (our own command line)
        cmd,
        cwd=infra.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    child = infra.Child(runner.pid, runner)
    stack.callback(child.stop)  # node and its helpers go too if we are interrupted
    for line in runner.stdout:
        sys.stderr.write(line)
        lines.append(line)
    runner.wait()
    child.stop()
    found = [SUMMARY.search(line) for line in lines]
    found = [m for m in found if m and m.group(1) == version]
    if not found:
        return {"error": f"no summary line (runner exit {runner.returncode}); see {out}"}
    passed, total, failed = (int(n) for n in found[-1].groups()[1:])
    return {
        "passed": passed,
        "total": total,
        "failed": failed,
        "failing_tests": failing_tests(out, version),
    }


def check_about(port: int, version: str) -> dict:
    """The smoke run's stand-in for the suite: the About resource answers with the version."""
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/xapi/about", headers={"X-Experience-API-Version": version}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (our own server)
        about = json.loads(answer.read())
    passed = int(version in about.get("version", []))
    return {"passed": passed, "total": 1, "failed": 1 - passed, "failing_tests": []}


def failing_tests(out: Path, version: str, limit: int = 40) -> list[str]:
    """The first failing tests of the run, from the driver's per-test log."""
    logs = sorted(out.glob(f"run-{version}-*.jsonl"))
    if not logs:
        return []
    failures = []
    for line in logs[-1].read_text(errors="replace").splitlines():
        entry = json.loads(line)
        if entry.get("status") == "fail" and len(failures) < limit:
            failures.append(
                f"{entry.get('suite')} > {entry.get('test')}: {(entry.get('error') or '')[:160]}"
            )
    return failures


def main() -> None:
    args = parse_args()
    began = time.monotonic()
    out = Path(tempfile.gettempdir()) / "lrs-conformance-out" / time.strftime("lms-%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    report: dict = {
        "benchmark": "lrs_conformance",
        "smoke": args.smoke,
        "parameters": {
            "suite": args.suite,
            "versions": args.versions,
            "time_limit_s": args.time_limit,
            "grep": args.grep or None,
            "server": "manage.py runserver, lms.settings.dev, SQLite",
        },
    }
    with infra.cleanup_on_exit() as stack:
        work = Path(tempfile.mkdtemp(prefix="lms-bench-conformance-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        for version in args.versions:
            port = args.port or infra.free_port()
            key, secret = "conformance", secrets.token_urlsafe(24)
            infra.log(f"xAPI {version}: fresh database, serving on 127.0.0.1:{port}")
            server = serve_fresh_lrs(stack, work / version, port, key, secret)
            started = time.monotonic()
            if args.smoke:
                report[version] = check_about(port, version)
            else:
                report[version] = run_suite(stack, args, version, port, key, secret, out)
            report[version]["seconds"] = round(time.monotonic() - started, 1)
            server.stop()  # the next version gets a new database and a new server
            infra.log(f"xAPI {version}: {report[version]}")
    report["goal"] = "every test passes in both versions"
    report["goal_met"] = all(
        report[v].get("failed") == 0 and report[v].get("total", 0) > 0 for v in args.versions
    )
    report["logs"] = str(out)
    report["seconds"] = round(time.monotonic() - began, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    infra.run_main(main)
