"""Throwaway databases that start out migrated, copied from a template built once.

Migrating an empty database from the first migration takes a Django process most of a
minute on this machine, and every --smoke run needs a new database, so a template is
migrated once and each new database is a copy of it: a file copy for SQLite, `CREATE
DATABASE ... TEMPLATE` for PostgreSQL. The template is named for a hash of everything the
migrations are made of (our migration files and the installed packages, whose own
migrations come with them), so a changed migration gets a new template; older ones are
dropped, all but a few that other checkouts on the machine may be using. The caller still
runs `migrate` on the copy, as on any existing database: it normally has nothing to apply,
but it runs the post-migrate receivers of the current code, whose results no hash of
migration files could vouch for.

Several runs may want a template at the same moment: one lock (a PostgreSQL advisory lock,
or a lock file for SQLite) covers checking, building and copying, so exactly one of them
builds it, and a template is only ever seen complete (it is built under another name and
renamed).
"""

import contextlib
import fcntl
import hashlib
import importlib.metadata
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from benchkit import infra

# Any constant: it names the advisory lock that every benchmark process takes around its
# PostgreSQL templates.
ADVISORY_LOCK = 7_340_117
SQLITE_PREFIX = "lms-bench-template-"
# Templates kept, this one included: one for each checkout (branch) in use on the machine.
KEEP = 3
# The distribution name in pyproject.toml.
PROJECT = "capacity-lms"


def migrations_key() -> str:
    """A short hash of our migration files and the installed packages' names and versions."""
    digest = hashlib.sha256()
    for path in sorted(infra.ROOT.glob("*/migrations/*.py")):
        digest.update(path.relative_to(infra.ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    # A set, without the project itself: a process started from the checkout's root also
    # finds the project's build metadata there, beside the installed copy, and its key must
    # be the one every other process computes (our migrations are hashed above).
    packages = sorted(
        {
            f"{dist.metadata['Name']}=={dist.version}"
            for dist in importlib.metadata.distributions()
            if dist.metadata["Name"] != PROJECT
        }
    )
    digest.update("\n".join(packages).encode())
    return digest.hexdigest()[:16]


def _migrate(url: str) -> None:
    infra.manage("migrate", "--noinput", env=infra.production_env(url))


# -- PostgreSQL -------------------------------------------------------------------------------


def create_migrated_database(name: str) -> str:
    """A new database `name`, a copy of the migrated template (any old `name` is dropped
    first); returns its URL. The caller runs `migrate` on it as usual."""
    template = infra.checked_name(f"lms_bench_template_{migrations_key()}")
    infra.drop_database(name)
    with infra.admin_connection() as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])
        try:
            if not _exists(conn, template):
                _build_template(conn, template)
            conn.execute(f'CREATE DATABASE "{infra.checked_name(name)}" TEMPLATE "{template}"')
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])
    return infra.database_url(name)


def create_test_database(name: str) -> None:
    """The test suite's PostgreSQL database `name` (a `test_*` name; any old one is dropped),
    as a copy of the same migrated template. Django's test runner then keeps it and runs
    `migrate` on it, which has nothing left to apply."""
    if not name.startswith("test_") or not name.replace("_", "").isalnum():
        raise ValueError(f"refusing to manage database {name!r}: not a test_* name")
    template = infra.checked_name(f"lms_bench_template_{migrations_key()}")
    with infra.admin_connection() as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])
        try:
            if not _exists(conn, template):
                _build_template(conn, template)
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])


def _exists(conn, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def _build_template(conn, template: str) -> None:
    building = infra.checked_name(f"lms_bench_template_building_{os.getpid()}")
    infra.log(f"migrating a new template database, {template}")
    conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{building}"')
    try:
        _migrate(infra.database_url(building))
        conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    except BaseException:
        conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        raise
    drop_older(conn, "lms_bench_template_", template)


def drop_older(conn, prefix: str, newest: str) -> None:
    """Drop the databases named `prefix...` but `newest` and the few before it, which another
    checkout on this machine (another branch) may still use, and what a build that died left.
    One that cannot be dropped because someone is connected to it is left for next time."""
    pattern = prefix.replace("_", "\\_") + "%"  # an underscore matches any character in LIKE
    others = [
        name
        for (name,) in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s "
            "ORDER BY oid DESC",
            [pattern, newest],
        ).fetchall()
    ]
    complete = [name for name in others if "building" not in name]
    for old in [name for name in others if "building" in name] + complete[KEEP - 1 :]:
        with contextlib.suppress(Exception):
            conn.execute(f'DROP DATABASE "{infra.checked_name(old)}"')


# -- SQLite -----------------------------------------------------------------------------------


def copy_migrated_sqlite(path: Path) -> str:
    """A new SQLite file at `path`, a copy of the migrated template; returns its URL. The
    caller runs `migrate` on it as usual."""
    with _sqlite_template() as template:
        shutil.copyfile(template, path)
    return f"sqlite:///{path}"  # sqlite:////tmp/... for an absolute path


def copy_migrated_sqlite_into(destination: sqlite3.Connection) -> None:
    """Fill an open, empty SQLite database (the test suite's in-memory one) with the migrated
    template, page by page through SQLite's backup API. The caller runs `migrate` as usual."""
    with _sqlite_template() as template:
        source = sqlite3.connect(template)
        try:
            source.backup(destination)
        finally:
            source.close()


@contextlib.contextmanager
def _sqlite_template():
    """The migrated template's path, built if missing, held under the lock while in use."""
    folder = Path(tempfile.gettempdir())
    template = folder / f"{SQLITE_PREFIX}{migrations_key()}.sqlite3"
    with open(folder / f"{SQLITE_PREFIX}lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            _build_sqlite_template(folder, template)
        yield template


def _build_sqlite_template(folder: Path, template: Path) -> None:
    infra.log(f"migrating a new template database, {template}")
    building = folder / f"{SQLITE_PREFIX}building-{os.getpid()}.sqlite3"
    try:
        _migrate(f"sqlite:///{building}")
        # The project's connections use WAL: fold the log into the file, which is all we copy.
        connection = sqlite3.connect(building)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        os.replace(building, template)
    finally:
        for leftover in folder.glob(f"{building.name}*"):
            leftover.unlink(missing_ok=True)
    # As for PostgreSQL: the newest few stay for other checkouts on this machine, and what a
    # build that died left goes.
    others = [old for old in folder.glob(f"{SQLITE_PREFIX}*.sqlite3*") if old != template]
    complete = sorted(
        (old for old in others if "building" not in old.name),
        key=lambda old: old.stat().st_mtime,
        reverse=True,
    )
    for old in [old for old in others if "building" in old.name] + complete[KEEP - 1 :]:
        old.unlink(missing_ok=True)
