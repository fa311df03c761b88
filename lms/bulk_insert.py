"""Many rows into one table, for the paths that write thousands at a time (the statement store,
the reporting projection).

`QuerySet.bulk_create` builds a model instance per row and compiles every value through the SQL
compiler, and on PostgreSQL psycopg then splits the statement and quotes every value in Python:
for the statement store that was most of the time storing a statement took. Here rows stay
tuples and each value is converted only by its field's own `get_db_prep_save`, where the
database needs a conversion (dates, UUIDs, JSON). PostgreSQL takes the rows through COPY;
SQLite through multi-row INSERTs. The table, columns and values are those Django would write,
and no signal is sent (bulk_create sends none either).
"""

from collections.abc import Iterable, Sequence
from functools import partial
from itertools import islice

from django.db import connections, router

# Fields whose Python value is the value the database drivers take as it is.
_AS_THEY_ARE = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert `rows` (tuples of values in the order of `columns`, model field names; a foreign
    key's value is the related row's key) into `model`'s table."""
    _Insert(model, columns).rows(rows)


def insert_numbered_rows(model, columns: Sequence[str], rows: Sequence[Sequence]) -> list[int]:
    """Insert `rows` as `insert_rows` does; returns the automatic primary key each row was
    given, in the rows' order."""
    return _Insert(model, columns).numbered_rows(rows)


class _Insert:
    def __init__(self, model, columns: Sequence[str]):
        meta = model._meta
        self.connection = connections[router.db_for_write(model)]
        self.table, self.pk = meta.db_table, meta.pk
        self.fields = [meta.get_field(name) for name in columns]
        self.converters = [self._converter(field) for field in self.fields]

    def rows(self, rows: Iterable[Sequence]) -> None:
        if self.connection.vendor == "postgresql":
            self._copy(self.fields, self._converted(rows))
        else:
            self._insert(self.fields, self._converted(rows))

    def numbered_rows(self, rows: Sequence[Sequence]) -> list[int]:
        if not rows:
            return []
        if self.connection.vendor == "postgresql":
            # COPY returns nothing: the keys are drawn first, from the sequence the column's
            # default would draw them from (so they never clash with other inserts).
            keys = self._next_keys(len(rows))
            values = self._converted(rows)
            self._copy(
                [self.pk, *self.fields],
                ((key, *row) for key, row in zip(keys, values, strict=True)),
            )
            return keys
        return self._insert(self.fields, self._converted(rows), returning=True)

    def _converter(self, field):
        if field.get_internal_type() in _AS_THEY_ARE:
            return None
        return partial(field.get_db_prep_save, connection=self.connection)

    def _converted(self, rows: Iterable[Sequence]) -> Iterable[tuple]:
        converters = self.converters
        if not any(converters):
            return rows
        return (
            tuple(
                value if convert is None else convert(value)
                for convert, value in zip(converters, row, strict=True)
            )
            for row in rows
        )

    def _names(self, fields) -> str:
        return ", ".join(self.connection.ops.quote_name(field.column) for field in fields)

    def _copy(self, fields, rows: Iterable[tuple]) -> None:
        quote = self.connection.ops.quote_name
        sql = f"COPY {quote(self.table)} ({self._names(fields)}) FROM STDIN"
        # The driver's own cursor: Django's wrapper has no COPY, so its errors are turned into
        # Django's (IntegrityError and the rest) here, as the wrapper would.
        with (
            self.connection.cursor() as cursor,
            self.connection.wrap_database_errors,
            cursor.cursor.copy(sql) as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def _next_keys(self, count: int) -> list[int]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.connection.ops.quote_name(self.table), self.pk.column, count],
            )
            return sorted(key for (key,) in cursor.fetchall())

    def _insert(self, fields, rows: Iterable[tuple], returning: bool = False) -> list[int]:
        quote = self.connection.ops.quote_name
        # Names from the model's own metadata, quoted; every value is a parameter.
        into = f"INSERT INTO {quote(self.table)} ({self._names(fields)}) VALUES "  # noqa: S608
        placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
        tail = f" RETURNING {quote(self.pk.column)}" if returning else ""
        size = max(1, self.connection.features.max_query_params // len(fields))
        keys: list[int] = []
        rows = iter(rows)
        with self.connection.cursor() as cursor:
            while batch := list(islice(rows, size)):
                params = [value for row in batch for value in row]
                cursor.execute(into + ", ".join([placeholder] * len(batch)) + tail, params)
                if returning:
                    keys.extend(key for (key,) in cursor.fetchall())
        return keys
