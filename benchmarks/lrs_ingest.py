"""Ingest: how many statements a second the LRS acknowledges, beside openfun's Ralph.

    python benchmarks/lrs_ingest.py [--seconds 60] [--batch 100] [--clients 8] [--workers N]

Both LRSs get the same load from the same generator, one after the other (never at once, so
they do not share the two cores): --clients processes, each with one keep-alive connection,
posting batches of --batch pre-built statements (fresh ids per batch) as fast as answers
come back, for --warmup seconds (not counted) and then --seconds. Only statements in a 200
answer count. Ours runs under gunicorn with production settings on a throwaway PostgreSQL
database (lms_bench_ingest), so full validation, the side tables and the outbox check all
run as they would in production; Ralph runs on its filesystem backend (one uvicorn process),
started as the forwarding tests start it (tests/peers/ralph_peer.py).

Afterwards the statements each LRS holds are counted and must equal those acknowledged.
--smoke measures ours only (Ralph needs its own virtualenv): one client, one worker, batches
of 5 for 1 s, on a throwaway database named for the process.
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import json
import multiprocessing
import os
import random
import secrets
import shutil
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchkit import infra, migrated

sys.path.insert(0, str(infra.ROOT))
from benchkit.xapi_load import StatementMaker, World, XapiClient, ms, percentile

from tests.peers import ralph_peer

DATABASE = "lms_bench_ingest"
TEMPLATES = 5_000  # distinct pre-built statements the batches are drawn from
TIMELINE_SLICES = 6


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds per LRS")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds first")
    parser.add_argument("--batch", type=int, default=100, help="statements per POST")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client processes")
    parser.add_argument(
        "--workers",
        type=int,
        default=infra.default_workers(),
        help="gunicorn workers for our LRS (default: cores + 1)",
    )
    parser.add_argument("--only", choices=["ours", "ralph"], help="measure just one LRS")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="ours only, one client, batches of 5 for 1 s, on a database of its own",
    )
    args = parser.parse_args()
    if args.smoke:
        args.only, args.clients, args.batch, args.workers = "ours", 1, 5, 1
        args.seconds, args.warmup = 1.0, 0.0
    return args


def statement_templates(count: int) -> list[str]:
    """Serialised statements minus their id, which each batch fills in afresh.

    Building the JSON ahead keeps the clients' own work per batch to joining strings, so the
    generator stays far from being the bottleneck (its CPU use is reported to show it).
    """
    maker = StatementMaker(World(), seed=7)
    return [
        json.dumps(maker.statement(with_id=False), separators=(",", ":"))[1:] for _ in range(count)
    ]


def batch_body(templates: list[str], rng: random.Random, size: int) -> tuple[bytes, list[str]]:
    start = rng.randrange(len(templates))
    ids = [str(uuid.uuid4()) for _ in range(size)]
    parts = [f'{{"id":"{ids[i]}",{templates[(start + i) % len(templates)]}' for i in range(size)]
    return ("[" + ",".join(parts) + "]").encode(), ids


def client_process(index, target, templates, batch, start_at, end_at, results) -> None:
    """One client: post batches back to back until end_at; report every request's timing."""
    # The parent decides when we stop; its own handlers (inherited by fork) are not ours.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    host, port, path, key, secret = target
    client = XapiClient(host, port, key, secret)
    rng = random.Random(index)  # noqa: S311 (test data)
    samples = []  # (finished at, seconds taken, HTTP status, statements acknowledged)
    while time.monotonic() < start_at:
        time.sleep(0.005)
    while time.monotonic() < end_at:
        body, ids = batch_body(templates, rng, batch)
        began = time.monotonic()
        try:
            status, payload = client.request("POST", path, body)
        except OSError:
            status, payload = 0, b""
            time.sleep(0.1)
        finished = time.monotonic()
        acked = 0
        if status == 200:
            try:
                acked = len(set(json.loads(payload)) & set(ids))
            except ValueError:
                status = -1  # a 200 whose body is not the ids we sent counts as an error
        samples.append((finished, finished - began, status, acked))
    client.close()
    times = os.times()
    results.put((index, samples, times.user + times.system))


