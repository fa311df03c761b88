"""Required training at scale: assigning a course to everyone, reminding them, and the reports.

    python benchmarks/assignments_scale.py [--learners 100000] [--seed 1] [--concurrency 10]
                                           [--requests 200] [--batch-size 1000] [--due-days 2]
                                           [--course ID] [--reseed] [--drop] [--smoke]

The organisation is the one analytics_scale.py seeds (lms_bench_analytics: the demo, then
`synthesize_org --learners N --seed S`), built by that script's own prepare step, or reused
while it holds the same learners and seed. Every measurement runs on a copy of it
(lms_bench_analytics_assignments, dropped at the end), so the kept database never changes:

  a. assignments.services.assignment_create: one mandatory assignment of a demo course (the
     live course with the most enrolments, or --course) to everyone, due in --due-days days,
     so that every row it writes is due soon: its time, rows written and queries;
  b. assignments.reminders.reminders_send over those rows, in batches of --batch-size: its
     time, reminders and emails claimed and sent (to benchkit/discard_email.py, which
     serialises each message and drops it: nothing leaves the machine), and the queries of
     each batch (first and last, fewest and most), then a second run, which must send none;
  c. the compliance page (/reports/compliance/, as the demo CTO office) and the course's
     learner list (/reports/courses/<id>/learners/, as the demo training lead who owns the
     course) under --concurrency users, against gunicorn with production settings: p50/p95
     server time from gunicorn's access log (%(D)s), client latency beside it.

a and b run one after the other in one Django process of their own (benchkit/
assignments_worker.py), each timed inside it, which then also signs in the two readers of c
and collects the static files. Prints one JSON object on stdout; progress goes to stderr. A
piece of required training missing from the checkout stops the run with a message naming
it; so does the seeded database being in use (a seed under way), which is left alone.
"""

import argparse
import html
import http.client
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import analytics_scale
from benchkit import infra
from benchkit.page_load import AccessLog, load, settle, summary
from benchkit.xapi_load import ms

WORKER = str(Path(__file__).resolve().parent / "benchkit" / "assignments_worker.py")
CTO_OFFICE = analytics_scale.CTO_OFFICE
TRAINING_LEAD = "training.lead@example.org"  # the demo persona who owns the demo courses
DISCARD = "benchkit.discard_email.EmailBackend"
# The server sends no email in these pages; should it try (an error report), it stays here.
SERVER_EMAIL = "django.core.mail.backends.locmem.EmailBackend"
GOALS = {"assign_seconds": 30, "remind_seconds": 60, "server_p95_ms": 300}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=10, help="simultaneous users")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--batch-size", type=int, default=1000, help="reminder rows per batch")
    parser.add_argument("--due-days", type=int, default=2, help="days until the due date")
    parser.add_argument("--course", type=int, help="the course's page id (default: most enrolled)")
    parser.add_argument(
        "--workers",
        type=int,
        default=infra.default_workers(),
        help="gunicorn workers (default: cores + 1)",
    )
    parser.add_argument("--reseed", action="store_true", help="rebuild the seeded database")
    parser.add_argument("--drop", action="store_true", help="drop the seeded database at the end")
    parser.add_argument(
        "--database", default=analytics_scale.DATABASE, help="the seeded lms_bench_* database"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="100 learners, on a copy of a seed kept for smoke runs"
    )
    args = parser.parse_args()
    if args.smoke:
        args.learners, args.requests, args.concurrency, args.workers = 100, 4, 2, 1
        # Batches of 25 over about 100 rows: several batches, to compare their queries.
        args.batch_size, args.reseed, args.drop = 25, False, False
        args.database = analytics_scale.smoke_seed_name(args)
    if args.learners < 100:
        parser.error("--learners must be at least 100")
    if not 1 <= args.due_days <= 3:
        # The default reminder settings remind 14 and 3 days ahead: within 3 days every row is
        # due soon with the same (nearest) reminder, whichever day the run starts.
        parser.error("--due-days must be from 1 to 3")
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if not args.database.startswith("lms_bench_"):
        parser.error("--database must be an lms_bench_* name")
    return args


# -- the organisation -------------------------------------------------------------------------


def prepare(args, env: dict, log_path: Path) -> dict:
    """The seeded organisation: analytics_scale's own database and prepare step."""
    busy = connections_to(args.database)
    if busy:
        # Most likely a seed under way: preparing would take it for a failed one and start
        # again, and a copy cannot be made while anyone is connected.
        raise RuntimeError(
            f"{busy} connection(s) to {args.database}: is it being seeded? Try again when "
            "they have ended"
        )
    return analytics_scale.prepare_database(
        argparse.Namespace(
            learners=args.learners, seed=args.seed, reseed=args.reseed, database=args.database
        ),
        env,
        log_path,
    )


