"""Keeping the reporting store: `project` a batch of newly stored statements, `rebuild` it all.

PostgreSQL runs the SQL form (analytics.projection.sql and .sql_rebuild), which never carries
millions of statements through Python; every other database (SQLite, the embedded default)
runs the Python reference (analytics.projection.reference). Both give the same store.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from analytics.models import Evidence, Proficiency
from analytics.projection import reference, sql, sql_rebuild
from analytics.projection.rules import pseudonym_in
from xapi.models import Statement


def _in_database() -> bool:
    return connection.vendor == "postgresql"


@transaction.atomic
def project(statements: Iterable[Statement]) -> int:
    """Bring the reporting store up to date with newly stored statements; returns how many
    evidence rows changed. A voiding statement removes its target's evidence when its sender
    could have sent that evidence (rules.voiding_removes)."""
    candidates, voiders = reference.batch_parts(statements)
    if _in_database():
        names = sorted({name for s in candidates if (name := pseudonym_in(s.data))})
        return sql.project(
            seqs=[s.pk for s in candidates], names=names, voiders=[s.pk for s in voiders]
        )
    return reference.project_in_python(candidates, voiders)


def rebuild(*, chunk: int = 20000, report: sql_rebuild.Report | None = None) -> int:
    """Empty the reporting store and replay every statement; returns the evidence rows written.
    A rebuild that fails part way leaves the old store as it was. On PostgreSQL, `report` is
    told how long each stage took."""
    if _in_database():
        return sql_rebuild.rebuild(report=report)
    with transaction.atomic():
        Proficiency.objects.all().delete()
        Evidence.objects.all().delete()
        return reference.rebuild_in_python(chunk=chunk)
