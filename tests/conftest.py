"""Fixtures shared by every test: people in each role, and a clean cache per test."""

import os
import threading

import pytest
from django.core.cache import cache
from pytest_django.plugin import blocking_manager_key

from accounts.roles import Role
from competencies.services import framework_load, role_requirements_load
from tests.browser.chromium import CHROMIUM
from tests.competencies.frameworks import DIGCOMP_MINI, framework_data
from tests.factories import DepartmentFactory, JobRoleFactory, make_person
from tests.mfa import activate_totp
from tests.module_data import check_constraints_once

# Playwright's sync API keeps an event loop in the test thread. The ORM calls tests make stay
# synchronous and single-threaded, so Django's guard against async-unsafe calls does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _playwright(request):
    """Start Playwright before anything touches the database when browser tests will run.

    Starting it switches the execution context Django keys its database connections on; the
    snapshot that serialized_rollback restores lives on the connection, so the test database
    must be created in the same context the browser tests later run in.
    """
    wanted = any("browser" in item.keywords for item in request.session.items)
    if not wanted or not CHROMIUM.exists():
        yield None
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, django_db_keepdb, django_db_createdb
):
    """On the local PostgreSQL server, a test database that is to be kept (`--reuse-db`, the
    default) starts each session as a copy of a template migrated once for the current
    migrations, the one the benchmarks copy too: seconds, where migrating costs each worker most
    of a minute, and never a database some other checkout left behind. `--create-db` migrates
    one from scratch as usual."""
    from django.db import connection

    if connection.vendor == "sqlite":
        _start_sqlite_from_the_template(connection)
        return
    if connection.vendor != "postgresql" or not django_db_keepdb or django_db_createdb:
        return
    settings_dict = connection.settings_dict
    if (settings_dict["HOST"], str(settings_dict["PORT"])) != ("127.0.0.1", "5432"):
        return
    from tests.benchmark_templates import create_test_database

    create_test_database(connection.creation._get_test_db_name())


def _start_sqlite_from_the_template(connection) -> None:
    """The in-memory SQLite test database starts as a copy of the same migrated template, so
    Django's `migrate` finds nothing to apply and only runs the post-migrate receivers: seconds
    instead of most of a minute. The copy is made as Django creates the database; a connection
    of our own stays open, since an in-memory database lives while a connection holds it."""
    import sqlite3

    create = connection.creation._create_test_db

    def create_from_the_template(*args, **kwargs):
        name = create(*args, **kwargs)
        if not connection.creation.is_in_memory_db(name):
            return name
        from tests.benchmark_templates import copy_migrated_sqlite_into

        holder = sqlite3.connect(name, uri=True, check_same_thread=False)
        copy_migrated_sqlite_into(holder)
        _IN_MEMORY_HOLDERS.append(holder)
        return name

    connection.creation._create_test_db = create_from_the_template


_IN_MEMORY_HOLDERS: list = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Tests on committed data get the migrations' rows back without Django's flush of every
    table and its saving of the serialized rows one at a time (most of a second per test, and
    seconds on a busy machine): on SQLite by copying the database as it stood after migrating,
    page by page through SQLite's backup API; on PostgreSQL by emptying only the tables that
    hold rows and copying the migrations' rows back from tables kept beside them."""
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if not hasattr(connection, "_test_serialized_contents"):
                continue
            if connection.vendor == "sqlite":
                _restore_from_a_copy(connection)
            elif connection.vendor == "postgresql" and _is_superuser(connection):
                _restore_from_kept_tables(connection)


def _restore_from_a_copy(connection) -> None:
    import sqlite3

    connection.ensure_connection()
    # The live server's thread uses the same connection (in-memory SQLite is shared).
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)

    def restore(*_ignored) -> None:
        copy.backup(connection.connection)

    connection.creation.deserialize_db_from_string = restore
    # The flush after such a test would empty every table only for the copy to fill them again:
    # the copy alone gives the same database.
    connection.ops.execute_sql_flush = restore


# The schema holding a copy of each table's rows as they stood after migrating.
KEPT_SCHEMA = "test_as_migrated"


