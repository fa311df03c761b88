"""The Python projection and the SQL projection give the same store on the same statements.

The Python form (analytics/projection/reference.py) is the reference; PostgreSQL runs the SQL
form (analytics/projection/sql.py and sql_rebuild.py) for every batch and every rebuild. Each
test stores a mixed stream of statements (ties in time, strangers, voidings stored before,
with and after their targets, trust withdrawn half way, a client deleted) and compares whole
stores. The tests marked `sql_form` compare the two forms and run on PostgreSQL only (SQLite
has no SQL form); the others hold on both databases.
"""

import pytest

from analytics.models import Evidence, Proficiency
from analytics.projection.reference import (
    batch_parts,
    proficiency_refresh_in_python,
    project_in_python,
    rebuild_in_python,
)
from analytics.projection.store import rebuild
from competencies.proficiency import Evidence as EvidenceItem
from competencies.proficiency import Source, reported_level
from tests.analytics.markers import rebuild_on_several_connections, sql_form
from tests.analytics.projection.statements import (
    _order,
    evidence_rows,
    forget_client,
    proficiency_rows,
    random_stream,
    store_stream,
)
from xapi.models import Statement


def stored_store(identities, iris, storers, seed: int) -> tuple[list, list]:
    """Store a random stream batch by batch, as the LRS does (each batch projected as it is
    stored), and return the store it left: (evidence rows, proficiency rows)."""
    store_stream(random_stream(identities, iris, seed), storers)
    store = (evidence_rows(), proficiency_rows())
    assert store[0], "the stream should leave evidence"
    forget_client(storers)
    return store


def empty_store() -> None:
    Proficiency.objects.all().delete()
    Evidence.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_rebuild_gives_the_store_the_batches_built(identities, iris, storers, seed):
    """Either database, in the form it runs: replaying the stream from nothing gives what
    projecting it batch by batch gave."""
    incremental = stored_store(identities, iris, storers, seed)

    rebuild()

    assert (evidence_rows(), proficiency_rows()) == incremental


@sql_form
@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_python_rebuild_gives_the_store_the_sql_built(identities, iris, storers, seed):
    incremental = stored_store(identities, iris, storers, seed)  # by the SQL, batch by batch

    empty_store()
    rebuild_in_python()

    assert (evidence_rows(), proficiency_rows()) == incremental


@sql_form
@pytest.mark.django_db
@pytest.mark.parametrize("seed", [5, 6])
def test_the_python_projection_of_each_batch_gives_the_store_the_sql_built(
    identities, iris, storers, seed
):
    """The stream again, each stored batch projected by the Python form in turn. Voidings stored
    later are already there when a batch is replayed, so some evidence is never written rather
    than written and removed: the store must end the same."""
    ends = store_stream(random_stream(identities, iris, seed), storers)
    forget_client(storers)
    by_sql = (evidence_rows(), proficiency_rows())
    assert by_sql[0], "the stream should leave evidence"

    empty_store()
    start = 0
    for end in ends:
        project_in_python(*batch_parts(Statement.objects.filter(seq__gt=start, seq__lte=end)))
        start = end

    assert (evidence_rows(), proficiency_rows()) == by_sql


@sql_form
@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_the_sql_rebuild_gives_the_store_the_python_rebuild_built(identities, iris, storers, seed):
    stored_store(identities, iris, storers, seed)
    empty_store()
    rebuild_in_python()
    by_python = (evidence_rows(), proficiency_rows())

    rebuild()

    assert (evidence_rows(), proficiency_rows()) == by_python


# Committed statements and no transaction around the rebuild: PostgreSQL's rebuild then
# projects slices of the stream on several connections at once.
@rebuild_on_several_connections
def test_a_rebuild_on_several_connections_gives_the_incremental_store(
    identities, iris, storers, settings
):
    settings.ANALYTICS_REBUILD_WORKERS = 3
    incremental = stored_store(identities, iris, storers, seed=4)

    rebuild()

    assert (evidence_rows(), proficiency_rows()) == incremental


@pytest.mark.django_db
def test_stored_levels_follow_the_reference_rule(identities, iris, storers):
    """Either database: the levels the store holds are competencies.proficiency.reported_level
    of the evidence it holds, and the Python form recomputes exactly those."""
    store_stream(random_stream(identities, iris, seed=7), storers)
    evidence: dict[tuple, list] = {}
    for learner, competency, level, source, occurred_at, _ in evidence_rows():
        item = EvidenceItem(Source(source), level, occurred_at)
        evidence.setdefault((learner, competency), []).append(item)
    expected = []
    for (learner, competency), items in evidence.items():
        r = reported_level(items)
        source = r.source.value if r.source else ""
        expected.append(
            (learner, competency, r.assessed, r.completion, r.self_level, r.level, source, r.at)
        )

    expected.sort(key=_order)
    assert proficiency_rows() == expected
    Proficiency.objects.all().delete()
    proficiency_refresh_in_python(set(evidence), replacing=False)
    assert proficiency_rows() == expected
