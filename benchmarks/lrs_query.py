"""Query: GET /xapi/statements latency over a large store, beside PostgreSQL's own time.

    python benchmarks/lrs_query.py [--statements 1000000] [--samples 200] [--reseed]

With --statements statements in a throwaway PostgreSQL database (lms_bench_query), it times
GET /xapi/statements against gunicorn (production settings) filtered
  (a) by agent, (b) by verb and activity, (c) by activity with related_activities=true,
each for a value that fills a page and for rare values. Beside each, it times the SQL that
`xapi.selectors.statements_page(StatementQuery(...), raw=True)` really executes for that page
(what the view runs for the default exact format: for these filters the walk of a side table
in statement order, `_page_seqs`, then the fetch of those statements as text, plus the
StatementTargetMatch look-up a verb filter makes), captured with `connection.execute_wrapper`
and replayed statement by statement with psycopg, their times summed. It shows EXPLAIN
(ANALYZE, BUFFERS) of each statement, flagging any plan that scans a statement table.

Seeding is slow, so the database is kept between runs and reused when it holds exactly
--statements statements from this generator; --reseed rebuilds it and --drop removes it at
the end. The first batch always goes through `xapi.services.statements_store` (it also
records the activity definitions); the rest does too when that can seed everything within
--seed-budget minutes, otherwise the same rows are written with COPY (see `copy_batch`).
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import io
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchkit import infra, migrated
from benchkit.commands import collect_static_if_stale
from benchkit.query_plan import explain_all, time_direct
from benchkit.xapi_load import (
    StatementMaker,
    World,
    XapiClient,
    make_activity,
    ms,
    percentile,
)

DATABASE = "lms_bench_query"
# Bump when the generated data changes, so a database seeded by an older script is rebuilt.
GENERATOR = "lrs_query/2"
BATCH = 5_000
VOIDED_SHARE = 1 / 200  # one statement in 200 is voided (a voiding statement is added for it)
PLANTED = 3  # statements behind each rare filter value


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200, help="timed requests per query")
    parser.add_argument(
        "--warmup",
        type=int,
        default=None,
        help="untimed requests per query first (default: samples / 10, >= 3)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=0,
        help="limit parameter to send; 0 sends none (the LRS's page of 500)",
    )
    parser.add_argument("--reseed", action="store_true", help="rebuild the database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--seed-method", choices=["auto", "service", "copy"], default="auto")
    parser.add_argument(
        "--seed-budget",
        type=float,
        default=15,
        help="minutes seeding may take through statements_store (auto)",
    )
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--database", default=DATABASE, help="an lms_bench_* name, to keep several sizes"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="1,000 statements, 2 samples, a database of its own"
    )
    args = parser.parse_args()
    if args.smoke:
        args.statements, args.samples, args.warmup, args.learners = 1_000, 2, 1, 50
        args.workers = 1
        args.seed_method, args.reseed, args.drop = "service", True, True
        args.database = infra.smoke_name(DATABASE)
    if args.statements < 1_000:
        parser.error("--statements must be at least 1000")
    if not args.database.startswith("lms_bench_"):
        parser.error("--database must be an lms_bench_* name")
    if args.warmup is None:
        args.warmup = max(3, args.samples // 10)
    return args


# -- the data -----------------------------------------------------------------------------------


class Dataset:
    """The world, plus the rare values planted in the very first batch: the oldest rows,
    which a backward walk of the table in seq order meets last (the worst case)."""

    def __init__(self, learners: int):
        self.world = World(learners=learners)
        self.rare_learner = learners + 1  # never drawn by the generator
        self.popular_lesson = self.world.by_course[0]["lesson"][0]
        self.rare_course = make_activity("course", "archived", "Archived course")
        self.rare_lesson = make_activity("lesson", "archived/0", "Archived course, lesson 1")
        self.rare_lesson.course = self.rare_course

    def first_batch(self, maker: StatementMaker) -> list[dict]:
        planted = [
            maker.statement(learner=self.rare_learner, verb="waived", activity=self.popular_lesson)
            for _ in range(PLANTED)
        ]
        planted += [
            maker.statement(
                learner=self.rare_learner, verb="experienced", activity=self.rare_lesson
            )
            for _ in range(PLANTED)
        ]
        # One statement about every activity, so every definition is recorded by the service.
        verb_for = {
            "course": "registered",
            "lesson": "experienced",
            "assessment": "passed",
            "cmi.interaction": "answered",
        }
        catalogue = [
            maker.statement(verb=verb_for[a.kind], activity=a) for a in self.world.all_activities()
        ]
        return planted + catalogue


def seed(args, data: Dataset, psql_url: str) -> dict:
    """Store args.statements statements (voiding statements included); returns how."""
    from django.db import connection

    from xapi.services import lrs_client_upsert, statements_store

    client, _ = lrs_client_upsert(
        name="bench-seed", key="bench-seed", secret=secrets.token_urlsafe(16), scopes=["all"]
    )
    maker = StatementMaker(data.world, seed=11)
    voids = int(args.statements * VOIDED_SHARE)
    plain = args.statements - voids
    every = max(1, (plain - 200) // max(voids, 1))  # void every n-th generated statement
    generated = voided = 0
    pending: list[str] = []  # chosen from the last batch, voided after the next one
    began = time.monotonic()
    method, copier = args.seed_method, None
    stored = {"service": 0, "copy": 0}
    spent = {"service": 0.0, "copy": 0.0}  # seconds inside statements_store / COPY
    batch = data.first_batch(maker)  # planted and catalogue statements go first, by service
    while stored["service"] + stored["copy"] < plain:
        fresh = [
            maker.statement()
            for _ in range(min(BATCH, plain - stored["service"] - stored["copy"]) - len(batch))
        ]
        chosen = []
        for statement in fresh:
            generated += 1
            if generated % every == 0 and voided + len(pending) + len(chosen) < voids:
                chosen.append(statement["id"])
        batch += fresh
        way = "copy" if stored["service"] and method == "copy" else "service"
        started = time.monotonic()
        if way == "service":
            statements_store(statements=batch, client=client, version="1.0.3")
        else:
            copier = copier or Copier(psql_url, client)
            copier.copy_batch(batch)
        spent[way] += time.monotonic() - started
        stored[way] += len(batch)
        # Corrections trickle in as the store grows, so voiding statements are spread through
        # it as in real use. They always go through the service: it voids the targets and
        # copies their filter values onto the voiding statement (xapi/targeting.py).
        voided += void(pending, maker, client)
        batch, pending = [], chosen
        done, elapsed = stored["service"] + stored["copy"], time.monotonic() - began
        if method == "auto" and done >= min(20_000, plain) and done < plain:
            # At the rate seen so far (it falls as the tables grow), can the service finish
            # within the budget? If not, COPY writes the rest.
            projected = elapsed / done * plain
            if projected > args.seed_budget * 60:
                method = "copy"
                infra.log(
                    f"statements_store: {stored['service'] / spent['service']:.0f} "
                    f"statements/s, {projected / 60:.1f} min for the whole seed: "
                    f"COPY writes the rest"
                )
        if done % 50_000 < BATCH:
            infra.log(f"seeded {done + voided} of {args.statements} ({done / elapsed:.0f}/s)")
    voided += void(pending, maker, client)
    if copier is not None:
        copier.close()
    connection.close()
    return {
        "method": "statements_store"
        if not stored["copy"]
        else f"statements_store for the first {stored['service']} and the voiding statements, "
        "COPY (same rows, see Copier) for the rest",
        "through_statements_store": stored["service"] + voided,
        "through_copy": stored["copy"],
        "voided": voided,
        "statements_store_rate_per_s": round(stored["service"] / spent["service"], 1),
        "copy_rate_per_s": round(stored["copy"] / spent["copy"], 1) if stored["copy"] else None,
        "seconds": round(time.monotonic() - began, 1),
    }


def void(targets: list[str], maker: StatementMaker, client) -> int:
    from xapi.services import statements_store

    if targets:
        statements_store(
            statements=[maker.voiding(t) for t in targets], client=client, version="1.0.3"
        )
    return len(targets)


class Copier:
    """Writes statements exactly as `statements_store` would (xapi/services.py `_insert`):
    the Statement row with the prepared data (id, stored, authority, version), one
    StatementAgent row per agent key and one StatementActivity row per activity id, both
    from the same functions the service uses (xapi/agents.py). Plain statements only: no
    StatementRef objects (no StatementTargetMatch rows), no attachments, no forwarding
    endpoints (so no outbox rows), and every activity definition is already recorded.
    It does not send `xapi.signals.statements_stored`, so whatever listeners derive from
    statements (the analytics projection) is not written: the LRS queries never read it."""

    def __init__(self, psql_url: str, client):
        import psycopg

        from xapi.models import Statement

        self.conn = psycopg.connect(psql_url, autocommit=True)  # transactions made explicit
        self.client = client
        # seq values come from the table's own sequence, so that statements_store can write
        # between two COPY batches without a clash.
        table = Statement._meta.db_table
        self.nextval = f"SELECT nextval(pg_get_serial_sequence('{table}', 'seq'))"

    def copy_batch(self, statements: list[dict]) -> None:
        from xapi.agents import statement_activity_refs, statement_agent_refs
        from xapi.models import Statement, StatementActivity, StatementAgent

        stored = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        rows, agents, activities = [], [], []
        seqs = self.conn.execute(
            f"{self.nextval} FROM generate_series(1, %s)", [len(statements)]
        ).fetchall()
        for (seq,), statement in zip(seqs, statements, strict=True):
            data = {
                **statement,
                "stored": stored,
                "authority": self.client.authority,
                "version": "1.0.0",
            }
            rows.append(
                (
                    seq,
                    data["id"],
                    json.dumps(data),
                    data["verb"]["id"],
                    None,
                    data.get("context", {}).get("registration"),
                    data["timestamp"],
                    stored,
                    False,
                    self.client.pk,
                )
            )
            agents += [(seq, k, p) for k, p in statement_agent_refs(data).items()]
            activities += [(seq, a, p) for a, p in statement_activity_refs(data).items()]
        with self.conn.transaction(), self.conn.cursor() as cur:
            _copy(
                cur,
                Statement,
                [
                    "seq",
                    "statement_id",
                    "data",
                    "verb_id",
                    "object_statement_id",
                    "registration",
                    "timestamp",
                    "stored",
                    "voided",
                    "client",
                ],
                rows,
            )
            _copy(cur, StatementAgent, ["statement", "agent_key", "principal"], agents)
            _copy(cur, StatementActivity, ["statement", "activity_id", "principal"], activities)

    def close(self) -> None:
        self.conn.close()


def _copy(cur, model, fields: list[str], rows: list[tuple]) -> None:
    columns = ", ".join(model._meta.get_field(f).column for f in fields)
    with cur.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# -- the queries --------------------------------------------------------------------------------


def query_cases(data: Dataset) -> list[dict]:
    world, verbs = data.world, "http://adlnet.gov/expapi/verbs"
    popular_course = world.course_list[0]
    return [
        {"name": "agent, frequent", "filter": "agent", "agent": world.learner(0)},
        {"name": "agent, rare", "filter": "agent", "agent": world.learner(data.rare_learner)},
        {
            "name": "verb+activity, frequent",
            "filter": "verb+activity",
            "verb": f"{verbs}/experienced",
            "activity": data.popular_lesson.iri,
        },
        {
            "name": "verb+activity, rare verb",
            "filter": "verb+activity",
            "verb": "https://w3id.org/xapi/adl/verbs/waived",
            "activity": data.popular_lesson.iri,
        },
        {
            "name": "verb+activity, rare activity",
            "filter": "verb+activity",
            "verb": f"{verbs}/experienced",
            "activity": data.rare_lesson.iri,
        },
        {
            "name": "related_activities, frequent",
            "filter": "related_activities",
            "activity": popular_course.iri,
            "related_activities": True,
        },
        {
            "name": "related_activities, rare",
            "filter": "related_activities",
            "activity": data.rare_course.iri,
            "related_activities": True,
        },
    ]


def url_for(case: dict, limit: int) -> str:
    params = {}
    if "agent" in case:
        params["agent"] = json.dumps(case["agent"], separators=(",", ":"))
    for name in ("verb", "activity"):
        if name in case:
            params[name] = case[name]
    if case.get("related_activities"):
        params["related_activities"] = "true"
    if limit:
        params["limit"] = str(limit)
    return "/xapi/statements?" + urllib.parse.urlencode(params)


def page_sql(case: dict, limit: int) -> tuple[list[str], int, int]:
    """The SQL statements `statements_page(query, raw=True)` executes for the first page, as
    the view builds the query for this request (literal, as Django sends them: Django binds
    parameters on the client), the page size, and how many statements match.

    They are captured from a real call in this process, so whatever the LRS's selectors do
    (a side-table walk in statement order and then a fetch of those statements, a
    StatementTargetMatch look-up for a verb, ...) is what gets timed directly."""
    from django.db import connection

    from xapi.agents import agent_key
    from xapi.selectors import StatementQuery, statements_matching, statements_page

    query = StatementQuery(
        agent_key=agent_key(case["agent"]) if "agent" in case else None,
        verb_id=case.get("verb"),
        activity_id=case.get("activity"),
        related_activities=case.get("related_activities", False),
        limit=limit,
    )
    matching = statements_matching(query).count()
    captured: list[str] = []

    def capture(execute, sql, params, many, context):
        captured.append(connection.ops.compose_sql(sql, params) if params else sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        rows, _following = statements_page(query, raw=True)
    if len(rows) != min(matching, query.page_size):
        raise RuntimeError(f"statements_page returned {len(rows)} rows for {case['name']}")
    return captured, query.page_size, matching


def time_http(client: XapiClient, path: str, warmup: int, samples: int, expect: int) -> list:
    timings = []
    for n in range(warmup + samples):
        began = time.perf_counter()
        status, body = client.request("GET", path)
        took = time.perf_counter() - began
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
        if n == 0 and len(json.loads(body)["statements"]) != expect:
            raise RuntimeError(f"GET {path} returned the wrong number of statements")
        if n >= warmup:
            timings.append(took)
    return timings


def migrate_here() -> None:
    """Django in this process (it seeds and captures SQL with it), and `migrate` run here:
    starting Django again in a process of its own would take longer than the command."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())


