"""The documented bulk path: rows go in through ``COPY`` on PostgreSQL and one-transaction
``executemany`` on SQLite — never the ORM row by row — inside the caller's transaction.

Only the caller validates; this module writes what it is given.
"""

from collections.abc import Sequence

from django.db import connection


def table_columns(model, *, with_id: bool = True) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if with_id or not f.primary_key]


def reserve_ids(model, count: int) -> list[int]:
    """Ids for rows that other rows of the same batch must point to."""
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
        start = max(start, seq[0] if seq else 0) + 1
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