def drive(target, templates, args) -> dict:
    """Run the load against one endpoint and summarise it."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.monotonic() + 1.0
    measure_from = start_at + args.warmup
    end_at = measure_from + args.seconds
    workers = [
        context.Process(
            target=client_process,
            daemon=True,
            args=(i, target, templates, args.batch, start_at, end_at, results),
        )
        for i in range(args.clients)
    ]
    try:
        for worker in workers:
            worker.start()
        collected = [results.get(timeout=end_at - time.monotonic() + 300) for _ in workers]
    finally:
        for worker in workers:
            worker.join(10)  # normally already done: it has handed over its samples
            if worker.is_alive():
                worker.terminate()
                worker.join(5)
    samples = [s for _, worker_samples, _ in collected for s in worker_samples]
    client_cpu = sum(cpu for _, _, cpu in collected)

    window = [s for s in samples if measure_from <= s[0] <= end_at]
    ok = [s for s in window if s[2] == 200]
    acked = sum(s[3] for s in window)
    slice_length = args.seconds / TIMELINE_SLICES
    timeline = [0] * TIMELINE_SLICES
    for finished, _, _, count in window:
        timeline[min(int((finished - measure_from) / slice_length), TIMELINE_SLICES - 1)] += count
    errors: dict[str, int] = {}
    for s in samples:
        if s[2] != 200:
            errors[str(s[2])] = errors.get(str(s[2]), 0) + 1
    return {
        "statements_per_s": round(acked / args.seconds, 1),
        "requests_per_s": round(len(ok) / args.seconds, 2),
        "latency_ms": {
            "p50": ms(percentile([s[1] for s in ok], 0.50)),
            "p95": ms(percentile([s[1] for s in ok], 0.95)),
        },
        "errors": sum(errors.values()),
        "errors_by_status": errors,
        # Throughput in equal slices of the measured window: shows whether it holds up as
        # the store fills.
        "statements_per_s_timeline": [round(n / slice_length, 1) for n in timeline],
        "acknowledged_total": sum(s[3] for s in samples),  # warm-up included, for the check
        "client_cpu_cores": round(client_cpu / (end_at - start_at), 2),
    }


def check_one_batch(target, templates, batch) -> int:
    """Before measuring: the LRS must take one batch and answer with exactly its ids."""
    host, port, path, key, secret = target
    client = XapiClient(host, port, key, secret)
    body, ids = batch_body(templates, random.Random(0), batch)  # noqa: S311
    status, payload = client.request("POST", path, body)
    client.close()
    if status != 200 or json.loads(payload) != ids:
        raise RuntimeError(f"{host}:{port}{path} refused a batch: {status} {payload[:500]!r}")
    return len(ids)


def measure_ours(stack, work: Path, templates, args) -> dict:
    key, secret = "bench-ingest", secrets.token_urlsafe(24)
    database = infra.smoke_name(DATABASE) if args.smoke else DATABASE
    infra.log(f"our LRS: creating {database} and migrating")
    url = migrated.create_migrated_database(database)
    stack.callback(infra.drop_database, database)
    env = infra.production_env(url)
    # One Django process migrates, creates the client and collects the static files.
    # --secret=…: a generated secret may begin with "-", which would read as an option.
    infra.manage_in_one_process(
        env,
        ["migrate", "--noinput"],
        ["create_lrs_client", "bench", f"--key={key}", f"--secret={secret}", "--scopes", "all"],
        static=True,
    )
    port = infra.free_port()
    server = infra.start_gunicorn(
        stack, env, port, args.workers, work / "gunicorn.log", collected=True
    )
    target = ("127.0.0.1", port, "/xapi/statements", key, secret)
    checked = check_one_batch(target, templates, args.batch)
    infra.log(
        f"our LRS: gunicorn with {args.workers} workers took one batch; "
        f"measuring {args.warmup:g}+{args.seconds:g} s"
    )
    figures = drive(target, templates, args)
    server.stop()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        stored = conn.execute("SELECT count(*) FROM xapi_statement").fetchone()[0]
    acknowledged = checked + figures.pop("acknowledged_total")
    figures["stored_check"] = {
        "acknowledged": acknowledged,
        "stored_in_postgresql": stored,
        "equal": acknowledged == stored,
    }
    figures["server"] = (
        f"gunicorn lms.wsgi, {args.workers} sync workers, lms.settings.production, PostgreSQL"
    )
    return figures


def measure_ralph(stack, work: Path, templates, args) -> dict:
    key, secret = "bench-ingest", secrets.token_urlsafe(24)
    data = work / "ralph"
    data.mkdir()
    port = infra.free_port()
    infra.log("Ralph: starting (the first start installs it into /tmp/ralph-venv)")
    ralph = infra.Child(ralph_peer.start(port, data, key, secret))
    stack.callback(ralph.stop)
    target = ("127.0.0.1", port, "/xAPI/statements", key, secret)
    checked = check_one_batch(target, templates, args.batch)
    infra.log(f"Ralph: took one batch; measuring {args.warmup:g}+{args.seconds:g} s")
    figures = drive(target, templates, args)
    ralph.stop()
    with open(data / "fs_lrs.jsonl", "rb") as stored_file:
        stored = sum(1 for line in stored_file if line.strip())
    acknowledged = checked + figures.pop("acknowledged_total")
    figures["stored_check"] = {
        "acknowledged": acknowledged,
        "stored_in_file": stored,
        "equal": acknowledged == stored,
    }
    figures["server"] = "ralph-malph 5.1.0, one uvicorn process, filesystem backend"
    return figures


def main() -> None:
    args = parse_args()
    began = time.monotonic()
    infra.log("building statements")
    templates = statement_templates(50 if args.smoke else TEMPLATES)
    report: dict = {
        "benchmark": "lrs_ingest",
        "smoke": args.smoke,
        "parameters": {
            "seconds": args.seconds,
            "warmup_seconds": args.warmup,
            "batch": args.batch,
            "clients": args.clients,
            "gunicorn_workers": args.workers,
            "cpu_cores": os.cpu_count(),
            "statement_bytes_avg": round(sum(len(t) + 48 for t in templates) / len(templates)),
        },
        "gunicorn_workers_why": (
            "sync workers = cores + 1: a request is mostly Python with short waits on "
            "PostgreSQL, so one per core keeps the CPUs busy and one more covers the waits; "
            "more would only fight PostgreSQL and the clients for the same cores"
        ),
    }
    with infra.cleanup_on_exit() as stack:
        work = Path(tempfile.mkdtemp(prefix="lms-bench-ingest-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        if args.only != "ralph":
            report["ours"] = measure_ours(stack, work, templates, args)
        if args.only != "ours":
            report["ralph"] = measure_ralph(stack, work, templates, args)
    if "ours" in report and "ralph" in report and report["ralph"]["statements_per_s"]:
        report["ratio_ours_to_ralph"] = round(
            report["ours"]["statements_per_s"] / report["ralph"]["statements_per_s"], 2
        )
        # Ralph re-reads its whole file on every POST (to find duplicate ids), so its rate
        # falls as it fills and the full-window ratio grows with --seconds; the first slice
        # compares the two on a nearly empty store.
        report["ratio_first_slice"] = round(
            report["ours"]["statements_per_s_timeline"][0]
            / report["ralph"]["statements_per_s_timeline"][0],
            2,
        )
        report["goal"] = "ours >= 2x Ralph's sustained rate"
        report["goal_met"] = report["ratio_ours_to_ralph"] >= 2
    report["seconds"] = round(time.monotonic() - began, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    infra.run_main(main)
