"""Rows written by lms.bulk_insert are the rows Django's bulk_create writes, on SQLite (multi-row
INSERTs) and PostgreSQL (COPY) alike, with their keys in order, and a bad row stores nothing."""

import uuid
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from lms.bulk_insert import insert_numbered_rows, insert_rows
from xapi.models import LrsClient, Statement, StatementAgent
from xapi.services import STATEMENT_COLUMNS as COLUMNS

pytestmark = pytest.mark.django_db

AGENT_COLUMNS = ("statement", "agent_key", "principal")
# Every column but the keys, as the database gives them back.
READ = [c for c in COLUMNS if c not in ("statement_id", "client")] + ["client_id"]


def _values(client: LrsClient | None, number: int) -> dict:
    return {
        "statement_id": uuid.uuid4(),
        # What COPY's text format escapes (tab, newline, backslash) and what it need not.
        "data": {"n": number, "response": 'a\tb\nc\\d "é"', "list": [1, None, True]},
        "verb_id": "http://adlnet.gov/expapi/verbs/answered",
        "object_statement_id": uuid.uuid4() if number % 2 else None,
        "registration": str(uuid.uuid4()),
        "timestamp": datetime(2026, 3, number + 1, 9, 30, 15, 123456, tzinfo=UTC),
        "stored": datetime(2026, 4, 1, tzinfo=UTC),
        "voided": bool(number % 2),
        "client": client,
        "client_number": client.pk if client else None,
        "origin": "client" if client else "platform",
        "trusted_evidence": ["assessment"] if client else [],
    }


def _row(values: dict) -> tuple:
    return tuple(
        values[name].pk if name == "client" and values[name] else values[name] for name in COLUMNS
    )


def _read(statement_ids) -> list[dict]:
    rows = Statement.objects.filter(statement_id__in=statement_ids).order_by("timestamp")
    return list(rows.values(*READ))


def test_rows_are_the_rows_bulk_create_writes():
    client = LrsClient.objects.create(name="Vendor course", key="vendor", scopes=["all"])
    written = [_values(client if n % 2 else None, n) for n in range(4)]
    twins = [{**values, "statement_id": uuid.uuid4()} for values in written]

    Statement.objects.bulk_create([Statement(**values) for values in written])
    insert_rows(Statement, COLUMNS, [_row(values) for values in twins])

    by_bulk_create = _read([v["statement_id"] for v in written])
    by_insert_rows = _read([v["statement_id"] for v in twins])
    assert by_insert_rows == by_bulk_create
    assert [row["data"]["n"] for row in by_insert_rows] == [0, 1, 2, 3]


def test_numbered_rows_get_the_keys_the_table_gives_them_in_order():
    before = Statement.objects.create(**_values(None, 0))
    values = [_values(None, n) for n in range(1, 4)]

    keys = insert_numbered_rows(Statement, COLUMNS, [_row(v) for v in values])

    stored = dict(Statement.objects.exclude(pk=before.pk).values_list("statement_id", "seq"))
    assert keys == [stored[v["statement_id"]] for v in values]
    assert keys == sorted(keys)
    assert keys[0] > before.seq
    after = Statement.objects.create(**_values(None, 5))
    assert after.seq > keys[-1]


def test_more_rows_than_one_statement_takes_are_all_written():
    statement = Statement.objects.create(**_values(None, 0))
    rows = [(statement.seq, f"account::https://example.org|{n}", n == 0) for n in range(2_500)]

    insert_rows(StatementAgent, AGENT_COLUMNS, rows)

    stored = StatementAgent.objects.order_by("pk").values_list(
        "statement_id", "agent_key", "principal"
    )
    assert list(stored) == rows


def test_nothing_at_all_writes_nothing():
    insert_rows(StatementAgent, AGENT_COLUMNS, [])
    assert insert_numbered_rows(Statement, COLUMNS, []) == []
    assert (Statement.objects.count(), StatementAgent.objects.count()) == (0, 0)


def test_a_bad_row_raises_and_its_transaction_keeps_none_of_the_rows():
    statement = Statement.objects.create(**_values(None, 0))
    good = [(statement.seq, f"account::https://example.org|{n}", False) for n in range(100)]

    def store_both():
        with transaction.atomic():
            insert_rows(StatementAgent, AGENT_COLUMNS, good)
            insert_rows(StatementAgent, AGENT_COLUMNS, [*good, (statement.seq, None, True)])

    with pytest.raises(IntegrityError):
        store_both()

    assert StatementAgent.objects.count() == 0
