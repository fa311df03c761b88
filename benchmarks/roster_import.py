"""HR roster import at scale: a first import, the same file again, then about 5% changes.

    python benchmarks/roster_import.py [--rows 100000] [--seed 1] [--changes 0.05]
                                       [--databases sqlite,postgres] [--smoke]

For each database it migrates a new one (a SQLite file in a temporary directory, or the
throwaway PostgreSQL database lms_bench_roster, dropped at the end); with DATABASE_URL set it
uses that database instead, which must be migrated and hold none of the generated staff. It
writes three rosters from --seed (the same seed gives the same files): the staff of a
generated organisation (departments in a tree, job roles, line managers, lead scopes, a few
leavers), the same file, and a copy with --changes of the people changed (moves, new line
managers, leavers, changed addresses, joiners and people gone from the file). Each phase runs
`manage.py import_roster FILE` in its own process with production settings, as an operator
would: wall time (Django's start included), rows/s, CPU and peak resident memory of that
process.

--smoke imports 500 rows into one new database of its own (PostgreSQL when DATABASE_URL
names it, SQLite otherwise), to try the script in seconds. Prints one JSON object on stdout.
"""

import argparse
import csv
import json
import os
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchkit import infra, migrated

DATABASE = "lms_bench_roster"
GOAL_SECONDS = 60
COLUMNS = (
    "employee_number",
    "email",
    "given_name",
    "family_name",
    "department_code",
    "department_name",
    "parent_department_code",
    "job_role_code",
    "job_role_name",
    "line_manager_employee_number",
    "leaving_date",
    "leads_department_codes",
)
GIVEN = ["Amara", "Jonas", "Mei", "Rafael", "Inès", "Tomasz", "Aisha", "Lars", "Wanjiru", "Diego"]
FAMILY = ["Okafor", "Berg", "Tanaka", "Souza", "Moreau", "Nowak", "Khan", "Jensen", "Kamau"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--changes", type=float, default=0.05, help="share of people changed")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="500 rows on one new database (PostgreSQL if DATABASE_URL names it, else SQLite)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.rows = 500
        args.databases = "postgres" if infra.smoke_uses_postgres() else "sqlite"
    return args


def organisation(rng: random.Random) -> tuple[list[dict], list[tuple[str, str]]]:
    """Departments (8 at the top, 5 below each) and 30 job roles."""
    departments = []
    for top in range(8):
        code = f"D{top}"
        departments.append({"code": code, "name": f"Directorate {top}", "parent": ""})
        for sub in range(5):
            departments.append(
                {"code": f"D{top}-{sub}", "name": f"Directorate {top} unit {sub}", "parent": code}
            )
    roles = [(f"role-{n}", f"Job role {n}") for n in range(30)]
    rng.shuffle(roles)
    return departments, roles


def staff(rows: int, seed: int) -> list[dict]:
    """People whose line managers come before them in the file, so there is no loop."""
    rng = random.Random(seed)  # noqa: S311 (deterministic test data, not secrets)
    departments, roles = organisation(rng)
    units = [d for d in departments if d["parent"]]
    described: set[str] = set()
    people = []
    for n in range(rows):
        department = departments[n] if n < len(departments) else rng.choice(units)
        role_code, role_name = rng.choice(roles)
        person = {
            "employee_number": f"E{100_000 + n}",
            "email": f"person{n}@bench.example.gov",
            "given_name": rng.choice(GIVEN),
            "family_name": rng.choice(FAMILY),
            "department_code": department["code"],
            "job_role_code": role_code,
        }
        if department["code"] not in described:  # the first person in it names it
            described.add(department["code"])
            person["department_name"] = department["name"]
            person["parent_department_code"] = department["parent"]
        if role_code not in described:
            described.add(role_code)
            person["job_role_name"] = role_name
        if n < len(departments):
            person["leads_department_codes"] = department["code"]
        if n > 0:
            person["line_manager_employee_number"] = f"E{100_000 + rng.randrange(max(1, n // 10))}"
        draw = rng.random()
        if draw < 0.01:
            person["leaving_date"] = "2020-03-31"
        elif draw < 0.03:
            person["leaving_date"] = "2099-03-31"
        people.append(person)
    return people


def changed(people: list[dict], share: float, seed: int) -> list[dict]:
    """A copy with `share` of the people changed in six ways, and a few joiners."""
    rng = random.Random(seed + 1)  # noqa: S311 (deterministic test data, not secrets)
    people = [dict(person) for person in people]
    units = sorted({p["department_code"] for p in people if "-" in p["department_code"]})
    chosen = rng.sample(range(48, len(people)), int(len(people) * share))
    gone = set()
    for index, n in enumerate(chosen):
        person, kind = people[n], index % 6
        if kind in (0, 1):
            person["department_code"] = rng.choice(units)
            person.pop("department_name", None)
            person.pop("parent_department_code", None)
        elif kind == 2:
            person["line_manager_employee_number"] = f"E{100_000 + rng.randrange(n // 10)}"
        elif kind == 3:
            person["leaving_date"] = "2021-06-30"
        elif kind == 4:
            person["email"] = f"renamed{n}@bench.example.gov"
        else:
            gone.add(person["employee_number"])
    managers = {
        p["line_manager_employee_number"] for p in people if p.get("line_manager_employee_number")
    }
    people = [p for p in people if p["employee_number"] not in gone - managers]
    for n in range(len(chosen) // 6):
        people.append(
            {
                "employee_number": f"N{n}",
                "email": f"joiner{n}@bench.example.gov",
                "given_name": "Joiner",
                "department_code": units[n % len(units)],
                "line_manager_employee_number": "E100000",
            }
        )
    return people


def write(path: Path, people: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(people)
    return path


def counts(output: str) -> dict[str, int]:
    """The command's own count of people by kind, and of those missing from the file."""
    lines = output.splitlines()
    people = next(line for line in lines if line.startswith("People:"))
    found = {kind: int(number) for number, kind in re.findall(r"(\d+) (\w+)", people)}
    missing = next((line for line in lines if line.startswith("Missing from the roster:")), "")
    found["missing"] = int(re.search(r"\d+", missing).group()) if missing else 0
    return found


def phase(path: Path, rows: int, env: dict[str, str]) -> dict:
    cmd = [infra.PYTHON, "manage.py", "import_roster", str(path), "--limit", "5"]
    measured = infra.run_measured(cmd, env)
    return {
        "seconds": round(measured["seconds"], 2),
        "rows_per_second": round(rows / measured["seconds"]),
        "cpu_seconds": measured["cpu_seconds"],
        "peak_rss_mb": measured["peak_rss_mb"],
        "people": counts(measured["output"]),
    }


def bench_database(kind: str, url: str, files: dict[str, tuple[Path, int]]) -> dict:
    # Production settings, as an operator runs it: DEBUG off (no query log held in memory).
    env = infra.production_env(url)
    infra.log(f"{kind}: migrating")
    infra.manage("migrate", "--noinput", env=env)
    result = {}
    for name, (path, rows) in files.items():
        infra.log(f"{kind}: {name} ({rows} rows)")
        result[name] = phase(path, rows, env)
        infra.log(f"{kind}: {name} took {result[name]['seconds']} s")
    return result


def main() -> None:
    args = parse_args()
    with infra.cleanup_on_exit() as stack:
        work = Path(tempfile.mkdtemp(prefix="roster-bench-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        people = staff(args.rows, args.seed)
        after = changed(people, args.changes, args.seed)
        files = {
            "first": (write(work / "roster.csv", people), len(people)),
            "rerun": (work / "roster.csv", len(people)),
            "changes": (write(work / "roster-changed.csv", after), len(after)),
        }
        database = infra.smoke_name(DATABASE) if args.smoke else DATABASE
        if os.environ.get("DATABASE_URL") and not args.smoke:
            targets = {"given": os.environ["DATABASE_URL"]}
        else:
            targets = {}
            for kind in args.databases.split(","):
                if kind == "sqlite":
                    targets[kind] = migrated.copy_migrated_sqlite(work / "roster.sqlite3")
                elif kind == "postgres":
                    targets[kind] = migrated.create_migrated_database(database)
                    stack.callback(infra.drop_database, database)
                else:
                    raise SystemExit(f"Unknown database {kind!r}: use sqlite or postgres.")
        results = {kind: bench_database(kind, url, files) for kind, url in targets.items()}
    print(
        json.dumps(
            {
                "smoke": args.smoke,
                "rows": args.rows,
                "seed": args.seed,
                "changes": args.changes,
                "databases": results,
                "goal": f"{args.rows} rows imported in under {GOAL_SECONDS} s",
                "goal_met": all(r["first"]["seconds"] < GOAL_SECONDS for r in results.values()),
                "cpus": os.cpu_count(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    infra.run_main(main)