def _is_superuser(connection) -> bool:
    """Restoring skips foreign-key triggers (session_replication_role), a superuser's right."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW is_superuser")
        return cursor.fetchone()[0] == "on"


def _restore_from_kept_tables(connection) -> None:
    tables = sorted(
        connection.introspection.django_table_names(only_existing=True, include_views=False)
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {KEPT_SCHEMA} CASCADE; CREATE SCHEMA {KEPT_SCHEMA}")
        cursor.execute(_tables_with_rows_sql(tables, quote))
        migrated = sorted(row[0] for row in cursor.fetchall())
        for table in migrated:
            cursor.execute(f"CREATE TABLE {KEPT_SCHEMA}.{quote(table)} AS TABLE {quote(table)}")
    find_filled = _tables_with_rows_sql(tables, quote)

    def restore(*_ignored) -> None:
        from django.db import transaction

        with connection.cursor() as cursor:
            cursor.execute(find_filled)
            filled = {row[0] for row in cursor.fetchall()}
            # DELETE, not TRUNCATE: it needs no lock that a reader left open elsewhere (a live
            # server's connection) holds, and costs nothing on the few small tables a test fills.
            statements = ["SET LOCAL session_replication_role = replica"]
            # Table names come from the test database's own schema, quoted.
            statements += [
                f"DELETE FROM {quote(t)}"  # noqa: S608
                for t in sorted(filled | set(migrated))
            ]
            statements += [
                f"INSERT INTO {quote(t)} SELECT * FROM {KEPT_SCHEMA}.{quote(t)}"  # noqa: S608
                for t in migrated
            ]
            with transaction.atomic(using=connection.alias):
                cursor.execute("; ".join(statements))

    connection.creation.deserialize_db_from_string = restore
    connection.ops.execute_sql_flush = restore


def _tables_with_rows_sql(tables: list[str], quote) -> str:
    return " UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {quote(table)})"  # noqa: S608
        for table in tables
    )


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth keeps rate-limit counters in the cache; one test's failures must not lock another.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page read at /fr/ activates French for the
    thread that served it (the test's own, through the test client), and whatever the next test
    renders or reverses would be French too."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


def _no_static_handler(application):
    return application


def _one_at_a_time(application):
    lock = threading.Lock()

    def answer(environ, start_response):
        with lock:
            return application(environ, start_response)

    return answer


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, but with static files served by WhiteNoise (compressed), as
    in production, so that what browser tests measure is what people download."""
    from django.db import connection
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = _no_static_handler
    if connection.vendor == "sqlite":
        # The server's threads share the test's one in-memory SQLite connection: two requests
        # at once (a course package fetching media while it posts a statement) would break each
        # other's transactions. Django answers one at a time; reading requests off the sockets
        # stays threaded, so a connection the browser opens ahead and leaves idle blocks nothing.
        server.thread.static_handler = _one_at_a_time
    server.start()
    yield server
    server.stop()


def _department():
    return DepartmentFactory(code="CRS", name="Civil Registration and Citizen Services")


def _other_department():
    return DepartmentFactory(code="FIN", name="Finance, Revenue and Procurement")


def _job_role():
    return JobRoleFactory(code="citizen-service-officer", name="Citizen service officer")


def _department_lead(department, job_role):
    return make_person(
        roles=[Role.LEARNER, Role.DEPARTMENT_LEAD], department=department, job_role=job_role
    )


def _learner(department, job_role, department_lead):
    return make_person(department=department, job_role=job_role, line_manager=department_lead)


def _training_lead():
    return make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])


def _cto_office():
    return make_person(roles=[Role.LEARNER, Role.CTO_OFFICE])


def _administrator():
    # Administrators must use MFA by default, so the fixture has an authenticator app.
    admin = make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR])
    activate_totp(admin)
    return admin


def _framework():
    framework_load(DIGCOMP_MINI)
    return framework_load(framework_data())


def _requirements(framework, job_role, department):
    return role_requirements_load(
        {
            "framework": "mini",
            "profiles": {job_role.code: {"DA": 2, "SP": 1}},
            "competency_overrides": {job_role.code: {"DA.2": 1}},
            "department_overrides": [
                {
                    "department": department.code,
                    "job_role": job_role.code,
                    "competency": "SP.1",
                    "level": 3,
                }
            ],
        }
    )


