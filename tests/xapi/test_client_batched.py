"""Recording many statements in batches: the same statements and ids as one by one, stored
when a batch fills or the block ends, and nothing more when the block fails."""

import pytest

from tests.xapi.test_client import WHEN, _completed, learner  # noqa: F401 - the fixture
from xapi.client import statement_record, statements_batched
from xapi.models import Statement as StoredStatement
from xapi.validation import XapiValidationError


def _as_stored(statement_id: str) -> dict:
    """A stored statement without the moment it was stored."""
    data = StoredStatement.objects.get(statement_id=statement_id).data
    return {key: value for key, value in data.items() if key != "stored"}


def _ids() -> set[str]:
    return {str(i) for i in StoredStatement.objects.values_list("statement_id", flat=True)}


def test_batched_statements_are_stored_when_the_block_ends_as_one_by_one(learner):  # noqa: F811
    with statements_batched(size=10):
        ids = [statement_record(_completed(learner), attempt=str(n)) for n in range(3)]
        stored_inside = _ids()
    batched = {i: _as_stored(i) for i in ids}
    StoredStatement.objects.all().delete()
    one_by_one = [statement_record(_completed(learner), attempt=str(n)) for n in range(3)]

    assert stored_inside == set()
    assert one_by_one == ids
    assert {i: _as_stored(i) for i in ids} == batched


def test_a_full_batch_is_stored_at_once(learner):  # noqa: F811
    with statements_batched(size=2):
        first = [statement_record(_completed(learner), attempt=str(n)) for n in range(2)]
        stored_inside = _ids()
        third = statement_record(_completed(learner), attempt="2")

    assert stored_inside == set(first)
    assert _ids() == {*first, third}


def _record_then_fail(learner):  # noqa: F811
    with statements_batched(size=10):
        statement_record(_completed(learner), attempt="1")
        raise RuntimeError("the writer failed")


def test_nothing_waiting_is_stored_when_the_block_fails(learner):  # noqa: F811
    with pytest.raises(RuntimeError):
        _record_then_fail(learner)

    assert _ids() == set()


def _record_one_event_twice(learner):  # noqa: F811
    with statements_batched(size=10):
        statement_record(_completed(learner), attempt="1")
        statement_record(_completed(learner, timestamp=WHEN.replace(hour=11)), attempt="1")


def test_one_event_recorded_twice_with_other_content_in_a_batch_is_refused(learner):  # noqa: F811
    with pytest.raises(XapiValidationError, match="share an id"):
        _record_one_event_twice(learner)

    assert _ids() == set()
