"""Forwarding after faults: how long the outbox takes to drain once the peer is back, and what
the worker asked of the peer meanwhile.

    .venv/bin/python benchmarks/lrs_forwarding.py [--statements 1000] [--fault-seconds 30]
        [--interval 1] [--batch 100] [--timeout 5] [--lease SECONDS]
        [--faults down,failing,silent,killed] [--smoke]

It migrates a new database (the throwaway PostgreSQL database lms_bench_forwarding, dropped at
the end; --smoke: a SQLite file, or PostgreSQL when DATABASE_URL names it), serves a small
peer LRS on loopback that keeps every statement by id (as an LRS does: a re-sent statement is
stored once), and starts a forwarding worker against it. For each fault it stores the
statements, keeps the fault up for --fault-seconds and at least until the worker has tried
the peer once (the peer closes every connection: down; answers 503: failing; answers nothing
until after the endpoint's --timeout: silent), then brings the peer back and times until the
outbox is empty. The worker is this script run with --worker: every --interval seconds it
calls `outbox_deliver` for each enabled endpoint, as the project's periodic forwarding job
does; one worker serves the faults one after the other, started and ready before the first.
The `killed` fault has the peer SIGKILL the worker as its first batch arrives, before any
answer, and a second worker, started beforehand and held in reserve, takes over at once: the
drain is timed from the kill and lasts at least the claim's lease (xapi.forwarding's
claim_lease: 30 s, or 3 x the timeout if longer; --lease sets the workers' 30 s floor). Per
fault: drain_seconds, requests during the fault, requests and batch sizes that carried the
statements afterwards, statements lost (never received), and statements received more than
once (re-sent after a kill; the peer, like an LRS, stores them once by id).

--smoke: 20 statements, 2 s faults, batches of 5, a 1 s timeout and no lease floor, so the
lease is the product's 3 x the timeout (3 s) and the killed batch is taken over in seconds.
"""

import argparse
import contextlib
import io
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchkit import infra, migrated

DATABASE = "lms_bench_forwarding"
FAULTS = ("down", "failing", "silent", "killed")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=1000)
    parser.add_argument("--fault-seconds", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=1.0, help="the worker's --interval")
    parser.add_argument("--batch", type=int, default=100, help="the endpoint's batch size")
    parser.add_argument("--timeout", type=int, default=5, help="the endpoint's timeout (s)")
    parser.add_argument(
        "--lease",
        type=float,
        default=None,
        help="the workers' floor for a claim's lease in seconds (default: the product's, 30)",
    )
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--drain-timeout", type=float, default=420.0)
    parser.add_argument("--smoke", action="store_true", help="20 statements, 2 s faults")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--start-when", help=argparse.SUPPRESS)  # a worker held in reserve
    args = parser.parse_args()
    if args.smoke:
        args.statements, args.fault_seconds, args.batch = 20, 2.0, 5
        # The lease is then the product's own 3 x the timeout: the same take-over after a
        # kill as at full scale, in 3 s instead of half a minute.
        args.timeout, args.lease = 1, 0.0
        args.drain_timeout = min(args.drain_timeout, 120.0)
    unknown = set(args.faults.split(",")) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults {sorted(unknown)}: choose from {', '.join(FAULTS)}")
    return args