def connections_to(name: str) -> int:
    with infra.admin_connection() as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [infra.checked_name(name)]
        ).fetchone()[0]


# -- a and b: assigning and reminding ---------------------------------------------------------


def measure_in_django(args, env: dict, log_path: Path) -> dict:
    """a and b, with what c needs from Django, in one process (benchkit/assignments_worker.py)."""
    infra.log(
        "one process: the assignment to everyone, then reminders in batches of "
        f"{args.batch_size}, twice"
    )
    machine = infra.machine_load()
    command = [
        infra.PYTHON,
        WORKER,
        "--by",
        CTO_OFFICE,
        "--reader",
        TRAINING_LEAD,
        "--due-days",
        str(args.due_days),
        "--batch-size",
        str(args.batch_size),
        *(["--course", str(args.course)] if args.course else []),
    ]
    run = infra.run_measured(command, env, log_path)
    result = json.loads(run["output"].strip().splitlines()[-1])
    made, sent = result["assign"], result["remind"]
    course = result["organisation"]["course"]
    infra.log(
        f"  course {course['id']} ({course['title']}): {course['enrolments']} enrolled; "
        f"{result['organisation']['people_in_post']} people in post"
    )
    infra.log(
        f"  assign: {made['rows_created']} rows in {made['seconds']} s, {made['queries']} queries"
    )
    first, per_batch = sent["first"], sent["first"]["per_batch"]
    infra.log(
        f"  remind: {first['counts']} in {first['seconds']} s; queries per batch first "
        f"{per_batch.get('queries_first')}, last {per_batch.get('queries_last')}; again: "
        f"{sent['again']['counts']} in {sent['again']['seconds']} s"
    )
    result["process"] = {
        "command": "benchmarks/benchkit/assignments_worker.py",
        "seconds": round(run["seconds"], 2),
        "peak_rss_mb": run["peak_rss_mb"],
        "cpu_seconds": run["cpu_seconds"],
        "collect_static_seconds": result.pop("collect_static_seconds"),
        "machine_before": machine,
    }
    return result


# -- c. the report pages ----------------------------------------------------------------------