def _course(framework, training_lead):
    from courses.loading import course_load
    from tests.courses.data import course_data

    return course_load(course_data(), owner=training_lead)


# What each fixture below builds, and the fixtures it is built from.
BUILDERS = {
    "department": (_department, ()),
    "other_department": (_other_department, ()),
    "job_role": (_job_role, ()),
    "department_lead": (_department_lead, ("department", "job_role")),
    "learner": (_learner, ("department", "job_role", "department_lead")),
    "training_lead": (_training_lead, ()),
    "cto_office": (_cto_office, ()),
    "administrator": (_administrator, ()),
    "framework": (_framework, ()),
    "requirements": (_requirements, ("framework", "job_role", "department")),
    "course": (_course, ("framework", "training_lead")),
}


class Shared(dict):
    """The rows a module shares, by fixture name; `build` makes more inside the same transaction
    (a module's own shared data), `fresh` reads a row afresh for one test."""

    def __init__(self, blocker):
        super().__init__()
        self.blocker = blocker

    def build(self, make, *args, **kwargs):
        from django.test import override_settings

        with self.blocker.unblock(), override_settings(COMPETENCY_PRIMARY_FRAMEWORK="mini"):
            made = make(*args, **kwargs)
            check_constraints_once()
        return made

    def add(self, name):
        if name not in self:
            make, needs = BUILDERS[name]
            self[name] = self.build(make, *[self.add(need) for need in needs])
        return self[name]

    @staticmethod
    def fresh(row):
        return type(row)._default_manager.get(pk=row.pk)


@pytest.fixture(scope="module", autouse=True)
def shared(request):
    """What a module names in `SHARED` (fixture names from BUILDERS, with what they are built
    from) is built once for the module instead of once per test: the course alone is seven
    Wagtail pages published revision by revision, over a second each time. It is built inside a
    transaction rolled back after the module, and each test runs in a savepoint inside it, so
    what a test changes is gone before the next; each test gets its own copy of every row, read
    afresh. A module builds rows of its own the same way, with `shared.build` in a module-scoped
    fixture that is autouse (built before the first test opens its savepoint, however the test
    asks for it). A module that shares data holds no tests on committed data: their flush would
    empty the shared rows, and their connections could not see them."""
    names = getattr(request.module, "SHARED", ())
    if not names:
        yield Shared(None)
        return
    from django.db import transaction

    request.getfixturevalue("django_db_setup")
    rows = Shared(request.getfixturevalue("django_db_blocker"))
    with rows.blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        for name in names:
            rows.add(name)
        yield rows
    finally:
        with rows.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _made(request, name, *needs):
    """The fixture `name`: a fresh copy of the module's shared row, or built for this test."""
    rows = request.getfixturevalue("shared")
    if name not in rows:
        make, _ = BUILDERS[name]
        return make(*needs)
    if hasattr(rows[name], "pk"):
        return rows.fresh(rows[name])
    return rows[name]


@pytest.fixture
def department(request, db):
    return _made(request, "department")


@pytest.fixture
def other_department(request, db):
    return _made(request, "other_department")


@pytest.fixture
def job_role(request, db):
    return _made(request, "job_role")


@pytest.fixture
def department_lead(request, db, department, job_role):
    return _made(request, "department_lead", department, job_role)


@pytest.fixture
def learner(request, db, department, job_role, department_lead):
    return _made(request, "learner", department, job_role, department_lead)


@pytest.fixture
def training_lead(request, db):
    return _made(request, "training_lead")


@pytest.fixture
def cto_office(request, db):
    return _made(request, "cto_office")


@pytest.fixture
def administrator(request, db):
    return _made(request, "administrator")


@pytest.fixture
def people(learner, training_lead, department_lead, cto_office, administrator):
    """Each persona by name, for tests parametrised over roles."""
    return {
        "anonymous": None,
        "learner": learner,
        "training_lead": training_lead,
        "department_lead": department_lead,
        "cto_office": cto_office,
        "administrator": administrator,
    }


