"""The Django side of benchmarks/analytics_scale.py, run as a subprocess like `manage.py shell`.

    python benchmarks/benchkit/analytics_worker.py info
    python benchmarks/benchkit/analytics_worker.py make FILE --count 10000 --seed 1
    python benchmarks/benchkit/analytics_worker.py compare FILE --batch 100 --rounds 2
    python benchmarks/benchkit/analytics_worker.py store FILE --batch 100
    python benchmarks/benchkit/analytics_worker.py session EMAIL
    python benchmarks/benchkit/analytics_worker.py clear-cache
    python benchmarks/benchkit/analytics_worker.py setting NAME
    python benchmarks/benchkit/analytics_worker.py collect-static
    python benchmarks/benchkit/analytics_worker.py serve

The settings and database come from the environment (DJANGO_SETTINGS_MODULE, DATABASE_URL),
as for manage.py. Each command prints one JSON object on stdout.

`serve` sets Django up once and then runs the commands sent on stdin (one JSON list of
arguments a line) one after the other, answering each with one line on stdout, {"ok",
"result"}: starting Django takes longer than the short commands (info, setting, session,
clear-cache, collect-static). The measured ones (make, compare, store) run in processes of
their own, so that their time and peak memory are theirs alone.
"""

import argparse
import json
import math
import os
import random
import resource
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

QUESTIONS_PER_CHECK = 3
SELF_ASSESSED_PER_PERSON = 5


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def info() -> dict:
    from accounts.models import User
    from analytics.demo.organisation import EMAIL_DOMAIN
    from analytics.models import Evidence, Proficiency
    from analytics.projection.rules import evidence_verbs
    from xapi.models import LearnerIdentity, Statement

    verbs = evidence_verbs()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    return {
        "site_url": settings.SITE_URL,
        "evidence_verbs": verbs,
        "statements": Statement.objects.count(),
        "statements_with_evidence_verbs": Statement.objects.filter(
            verb_id__in=verbs, voided=False
        ).count(),
        "synthetic_staff": User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count(),
        "learner_identities": LearnerIdentity.objects.count(),
        "evidence_rows": Evidence.objects.count(),
        "proficiency_rows": Proficiency.objects.count(),
        "database_mb": round(size / 2**20),
    }


