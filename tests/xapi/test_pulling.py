"""pull_statements imports from a real Ralph: resumable, idempotent, never sent back."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import ForwardingEndpointFactory, statement_data
from tests.xapi.peers import refused_url
from xapi.models import OutboxEntry, PullCursor, Statement
from xapi.transport import xapi_time


def _seed(peer, count: int, **overrides) -> list[str]:
    statements = [statement_data(**overrides) for _ in range(count)]
    peer.post(statements)
    return [statement["id"] for statement in statements]


def _source(peer):
    return ForwardingEndpointFactory(
        name="Regional LRS", url=peer.url, username=peer.key, password=peer.secret, batch_size=2
    )


def _pull(*args: str) -> str:
    out = io.StringIO()
    call_command("pull_statements", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def _local_ids() -> set[str]:
    return {str(i) for i in Statement.objects.values_list("statement_id", flat=True)}


@pytest.mark.django_db
def test_pull_fills_an_empty_store_and_sends_nothing_back(fresh_ralph):
    ids = _seed(fresh_ralph, 5)
    source = _source(fresh_ralph)
    elsewhere = ForwardingEndpointFactory(name="Archive LRS", url=refused_url())

    output = _pull("Regional LRS")

    assert output == (
        "Pulled 5 new of 5 statements in 3 page(s) from Regional LRS; 0 skipped; up to date."
    )
    assert _local_ids() == set(ids)
    assert not OutboxEntry.objects.filter(endpoint=source).exists()
    # Other endpoints do receive them: only the source is spared its own statements.
    assert OutboxEntry.objects.filter(endpoint=elsewhere).count() == 5
    pulled = Statement.objects.get(statement_id=ids[0])
    # The authority is the one Ralph recorded, not replaced by this LRS.
    assert pulled.data["authority"]["mbox"] == "mailto:lrs@example.org"
    assert pulled.client is None


@pytest.mark.django_db
def test_pull_run_again_stores_nothing_twice(fresh_ralph):
    _seed(fresh_ralph, 5)
    source = _source(fresh_ralph)
    _pull("Regional LRS")

    again = _pull("Regional LRS")
    PullCursor.objects.filter(endpoint=source).delete()  # forget where it stopped
    from_scratch = _pull("Regional LRS")

    assert again.startswith("Pulled 0 new")
    assert from_scratch.startswith("Pulled 0 new of 5 statements in 3 page(s)")
    assert Statement.objects.count() == 5


@pytest.mark.django_db
def test_pull_resumes_from_its_cursor(fresh_ralph):
    ids = _seed(fresh_ralph, 5)
    source = _source(fresh_ralph)

    first = _pull("Regional LRS", "--max-pages", "1")
    cursor = PullCursor.objects.get(endpoint=source)
    stored_after_first = Statement.objects.count()
    rest = _pull("Regional LRS")

    assert first.endswith("more to pull.")
    assert stored_after_first == 2
    assert cursor.more_url.startswith("/xAPI/statements?")
    assert cursor.pulled == 2
    # Starting over would read 3 pages and 5 statements; resuming reads the other 2 pages.
    assert rest.startswith("Pulled 3 new of 3 statements in 2 page(s)")
    assert _local_ids() == set(ids)
    assert PullCursor.objects.get(endpoint=source).pulled == 5


@pytest.mark.django_db
def test_pull_after_a_finished_pull_fetches_only_what_is_new(fresh_ralph):
    _seed(fresh_ralph, 3)
    _source(fresh_ralph)
    _pull("Regional LRS")

    newer = _seed(fresh_ralph, 2, timestamp=xapi_time(timezone.now()))
    output = _pull("Regional LRS")

    assert output.startswith("Pulled 2 new of 2 statements")
    assert set(newer) <= _local_ids()
    assert Statement.objects.count() == 5


@pytest.mark.django_db
def test_pull_with_an_expired_more_link_starts_again_without_duplicates(fresh_ralph):
    ids = _seed(fresh_ralph, 3)
    source = _source(fresh_ralph)
    PullCursor.objects.create(endpoint=source, more_url="/xAPI/statements?expired=1")

    output = _pull("Regional LRS")

    assert output.startswith("Pulled 3 new of 3 statements")
    assert _local_ids() == set(ids)


@pytest.mark.django_db
def test_pull_from_an_lrs_that_refuses_the_credentials_fails_and_keeps_the_cursor(fresh_ralph):
    source = ForwardingEndpointFactory(
        name="Regional LRS", url=fresh_ralph.url, username=fresh_ralph.key, password="wrong-one"
    )
    PullCursor.objects.create(endpoint=source, more_url="/xAPI/statements?limit=2", pulled=4)

    with pytest.raises(CommandError, match="HTTP 401"):
        _pull("Regional LRS")

    cursor = PullCursor.objects.get(endpoint=source)
    assert (cursor.more_url, cursor.pulled) == ("/xAPI/statements?limit=2", 4)


@pytest.mark.django_db
def test_pull_names_an_unknown_endpoint():
    with pytest.raises(CommandError, match="No forwarding endpoint is named 'Nowhere'"):
        _pull("Nowhere")
