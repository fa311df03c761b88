"""Forwarding after faults: how long the outbox takes to drain once the peer is back, and what
the worker asked of the peer meanwhile.

    .venv/bin/python benchmarks/lrs_forwarding.py [--statements 1000] [--fault-seconds 30]
        [--interval 1] [--batch 100] [--faults down,failing,silent,killed] [--smoke]

It migrates a new database (the throwaway PostgreSQL database lms_bench_forwarding, dropped at
the end; --smoke: a SQLite file, or PostgreSQL when DATABASE_URL names it), serves a small
peer LRS on loopback that keeps every statement by id (as an LRS does: a re-sent statement is
stored once), and runs `manage.py forward_statements --interval N` against it. For each fault
it stores the statements, keeps the fault up for --fault-seconds (the peer closes every
connection: down; answers 503: failing; answers nothing until after the timeout: silent), then
brings the peer back and times until the outbox is empty. The worker is this script run with
--worker: every --interval seconds it calls `outbox_deliver` for each enabled endpoint, as the
project's periodic forwarding job does. The `killed` fault SIGKILLs the worker
while its first batch is on the wire and starts another at once: the drain is timed from the
kill. Per fault: drain_seconds, requests during the fault, requests and batch sizes that
carried the statements afterwards, statements lost (never received), and statements received
more than once (re-sent after a kill; the peer, like an LRS, stores them once by id).
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchkit import infra, migrated

DATABASE = "lms_bench_forwarding"
TIMEOUT_SECONDS = 5
FAULTS = ("down", "failing", "silent", "killed")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=1000)
    parser.add_argument("--fault-seconds", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=1.0, help="the worker's --interval")
    parser.add_argument("--batch", type=int, default=100, help="the endpoint's batch size")
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--drain-timeout", type=float, default=420.0)
    parser.add_argument("--smoke", action="store_true", help="20 statements, 3 s faults")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smoke:
        args.statements, args.fault_seconds, args.batch = 20, 3.0, 5
        args.drain_timeout = min(args.drain_timeout, 120.0)
    unknown = set(args.faults.split(",")) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults {sorted(unknown)}: choose from {', '.join(FAULTS)}")
    return args


class Peer:
    """An LRS on a thread: keeps statements by id, counts requests, and fails on demand."""

    def __init__(self) -> None:
        self.mode = "up"
        self.slow_first = 0.0  # seconds the next accepted batch waits before its answer
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
                    delay, peer.slow_first = peer.slow_first, 0.0
                peer.first_request.set()
                if mode == "down":
                    self.close_connection = True  # no answer: the connection just closes
                    return
                if mode == "silent":
                    time.sleep(TIMEOUT_SECONDS + 1)
                    self.close_connection = True
                    return
                if mode == "failing":
                    self._answer(503, b'{"message": "unavailable"}')
                    return
                time.sleep(delay)
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


def start_worker(stack, env: dict[str, str], interval: float, log_path: Path) -> infra.Child:
    cmd = [infra.PYTHON, __file__, "--worker", "--interval", str(interval)]
    return infra.start_server(stack, cmd, env, log_path)


def worker(interval: float) -> None:
    """A forwarding worker: a pass over the enabled endpoints every `interval` seconds."""
    import django

    django.setup()
    from xapi.forwarding import outbox_deliver
    from xapi.models import ForwardingEndpoint

    while True:
        for endpoint in ForwardingEndpoint.objects.filter(enabled=True):
            report = outbox_deliver(endpoint=endpoint)
            print(report, flush=True)
        time.sleep(interval)


def fault(name: str, args, peer: Peer, stack, env, work: Path) -> dict:
    """One fault and the drain after it; the worker is started here and stopped at the end."""
    infra.log(f"{name}: storing {args.statements} statements")
    with peer.lock:
        peer.requests.clear()
        peer.received.clear()
        peer.first_request.clear()
    peer.mode = "up" if name == "killed" else name
    ids = store(args.statements)
    worker = start_worker(stack, env, args.interval, work / f"worker-{name}.log")
    if name == "killed":
        peer.slow_first = 3.0
        if not peer.first_request.wait(60):
            raise SystemExit("killed: the worker sent nothing within 60 s")
        os.killpg(worker.pid, signal.SIGKILL)  # mid-batch: the peer has not answered yet
        worker.popen.wait()
        worker.stopped = True
        worker = start_worker(stack, env, args.interval, work / "worker-killed-2.log")
    else:
        time.sleep(args.fault_seconds)
        peer.mode = "up"
    back = time.monotonic()
    infra.log(f"{name}: the peer is back (or the worker was killed); draining")
    drained = None
    while time.monotonic() - back < args.drain_timeout:
        if unsent() == 0:
            drained = time.monotonic()
            break
        time.sleep(0.2)
    worker.stop()
    if drained is None:
        for log_file in sorted(work.glob(f"worker-{name}*.log")):
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
        worker(args.interval)
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
        infra.log("migrating")
        infra.manage("migrate", "--noinput", env=env)
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connections

        stack.callback(connections.close_all)  # before the database is dropped
        from xapi.models import ForwardingEndpoint

        peer = Peer()
        stack.callback(peer.stop)
        endpoint = ForwardingEndpoint(
            name="Peer", url=peer.url, batch_size=args.batch, timeout_seconds=TIMEOUT_SECONDS
        )
        endpoint.save()
        results = {
            name: fault(name, args, peer, stack, env, work) for name in args.faults.split(",")
        }
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
                    "timeout_seconds": TIMEOUT_SECONDS,
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
