"""The documented bulk path: rows go in through ``COPY`` on PostgreSQL and one-transaction
``executemany`` on SQLite — never the ORM row by row — inside the caller's transaction.

A staging table (``create_stage``: a temporary table, never WAL-logged, dropped with the
transaction on PostgreSQL) takes rows the same way; ``insert_from`` then writes the final
tables from it set-wise. Only the caller validates; this module writes what it is given.
"""

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction


def table_columns(model, *, with_id: bool = True) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if with_id or not f.primary_key]


def reserve_ids(model, count: int, *, start_at: int = 0) -> list[int]:
    """Ids for rows that other rows of the same batch must point to. ``start_at``: the
    first id not yet handed out by an earlier call of the same transaction whose rows are
    still staged (SQLite counts from the table, which does not hold them yet)."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [r[0] for r in cur.fetchall()]
        # SQLite: the caller's write transaction holds the database lock, so max()+1 is ours.
        cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - our table
        start = cur.fetchone()[0]
        cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cur.fetchone()
        start = max(start + 1, (seq[0] if seq else 0) + 1, start_at)
        return list(range(start, start + count))


def insert(table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    if not rows:
        return
    cols = ", ".join(f'"{c}"' for c in columns)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with (
            connection.connection.cursor() as cur,
            cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["?"] * len(columns))
    connection.ensure_connection()
    # The driver's own cursor: Django's wrapper would rewrite the query for every batch.
    cur = connection.connection.cursor()
    try:
        cur.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)  # noqa: S608
    finally:
        cur.close()


def update(table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """``rows`` are (values of ``columns``…, id)."""
    if not rows:
        return
    sets = ", ".join(f'"{c}" = %s' for c in columns)
    with connection.cursor() as cur:
        cur.executemany(f'UPDATE "{table}" SET {sets} WHERE id = %s', rows)  # noqa: S608


# -- staging -------------------------------------------------------------------------------


def create_stage(name: str, like: str, extra: Mapping[str, str]) -> None:
    """A temporary table with the columns of table ``like`` and ``extra`` (name → SQL
    type), unless this transaction already has it."""
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            more = "".join(f", {qn(c)} {t}" for c, t in extra.items())
            cur.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {qn(name)} (LIKE {qn(like)}{more}) ON COMMIT DROP"
            )
        else:
            more = "".join(f", NULL AS {qn(c)}" for c in extra)
            cur.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {qn(name)} AS "  # noqa: S608 - our names
                f"SELECT *{more} FROM {qn(like)} WHERE 0"
            )


def stage_exists(name: str) -> bool:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", [f"pg_temp.{name}"])
        else:
            cur.execute("SELECT COUNT(*) FROM sqlite_temp_master WHERE name = %s", [name])
        return bool(cur.fetchone()[0])


def drop_stage(name: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(name)}")


@dataclass(frozen=True)
class Col:
    """A column of the staging table, as the value of a column of the final table."""

    name: str


@dataclass(frozen=True)
class Json:
    """JSON text (a staged column's, or one ``value`` for every row) into a JSON column."""

    column: str = ""
    value: str = ""


def insert_from(
    stage: str,
    model,
    columns: Sequence[str],
    values: Mapping[str, Any],
    *,
    where: str = "",
    order: str = "",
) -> None:
    """``INSERT INTO model's table (columns) SELECT … FROM stage``: each column takes ``values``'s
    ``Col`` (or, when not given, the staged column of the same name), its ``Json``, or the
    constant given — one parameter for every row."""
    qn = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    table = model._meta.db_table
    fields = {f.column: f for f in model._meta.concrete_fields}
    select, params = [], []
    for column in columns:
        value = values.get(column, Col(column))
        if isinstance(value, Col):
            select.append(qn(value.name))
        elif isinstance(value, Json):
            text = qn(value.column) if value.column else "%s"
            if not value.column:
                params.append(value.value)
            select.append(f"CAST({text} AS jsonb)" if postgres else text)
        else:
            # PostgreSQL types a bare parameter in a SELECT list as text: say the column's.
            kind = fields[column].db_type(connection) if postgres else ""
            select.append(f"CAST(%s AS {kind})" if kind else "%s")
            params.append(value)
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"SELECT {', '.join(select)} FROM {qn(stage)}"
        + (f" WHERE {where}" if where else "")
        + (f" ORDER BY {qn(order)}" if order else "")
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)


# -- writes that run while Python goes on ---------------------------------------------------


class Background:
    """Statements PostgreSQL runs while Python reads the next chunk: ``start`` opens a
    pipeline (the statements executed next are sent, not waited for); ``settle`` waits for
    them, then releases the caller's savepoint, or rolls back to it and raises the
    ``IntegrityError`` they hit. An import spends as long writing a chunk as reading the
    next one: on two cores both now run at once. Elsewhere (SQLite) nothing is deferred:
    ``start`` returns False and the caller writes as usual."""

    def __init__(self) -> None:
        self._pipeline: Any = None
        self._savepoint: str | None = None

    @property
    def running(self) -> bool:
        return self._pipeline is not None

    def start(self, savepoint: str) -> bool:
        """From here the caller's statements run in the background, inside ``savepoint``
        (the caller's, now this object's to release or roll back to)."""
        if connection.vendor != "postgresql" or self.running:
            return False
        self._savepoint = savepoint
        self._pipeline = connection.connection.pipeline()
        self._pipeline.__enter__()
        return True

    def settle(self) -> None:
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is None:
            return
        savepoint, self._savepoint = self._savepoint, None
        try:
            with connection.wrap_database_errors:
                pipeline.__exit__(None, None, None)
        except BaseException:
            transaction.savepoint_rollback(savepoint)
            raise
        transaction.savepoint_commit(savepoint)

    def abandon(self) -> None:
        """Leave the pipeline after an error elsewhere: what it ran is rolled back with the
        transaction the caller is leaving."""
        pipeline, self._pipeline = self._pipeline, None
        self._savepoint = None
        if pipeline is not None:
            # Its own error, if any, is dropped here, not logged: it may quote a row's values.
            with contextlib.suppress(Exception):
                pipeline.__exit__(None, None, None)
