"""Inserting many rows without a model instance for each: for 100,000 people the ORM's
bulk_create spends most of an import building instances and preparing values field by field."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

BATCH = 5000


def rows_insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    now: datetime,
) -> None:
    """Insert `rows` (values for `columns`, given by attribute name and ready for the database:
    see `json_value` and `date_value`). Every other field takes its default, computed once, and
    auto_now fields take `now`; database-side checks (unique, foreign keys) apply as usual."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    defaults = {}
    for name, field in fields.items():
        if name in columns or field.primary_key:
            continue
        automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        value = now if automatic else field.get_default()
        defaults[name] = field.get_db_prep_save(value, connection)
    names = [*columns, *defaults]
    quote = connection.ops.quote_name
    # Table and column names come from the model, quoted; every value is a parameter.
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(fields[name].column) for name in names)
    tail = tuple(defaults.values())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one statement: PostgreSQL would otherwise take a round
            # trip per row, and psycopg would parse a many-row INSERT's placeholders each time.
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *tail))
            return
        # SQLite runs executemany in C, a row at a time, without a round trip.
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
        batch: list[Any] = []
        for row in rows:
            batch.append((*row, *tail))
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def json_value(value: Any) -> Any:
    """A JSON value as JSONField would send it (with the encoder Wagtail's log entries use)."""
    return connection.ops.adapt_json_value(value, DjangoJSONEncoder)


def date_value(value):
    return connection.ops.adapt_datefield_value(value)


def datetime_value(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)