def prepare_database(args, data: Dataset, env: dict) -> dict:
    """Reuse the seeded database if it matches, else build it; returns how it was seeded."""
    database = args.database
    note = infra.database_note(database) if infra.database_exists(database) else None
    wanted = {"statements": args.statements, "learners": args.learners, "generator": GENERATOR}
    if note and not args.reseed and all(note.get(k) == v for k, v in wanted.items()):
        migrate_here()  # picks up new migrations (indexes)
        from xapi.models import Statement

        if Statement.objects.count() == args.statements:
            infra.log(f"reusing {database} ({args.statements} statements)")
            return {**note, "reused": True}
        from django.db import connections

        connections.close_all()
    infra.log(f"creating {database} and seeding {args.statements} statements")
    migrated.create_migrated_database(database)
    try:
        migrate_here()
        how = seed(args, data, env["DATABASE_URL"].replace("postgres://", "postgresql://", 1))
        from django.db import connection

        from xapi.models import Statement

        with connection.cursor() as cursor:
            infra.log("VACUUM ANALYZE")
            cursor.execute("VACUUM ANALYZE")
        stored = Statement.objects.count()
        if stored != args.statements:
            raise RuntimeError(f"seeded {stored} statements, not {args.statements}")
        note = {**wanted, **how, "seeded_at": datetime.now(UTC).isoformat(timespec="seconds")}
        infra.write_database_note(database, note)
        return {**note, "reused": False}
    except BaseException:
        from django.db import connections

        connections.close_all()
        infra.drop_database(database)  # half a seed is no use to the next run
        raise