def make(path: str, count: int, seed: int) -> dict:
    """New statements for existing synthetic people, about half self-assessments (answered in
    the self-assessment category) and half knowledge checks (answered questions, then passed
    with a level for the competency the check evidences), as the LMS records them."""
    from analytics.demo.organisation import EMAIL_DOMAIN
    from competencies.models import Competency, RoleRequirement
    from competencies.selectors import primary_framework
    from courses.models import CoursePage
    from organisations.models import Membership
    from xapi.models import LearnerIdentity
    from xapi.vocab import (
        ACTIVITY_TYPE_ASSESSMENT,
        ACTIVITY_TYPE_COURSE,
        ACTIVITY_TYPE_INTERACTION,
        ACTIVITY_TYPE_LESSON,
        VERB_ANSWERED,
        VERB_PASSED,
        activity_iri,
        category_self_assessment,
        extension_level_claimed,
    )

    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    framework = primary_framework()
    competencies = {c.pk: c for c in Competency.objects.filter(framework=framework)}
    by_role: dict[str, list[int]] = {}
    for role, competency in RoleRequirement.objects.filter(
        competency__framework=framework, department__isnull=True
    ).values_list("job_role__code", "competency_id"):
        by_role.setdefault(role, []).append(competency)
    names = dict(
        LearnerIdentity.objects.filter(user__email__endswith=f"@{EMAIL_DOMAIN}").values_list(
            "user_id", "account_name"
        )
    )
    people = [
        (str(names[user]), role)
        for user, role in Membership.objects.filter(
            user_id__in=names, job_role__isnull=False
        ).values_list("user_id", "job_role__code")
        if by_role.get(role)
    ]
    people.sort()
    if not people:
        raise SystemExit("no synthetic staff with a job role: run synthesize_org first")
    checks = [
        (course, target)
        for course in CoursePage.objects.live().prefetch_related("competency_targets")
        for target in course.competency_targets.all()
        if target.competency_id in competencies
    ]
    site = settings.SITE_URL
    now = datetime.now(UTC)

    def statement(actor, verb, target, definition, when, result=None, context=None):
        data = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "actor": actor,
            "verb": {"id": verb},
            "object": {"id": target, "definition": definition},
            "timestamp": when.isoformat().replace("+00:00", "Z"),
        }
        if result:
            data["result"] = result
        if context:
            data["context"] = context
        return data

    statements: list[dict] = []
    kinds = {"self_assessment": 0, "knowledge_check": 0}
    while len(statements) < count:
        name, role = rng.choice(people)
        actor = {"objectType": "Agent", "account": {"homePage": site, "name": name}}
        when = now - timedelta(minutes=rng.uniform(0, 60))
        if rng.random() < 0.5 or not checks:
            kinds["self_assessment"] += 1
            chosen = rng.sample(by_role[role], k=min(SELF_ASSESSED_PER_PERSON, len(by_role[role])))
            for competency_id in chosen:
                competency = competencies[competency_id]
                statements.append(
                    statement(
                        actor,
                        VERB_ANSWERED,
                        competency.iri,
                        {"name": {"en-GB": f"{competency.code} {competency.title}"}},
                        when,
                        result={"extensions": {extension_level_claimed(): rng.randint(0, 4)}},
                        context={
                            "contextActivities": {
                                "category": [{"id": category_self_assessment()}],
                                "other": [{"id": competency.iri}],
                            }
                        },
                    )
                )
        else:
            kinds["knowledge_check"] += 1
            course, target = rng.choice(checks)
            competency = competencies[target.competency_id]
            course_iri = activity_iri("course", course.activity_uuid)
            check_key = uuid.uuid5(uuid.NAMESPACE_URL, f"{course_iri}/{competency.code}")
            assessment_iri = activity_iri("assessment", check_key)
            lesson_iri = activity_iri("lesson", uuid.uuid5(check_key, "lesson"))
            registration = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            parents = [{"id": assessment_iri}, {"id": course_iri}]
            for n in range(QUESTIONS_PER_CHECK):
                right = rng.random() < 0.8
                statements.append(
                    statement(
                        actor,
                        VERB_ANSWERED,
                        activity_iri("interaction", uuid.uuid5(check_key, str(n))),
                        {"type": ACTIVITY_TYPE_INTERACTION},
                        when,
                        result={"response": "b" if right else "a", "success": right},
                        context={
                            "registration": registration,
                            "contextActivities": {"parent": parents},
                        },
                    )
                )
            statements.append(
                statement(
                    actor,
                    VERB_PASSED,
                    assessment_iri,
                    {"type": ACTIVITY_TYPE_ASSESSMENT},
                    when,
                    result={
                        "score": {"scaled": 1.0, "raw": 3, "min": 0, "max": 3},
                        "success": True,
                        "extensions": {extension_level_claimed(): target.level},
                    },
                    context={
                        "registration": registration,
                        "contextActivities": {
                            "parent": [
                                {"id": lesson_iri, "definition": {"type": ACTIVITY_TYPE_LESSON}},
                                {"id": course_iri, "definition": {"type": ACTIVITY_TYPE_COURSE}},
                            ],
                            "other": [{"id": competency.iri}],
                        },
                    },
                )
            )
    statements = statements[:count]
    Path(path).write_text(json.dumps(statements))
    return {
        "statements": len(statements),
        "people_to_choose_from": len(people),
        "self_assessments": kinds["self_assessment"],
        "knowledge_checks": kinds["knowledge_check"],
        "file": path,
    }


def batches_of(path: str, size: int) -> list[list[dict]]:
    statements = json.loads(Path(path).read_text())
    return [statements[i : i + size] for i in range(0, len(statements), size)]


def store_all(batches: list[list[dict]]) -> list[float]:
    from xapi.services import statements_store

    timings = []
    for batch in batches:
        began = time.perf_counter()
        statements_store(statements=batch, client=None)
        timings.append(time.perf_counter() - began)
    return timings


def evidence_for(batches: list[list[dict]]) -> int:
    from analytics.models import Evidence

    ids = [s["id"] for batch in batches for s in batch]
    return sum(
        Evidence.objects.filter(statement_id__in=ids[i : i + 5000]).count()
        for i in range(0, len(ids), 5000)
    )


def rolled_back_pass(batches: list[list[dict]], projection: bool) -> dict:
    """Store every batch (each statements_store in a savepoint) and roll all of it back."""
    from analytics.signals import connect
    from xapi.signals import statements_stored

    if not projection:
        statements_stored.disconnect(dispatch_uid="analytics-projection")
    try:
        listeners = len(statements_stored.receivers)
        with transaction.atomic():
            began = time.perf_counter()
            timings = store_all(batches)
            seconds = time.perf_counter() - began
            evidence = evidence_for(batches)
            transaction.set_rollback(True)
    finally:
        if not projection:
            connect()
    if bool(evidence) != projection:
        raise SystemExit(f"projection={projection} but {evidence} evidence rows were written")
    return {
        "projection": projection,
        "signal_receivers": listeners,
        "seconds": round(seconds, 3),
        "batch_ms_p50": round(percentile(timings, 0.5) * 1000, 1),
        "batch_ms_p95": round(percentile(timings, 0.95) * 1000, 1),
        "evidence_rows": evidence,
    }