class Peer:
    """An LRS on a thread: keeps statements by id, counts requests, and fails on demand."""

    def __init__(self, timeout: int) -> None:
        self.mode = "up"
        self.kill_next: infra.Child | None = None  # a worker to SIGKILL as its batch arrives
        self.killed = threading.Event()
        self.lock = threading.Lock()
        self.requests: list[tuple[float, str, int]] = []  # (time, mode, statements)
        self.received: dict[str, int] = {}
        self.first_request = threading.Event()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                mode = peer.mode
                ids = [s["id"] for s in json.loads(body)] if mode == "up" else []
                with peer.lock:
                    peer.requests.append((time.monotonic(), mode, len(ids)))
                    victim, peer.kill_next = peer.kill_next, None
                if victim is not None:
                    # Mid-batch: the statements are here, the worker never reads an answer.
                    os.killpg(victim.pid, signal.SIGKILL)
                    victim.popen.wait()
                    victim.stopped = True
                    peer.killed.set()
                peer.first_request.set()
                if mode == "down":
                    self.close_connection = True  # no answer: the connection just closes
                    return
                if mode == "silent":
                    time.sleep(timeout + 1)
                    self.close_connection = True
                    return
                if mode == "failing":
                    self._answer(503, b'{"message": "unavailable"}')
                    return
                with peer.lock:
                    for statement_id in ids:
                        peer.received[statement_id] = peer.received.get(statement_id, 0) + 1
                self._answer(200, json.dumps(ids).encode())

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # A worker killed while waiting for this answer is no longer there to read it.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xAPI/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def statements(count: int) -> list[dict]:
    return [
        {
            "id": str(uuid.uuid4()),
            "actor": {"mbox": f"mailto:learner{n % 50}@example.gov.uk", "objectType": "Agent"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": f"https://academy.example.gov.uk/courses/{n % 20}"},
            "timestamp": "2026-11-30T10:00:00.000Z",
        }
        for n in range(count)
    ]


def unsent() -> int:
    from xapi.models import OutboxEntry

    return OutboxEntry.objects.filter(sent_at=None, given_up_at=None).count()


def store(count: int) -> list[str]:
    from xapi.services import statements_store

    made = statements(count)
    for start in range(0, count, 500):
        statements_store(statements=made[start : start + 500], client=None)
    return [statement["id"] for statement in made]


def start_worker(
    stack, env: dict[str, str], args, log_path: Path, start_when: Path | None = None
) -> infra.Child:
    """A worker; with `start_when`, one held in reserve: set up, it waits for that file."""
    cmd = [infra.PYTHON, __file__, "--worker", "--interval", str(args.interval)]
    if args.lease is not None:
        cmd += ["--lease", str(args.lease)]
    if start_when is not None:
        cmd += ["--start-when", str(start_when)]
    return infra.start_server(stack, cmd, env, log_path)


def wait_until_ready(worker: infra.Child, log_path: Path, timeout: float = 120.0) -> None:
    """Until the worker says it is about to make its first pass (Django is set up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and worker.popen.poll() is None:
        if log_path.exists() and "ready" in log_path.read_text(errors="replace").split():
            return
        time.sleep(0.1)
    tail = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else ""
    raise SystemExit(f"the forwarding worker was not ready within {timeout:.0f} s:\n{tail}")


def run_worker(interval: float, lease: float | None, start_when: str | None) -> None:
    """A forwarding worker: a pass over the enabled endpoints every `interval` seconds."""
    import django

    django.setup()
    from xapi import forwarding
    from xapi.forwarding import outbox_deliver
    from xapi.models import ForwardingEndpoint

    if lease is not None:
        forwarding.LEASE = timedelta(seconds=lease)  # claim_lease's floor, read at each claim
    print("ready", flush=True)
    while start_when and not os.path.exists(start_when):
        time.sleep(0.05)
    while True:
        for endpoint in ForwardingEndpoint.objects.filter(enabled=True):
            report = outbox_deliver(endpoint=endpoint)
            print(report, flush=True)
        time.sleep(interval)


def fault(name: str, args, peer: Peer, worker: infra.Child, reserve: Path, work: Path):
    """One fault and the drain after it; returns its figures.

    The killed fault hands over to the worker held in reserve: it starts at once, as a
    supervisor's restart would, and without Django's start-up in the drain (at full scale
    the lease hides that anyway)."""
    infra.log(f"{name}: storing {args.statements} statements")
    with peer.lock:
        peer.requests.clear()
        peer.received.clear()
        peer.first_request.clear()
        peer.killed.clear()
        peer.kill_next = worker if name == "killed" else None
    peer.mode = "up" if name == "killed" else name
    stored = time.monotonic()
    ids = store(args.statements)
    if name == "killed":
        if not peer.killed.wait(60):
            raise SystemExit("killed: the worker sent nothing within 60 s")
        reserve.touch()
    else:
        # Up for --fault-seconds from the statements being stored, and at least until the
        # worker has met the fault once.
        if not peer.first_request.wait(60):
            raise SystemExit(f"{name}: the worker sent nothing within 60 s")
        time.sleep(max(0.0, args.fault_seconds - (time.monotonic() - stored)))
        peer.mode = "up"
    back = time.monotonic()
    infra.log(f"{name}: the peer is back (or the worker was killed); draining")
    drained = None
    while time.monotonic() - back < args.drain_timeout:
        if unsent() == 0:
            drained = time.monotonic()
            break
        time.sleep(0.2)
    if drained is None:
        for log_file in sorted(work.glob("worker*.log")):
            infra.log(f"{log_file.name}: {log_file.read_text()[-2000:]}")
    with peer.lock:
        during = [r for r in peer.requests if r[0] < back]
        after = [r for r in peer.requests if r[0] >= back]
        received = dict(peer.received)
    sizes = [r[2] for r in after if r[1] == "up"]
    result = {
        "drain_seconds": round(drained - back, 1) if drained else None,
        "drained": drained is not None,
        "left_in_outbox": unsent(),
        "requests_during_fault": len(during),
        "requests_after_fault": len(after),
        "batch_sizes_after_fault": {
            "count": len(sizes),
            "min": min(sizes, default=0),
            "mean": round(sum(sizes) / len(sizes), 1) if sizes else 0,
        },
        "lost": sum(1 for statement_id in ids if statement_id not in received),
        "received_twice_or_more": sum(1 for times in received.values() if times > 1),
    }
    infra.log(f"{name}: {result}")
    return result


def main() -> None:
    args = parse_args()
    if args.worker:
        run_worker(args.interval, args.lease, args.start_when)
        return
    started = time.monotonic()
    with infra.cleanup_on_exit() as stack:
        work = Path(tempfile.mkdtemp(prefix="forwarding-bench-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        # A smoke run starts from a copy of the migrated template; `migrate` below then has
        # only the post-migrate receivers to run.
        if args.smoke and not infra.smoke_uses_postgres():
            url = migrated.copy_migrated_sqlite(work / "forwarding.sqlite3")
        elif args.smoke:
            name = infra.smoke_name(DATABASE)
            url = migrated.create_migrated_database(name)
            stack.callback(infra.drop_database, name)
        else:
            url = infra.create_database(DATABASE)
            stack.callback(infra.drop_database, DATABASE)
        env = infra.production_env(url)
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        stack.callback(connections.close_all)  # before the database is dropped
        infra.log("migrating")
        # Here rather than in a process of its own: this one needs Django anyway.
        call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
        from xapi.models import ForwardingEndpoint

        peer = Peer(args.timeout)
        stack.callback(peer.stop)
        endpoint = ForwardingEndpoint(
            name="Peer", url=peer.url, batch_size=args.batch, timeout_seconds=args.timeout
        )
        endpoint.save()
        faults = args.faults.split(",")
        worker = start_worker(stack, env, args, work / "worker.log")
        reserve = work / "start-the-reserve"
        if "killed" in faults:
            spare = start_worker(stack, env, args, work / "worker-reserve.log", reserve)
            wait_until_ready(spare, work / "worker-reserve.log")
        wait_until_ready(worker, work / "worker.log")
        results = {}
        for name in faults:
            results[name] = fault(name, args, peer, worker, reserve, work)
            if name == "killed":
                worker = spare
        worker.stop()
    print(
        json.dumps(
            {
                "benchmark": "lrs_forwarding",
                "smoke": args.smoke,
                "parameters": {
                    "statements": args.statements,
                    "fault_seconds": args.fault_seconds,
                    "worker_interval": args.interval,
                    "batch_size": args.batch,
                    "timeout_seconds": args.timeout,
                    "lease_floor_seconds": args.lease,
                    "database": "postgresql" if url.startswith("postgres") else "sqlite",
                },
                "faults": results,
                "seconds": round(time.monotonic() - started, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    infra.run_main(main)