def main() -> None:
    args = parse_args()
    began = time.monotonic()
    data = Dataset(args.learners)
    env = infra.production_env(infra.database_url(args.database))
    os.environ.update(env)  # the ORM in this process (seeding, SQL capture) uses it too
    sys.path.insert(0, str(infra.ROOT))
    report: dict = {
        "benchmark": "lrs_query",
        "smoke": args.smoke,
        "parameters": {
            "statements": args.statements,
            "samples": args.samples,
            "warmup": args.warmup,
            "limit": args.limit or "not sent (LRS default page)",
            "learners": args.learners,
            "gunicorn_workers": args.workers,
            "database": args.database,
        },
    }
    with infra.cleanup_on_exit() as stack:
        if args.drop:
            stack.callback(infra.drop_database, args.database)
        report["seed"] = prepare_database(args, data, env)
        import psycopg
        from django.core.management import call_command
        from django.db import connection
        from psycopg.types.string import TextLoader

        from xapi.models import Statement, StatementActivity, StatementAgent, StatementTargetMatch

        models = (Statement, StatementAgent, StatementActivity, StatementTargetMatch)
        key, secret = "bench-query", secrets.token_urlsafe(24)
        call_command(
            "create_lrs_client",
            "bench-query",
            "--key",
            key,
            f"--secret={secret}",
            "--scopes",
            "all",
            stdout=io.StringIO(),
        )
        collect_static_if_stale()
        work = Path(tempfile.mkdtemp(prefix="lms-bench-query-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        port = infra.free_port()
        infra.start_gunicorn(stack, env, port, args.workers, work / "gunicorn.log", collected=True)
        client = XapiClient("127.0.0.1", port, key, secret)
        stack.callback(client.close)
        direct = psycopg.connect(
            env["DATABASE_URL"].replace("postgres://", "postgresql://", 1), autocommit=True
        )
        stack.callback(direct.close)
        direct.adapters.register_loader("jsonb", TextLoader)  # as Django reads jsonb
        count_sql = "SELECT count(*) FROM {}"  # table names are the models' own
        tables = {
            m._meta.db_table: direct.execute(count_sql.format(m._meta.db_table)).fetchone()[0]
            for m in models
        }
        report["table_rows"] = tables
        results = []
        for case in query_cases(data):
            statements, page_size, matching = page_sql(case, args.limit)
            path = url_for(case, args.limit)
            infra.log(
                f"{case['name']}: {matching} matching, {len(statements)} SQL statements "
                "per page; timing HTTP and SQL"
            )
            http = time_http(client, path, args.warmup, args.samples, min(matching, page_size))
            sql_times, each = time_direct(direct, statements, args.warmup, args.samples)
            plan_summary, plans = explain_all(direct, statements, tables)
            infra.log(f"plans for {case['name']}:\n{plan_summary['plan']}")
            h50, h95 = percentile(http, 0.5), percentile(http, 0.95)
            d50, d95 = percentile(sql_times, 0.5), percentile(sql_times, 0.95)
            results.append(
                {
                    "name": case["name"],
                    "filter": case["filter"],
                    "matching": matching,
                    "returned": min(matching, page_size),
                    "request": path,
                    "http_ms": {"p50": ms(h50), "p95": ms(h95)},
                    "sql_ms": {"p50": ms(d50), "p95": ms(d95)},
                    "ratio_p50": round(h50 / d50, 2),
                    "ratio_p95": round(h95 / d95, 2),
                    # What the request adds to the query (auth, two more queries, JSON):
                    # for small pages it dwarfs the query, so the ratio alone misleads.
                    "http_overhead_ms_p50": ms(h50 - d50),
                    "explain": plan_summary,
                    # All the statements of the page, in the order statements_page runs them.
                    "sql": ";\n".join(statements),
                    "sql_statements": [
                        {
                            "sql": sql,
                            "ms": {
                                "p50": ms(percentile(times, 0.5)),
                                "p95": ms(percentile(times, 0.95)),
                            },
                            "explain": {k: v for k, v in plan.items() if k != "plan"},
                        }
                        for sql, times, plan in zip(statements, each, plans, strict=True)
                    ],
                }
            )
        connection.close()
    report["queries"] = results
    report["goals"] = {
        "p95_within_5x_of_sql": all(r["ratio_p95"] <= 5 for r in results),
        "no_table_scans": not any(r["explain"]["scans_table"] for r in results),
    }
    report["database_kept"] = not args.drop
    report["seconds"] = round(time.monotonic() - began, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    infra.run_main(main)
