"""The seeded organisation the analytics and assignments --smoke runs measure on, seeded once
for the code as it stands and copied by every run.

Seeding the demo with 100 synthetic staff is most of either smoke run, and both seed the same
organisation (the assignments benchmark measures on the analytics benchmark's seed at full
scale too). So the seed is kept as `lms_bench_seeded_<hash>`, named for a hash of the
migrations and installed packages (the migrated template's key), the project's own files and
the seed's parameters: any change to what seeding could depend on gives a new name, and a run
never measures on an organisation older code seeded. Each run copies it to a database of its
own and drops that copy; the newest few seeds stay, as migrated templates do, for other
checkouts on the machine.

One lock (a PostgreSQL advisory lock) covers checking, building and copying, so runs that start
together share one build, and a seed is only ever seen complete (it is built under another name
and renamed).
"""

import hashlib
import json
import os
import time
from collections.abc import Callable

from benchkit import infra, migrated

PREFIX = "lms_bench_seeded_"
# Any constant other than the migrated templates' lock: it names the advisory lock around seeds.
ADVISORY_LOCK = 7_340_118
# Folders of the checkout that seeding cannot depend on (tests, documents, built or local files;
# hidden folders too: the repository, the virtualenv, tools' caches).
NOT_SEEDING = {
    "__pycache__",
    "build",
    "docs",
    "media",
    "node_modules",
    "static",
    "staticfiles",
    "test-results",
    "tests",
    "var",
}
# Files the checkout makes for itself: compiled catalogues and bytecode, local databases.
MADE_HERE = (".mo", ".pyc", ".sqlite3", ".egg-info")


def seeded_name(parameters: dict) -> str:
    """The kept seed's name for these seed parameters and the code as it stands."""
    digest = hashlib.sha256(migrated.migrations_key().encode())
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    for path in _project_files():
        digest.update(path.relative_to(infra.ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return infra.checked_name(f"{PREFIX}{digest.hexdigest()[:16]}")


def _project_files():
    for folder, subfolders, files in os.walk(infra.ROOT):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in NOT_SEEDING and not name.startswith(".") and not name.endswith(MADE_HERE)
        )
        for name in sorted(files):
            if not name.endswith(MADE_HERE):
                yield infra.ROOT.joinpath(folder, name)


def copy_of_seed(name: str, copy: str, seed: Callable[[str], dict]) -> dict:
    """A new database `copy` (any old one is dropped first) of the kept seed `name`, which
    `seed(url)` fills in a new migrated database first if it is missing, returning the note to
    keep with it. Returns that note, whether the seed was reused and the copy's seconds."""
    with infra.admin_connection() as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])
        try:
            reused = _exists(conn, name)
            if not reused:
                _build(conn, name, seed)
            copying = time.monotonic()
            infra.copy_database(name, copy, small=True)
            copy_seconds = round(time.monotonic() - copying, 1)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])
    return {**(infra.database_note(name) or {}), "reused": reused, "copy_seconds": copy_seconds}


def _exists(conn, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def _build(conn, name: str, seed: Callable[[str], dict]) -> None:
    building = infra.checked_name(f"{PREFIX}building_{os.getpid()}")
    infra.log(f"seeding a new kept seed, {name}")
    try:
        url = migrated.create_migrated_database(building)
        infra.write_database_note(building, seed(url))
        conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    except BaseException:
        conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        raise
    # As for the migrated templates: the newest few stay, and what a build that died left goes.
    migrated.drop_older(conn, PREFIX, name)