@pytest.fixture
def framework(request, db, settings):
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "mini"
    return _made(request, "framework")


@pytest.fixture
def requirements(request, framework, job_role, department):
    return _made(request, "requirements", framework, job_role, department)


@pytest.fixture
def course(request, framework, training_lead):
    return _made(request, "course", framework, training_lead)


# Modules that seed the whole demo or start an outside service (identity providers, Ralph,
# scim2-tester). `make test-fast` leaves them out, with the browser tests, for the inner loop;
# `make test` and CI run everything.
SLOW_MODULES = {
    "tests/analytics/test_pdf_pack_layout.py",
    "tests/analytics/test_synthesis.py",
    "tests/benchmarks/test_smoke.py",
    "tests/courses/test_demo_realism.py",
    "tests/identity/test_first_steps_sso.py",
    "tests/identity/test_saml.py",
    "tests/jobs/test_worker_processes.py",
    "tests/lms/test_seed_demo.py",
    "tests/provisioning/test_scim2_tester.py",
    "tests/xapi/test_forwarding.py",
    "tests/xapi/test_pulling.py",
}


# Tests of code that takes a different path on SQLite than on PostgreSQL (the evidence
# projection: Python or SQL; the roster's bulk inserts: executemany or COPY), and of the embedded
# default `make run` seeds. CI runs every test once, on PostgreSQL, and these on SQLite as well.
BOTH_DATABASES_PATHS = (
    "tests/analytics/projection/",
    "tests/organisations/roster/",
    "tests/lms/test_bulk_insert.py",
    "tests/lms/test_seed_demo.py",
)

# Heavy tests whose subject the database does not change: the PDF pack's layout is WeasyPrint's
# work on figures the projection tests check on both databases, and the untranslated walk reads
# the catalogues and templates behind every page. CI runs them once, on SQLite (where seeding
# and querying cost less), beside the browser tests.
DATABASE_AGNOSTIC_MODULES = {
    "tests/analytics/test_pdf_pack_layout.py",
    "tests/i18n/test_untranslated.py",
}


def _commits(item) -> bool:
    """Whether a test works on committed data (a live server, a worker thread): the database is
    flushed after it."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ())))


def _migrated_rows_back_after(item) -> None:
    """Every test starts from the rows the migrations made (content types, the page tree, the
    role groups). A test on committed data ends with a flush that empties them; Django counts on
    running such tests last, which stops being true once the suite is spread over workers, so
    the rows go back at once instead."""
    from django.db import connections

    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    # The next test on committed data loads the rows itself as it starts.
    if _commits(item) and (nextitem is None or not _commits(nextitem)):
        _migrated_rows_back_after(item)
    return result


# The longest modules, started first: spread over two workers a module at a time, the suite
# ends when its last module does, and a long module begun last would keep one worker busy
# while the other waits. The slow modules, then the two that read every page.
STARTED_FIRST = (
    *sorted(SLOW_MODULES),
    "tests/i18n/test_untranslated.py",
    "tests/test_permission_matrix.py",
)


def _started_first(item, root) -> bool:
    return item.path.relative_to(root).as_posix() not in STARTED_FIRST


def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    # A stable sort: within each group, tests keep the order they were collected in.
    items.sort(key=lambda item: _started_first(item, root))
    for item in items:
        if _commits(item) and getattr(getattr(item, "module", None), "SHARED", ()):
            raise pytest.UsageError(
                f"{item.nodeid} works on committed data in a module that shares data (SHARED)"
            )
        if _commits(item):
            # Restored, not re-made: a flush that re-ran the migrations' receivers would make
            # the content types and role groups again under new ids.
            marker = item.get_closest_marker("django_db")
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True}
            kwargs["serialized_rollback"] = True
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
        path = item.path.relative_to(root).as_posix()
        if path in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        if path.startswith(BOTH_DATABASES_PATHS):
            item.add_marker(pytest.mark.both_databases)
        if path in DATABASE_AGNOSTIC_MODULES:
            item.add_marker(pytest.mark.database_agnostic)