def first_request(port: int, cookie: str, path: str, who: str) -> tuple[str, float]:
    """One GET by a new connection: the page's text and the client's time; not 200 stops."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        began = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        body = response.read().decode(errors="replace")
        took = time.perf_counter() - began
    finally:
        conn.close()
    if response.status != 200:
        hint = " (is the page in this checkout?)" if response.status == 404 else ""
        raise RuntimeError(f"GET {path} as {who} answered {response.status}{hint}")
    return body, took


def measure_pages(args, env: dict, measured: dict, work: Path, stack) -> dict:
    course, sessions = measured["organisation"]["course"], measured["sessions"]
    pages = {
        "compliance": (CTO_OFFICE, "/reports/compliance/"),
        "learners": (TRAINING_LEAD, f"/reports/courses/{course['id']}/learners/"),
    }
    cookies = {
        "compliance": sessions["cto_office"]["cookie"],
        "learners": sessions["training_lead"]["cookie"],
    }
    access_path = work / "access.log"
    port = infra.free_port()
    server = infra.start_gunicorn(
        stack,
        {**env, "EMAIL_BACKEND": SERVER_EMAIL},
        port,
        args.workers,
        work / "gunicorn.log",
        extra=[
            "--access-logfile",
            str(access_path),
            "--access-logformat",
            analytics_scale.ACCESS_FORMAT,
        ],
        collected=True,
    )
    log = AccessLog(access_path)
    settle(log, 1)  # the /xapi/about that start_gunicorn polled
    result: dict = {
        "server": f"gunicorn, {args.workers} sync workers, lms.settings.production",
        "timing": "server_ms from gunicorn's access log (%(D)s); client_ms is latency on "
        "loopback, which with more users than workers includes waiting for a worker",
        "pages": {},
    }
    title = html.escape(course["title"])
    for name, (email, path) in pages.items():
        body, took = first_request(port, cookies[name], path, email)
        served = settle(log, 1)
        result["pages"][name] = {
            "path": path,
            "signed_in_as": email,
            "bytes": len(body.encode()),
            "names_the_course": title in body,
            "first_request": {
                "server_ms": ms(served[0]["seconds"]) if served else None,
                "client_ms": ms(took),
            },
        }
        infra.log(f"{path}: first request {took * 1000:.0f} ms")
    # Every worker renders each page before the timed requests, so the figures are those of a
    # server that has been up for a while.
    for name, (_, path) in pages.items():
        load(port, cookies[name], path, args.workers, args.workers * 3)
    settle(log, len(pages) * args.workers * 3)
    for name, (_, path) in pages.items():
        infra.log(f"{path}: {args.requests} requests from {args.concurrency} users")
        machine = infra.machine_load()
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        began = time.monotonic()
        outcomes = load(port, cookies[name], path, args.concurrency, args.requests)
        wall = time.monotonic() - began
        used = resource.getrusage(resource.RUSAGE_SELF)
        lines = settle(log, len(outcomes))
        bad = [o for o in outcomes if o[0] != 200] + [x for x in lines if x["status"] != 200]
        if bad:
            raise RuntimeError(f"GET {path}: {len(bad)} answers were not 200: {bad[:3]}")
        warm = summary([o[2] for o in outcomes], [x["seconds"] for x in lines])
        warm.update(
            requests_per_s=round(len(outcomes) / wall, 1),
            client_cpu_seconds=round(
                used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime, 2
            ),
            machine_before=machine,
        )
        result["pages"][name]["warm"] = warm
        infra.log(
            f"  server p50 {warm['server_ms']['p50']} ms, p95 {warm['server_ms']['p95']} ms; "
            f"client p95 {warm['client_ms']['p95']} ms"
        )
    result["gunicorn_memory"] = infra.gunicorn_workers_memory(server.pid)
    server.stop()
    return result


# -- the run ----------------------------------------------------------------------------------


def goals(report: dict) -> dict:
    made, sent = report["assign"], report["remind"]["first"]
    per_batch = sent["per_batch"]
    return {
        "assign_to_everyone_under_30_s": made["seconds"] < GOALS["assign_seconds"],
        "reminders_under_60_s": sent["seconds"] < GOALS["remind_seconds"],
        # The first batch also reads the settings and each assigned page's address once.
        "reminder_queries_constant_per_batch": bool(per_batch)
        and per_batch["all_but_the_first_equal"],
        "report_pages_warm_server_p95_under_300_ms": all(
            page["warm"]["server_ms"]["p95"] < GOALS["server_p95_ms"]
            for page in report["pages"]["pages"].values()
        ),
    }


def main() -> None:
    args = parse_args()
    began = time.monotonic()
    report: dict = {
        "benchmark": "assignments_scale",
        "smoke": args.smoke,
        "parameters": {
            "learners": args.learners,
            "seed": args.seed,
            "concurrency": args.concurrency,
            "requests": args.requests,
            "batch_size": args.batch_size,
            "due_days": args.due_days,
            "gunicorn_workers": args.workers,
            "database": args.database,
        },
        "machine": {"start": infra.machine_load()},
    }
    with infra.cleanup_on_exit() as stack:
        if args.drop:
            stack.callback(infra.drop_database, args.database)
        work = Path(tempfile.mkdtemp(prefix="lms-bench-assignments-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        log_path = work / "commands.log"
        copy = (
            infra.smoke_name("lms_bench_assignments")
            if args.smoke
            else f"{args.database}_assignments"
        )
        infra.log(f"copying {args.database} to {copy} (every measurement runs on the copy)")
        stack.callback(infra.drop_database, copy)
        if args.smoke:
            # The analytics benchmark's smoke seed, shared (the same organisation at full scale).
            report["seed"] = analytics_scale.smoke_seed_copy(args, copy, log_path)
            copy_seconds = report["seed"].pop("copy_seconds")
        else:
            env = {
                **infra.production_env(infra.database_url(args.database)),
                "EMAIL_BACKEND": DISCARD,
            }
            report["seed"] = prepare(args, env, log_path)
            copied = time.monotonic()
            infra.copy_database(args.database, copy)
            copy_seconds = round(time.monotonic() - copied, 1)
        env = {**infra.production_env(infra.database_url(copy)), "EMAIL_BACKEND": DISCARD}
        report["database"] = {
            "kept": args.database if not args.drop else None,
            "measured_on": copy,
            "copy_seconds": copy_seconds,
        }
        measured = measure_in_django(args, env, log_path)
        for name in ("organisation", "assign", "remind", "process"):
            report[name] = measured[name]
        report["pages"] = measure_pages(args, env, measured, work, stack)
    report["goals"] = goals(report)
    report["machine"]["end"] = infra.machine_load()
    report["machine"]["note"] = (
        f"{os.cpu_count()} cores shared by PostgreSQL, the server, the load generator and any "
        "other process on the machine; load averages above show how busy it was"
    )
    report["seconds"] = round(time.monotonic() - began, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    infra.run_main(main)