def compare(path: str, size: int, rounds: int) -> dict:
    batches = batches_of(path, size)
    # Untimed first: connections, query plans and the tables' pages are warm for both.
    rolled_back_pass(batches[: max(1, len(batches) // 10)], projection=True)
    passes = []
    for _ in range(rounds):
        passes.append(rolled_back_pass(batches, projection=False))
        passes.append(rolled_back_pass(batches, projection=True))
    without = sorted(p["seconds"] for p in passes if not p["projection"])
    with_projection = sorted(p["seconds"] for p in passes if p["projection"])
    best_without, best_with = without[0], with_projection[0]
    return {
        "method": "the same batches, each statements_store in a savepoint of one transaction "
        "that is rolled back; the analytics receiver disconnected (dispatch_uid "
        "analytics-projection) for the runs without projection; alternating, best of each",
        "passes": passes,
        "seconds_without_projection": best_without,
        "seconds_with_projection": best_with,
        "projection_seconds": round(best_with - best_without, 3),
        "projection_share_of_total": round((best_with - best_without) / best_with, 3),
        "peak_rss_mb": peak_rss_mb(),
    }


def store(path: str, size: int) -> dict:
    batches = batches_of(path, size)
    began = time.perf_counter()
    timings = store_all(batches)  # every statements_store commits its own transaction
    seconds = time.perf_counter() - began
    evidence = evidence_for(batches)
    if not evidence:
        raise SystemExit("no evidence was projected from the stored statements")
    statements = sum(len(b) for b in batches)
    return {
        "statements": statements,
        "batches": len(batches),
        "seconds": round(seconds, 3),
        "statements_per_s": round(statements / seconds, 1),
        "batch_ms_p50": round(percentile(timings, 0.5) * 1000, 1),
        "batch_ms_p95": round(percentile(timings, 0.95) * 1000, 1),
        "batch_ms_max": round(max(timings) * 1000, 1),
        "evidence_rows_written": evidence,
        "peak_rss_mb": peak_rss_mb(),
    }


def session(email: str) -> dict:
    """A signed-in session for the account, as django.contrib.auth.login would store it."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User

    user = User.objects.get(email=email)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return {
        "cookie": settings.SESSION_COOKIE_NAME,
        "key": store.session_key,
        "permissions": sorted(p for p in user.get_all_permissions() if p.startswith("analytics")),
    }


def clear_cache() -> dict:
    from django.core.cache import cache

    cache.clear()
    return {"cleared": settings.CACHES["default"]["BACKEND"]}


def setting(name: str) -> dict:
    return {"value": getattr(settings, name)}


def collect_static() -> dict:
    from benchkit.commands import collect_static_if_stale

    collect_static_if_stale()
    return {"static_root": str(settings.STATIC_ROOT)}


def serve() -> None:
    """Run the commands read from stdin, one JSON list of arguments a line, in this process."""
    for line in sys.stdin:
        try:
            done = {"ok": True, "result": run(json.loads(line))}
        except Exception:
            traceback.print_exc()
            done = {"ok": False}
        print(json.dumps(done), flush=True)


def run(argv: list[str]) -> dict:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("info")
    maker = commands.add_parser("make")
    maker.add_argument("file")
    maker.add_argument("--count", type=int, default=10_000)
    maker.add_argument("--seed", type=int, default=1)
    for name in ("compare", "store"):
        command = commands.add_parser(name)
        command.add_argument("file")
        command.add_argument("--batch", type=int, default=100)
        if name == "compare":
            command.add_argument("--rounds", type=int, default=2)
    commands.add_parser("session").add_argument("email")
    commands.add_parser("clear-cache")
    commands.add_parser("setting").add_argument("name")
    commands.add_parser("collect-static")
    args = parser.parse_args(argv)
    if args.command == "info":
        result = info()
    elif args.command == "make":
        result = make(args.file, args.count, args.seed)
    elif args.command == "compare":
        result = compare(args.file, args.batch, args.rounds)
    elif args.command == "store":
        result = store(args.file, args.batch)
    elif args.command == "session":
        result = session(args.email)
    elif args.command == "setting":
        result = setting(args.name)
    elif args.command == "collect-static":
        result = collect_static()
    else:
        result = clear_cache()
    return result


def main() -> None:
    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        print(json.dumps(run(sys.argv[1:])))


if __name__ == "__main__":
    main()
