"""Import of member rows from a CSV: dangbo's validated import against the engine's raw path.

    python -m benchmarks.imports dangbo FILE    # services.create_job + services.run(commit=True)
    python -m benchmarks.imports raw FILE       # the same final rows, COPY / executemany
    python -m benchmarks.imports raw-members FILE   # the members table's rows alone
    python -m benchmarks.imports scratch FILE   # PostgreSQL: COPY the file into an UNLOGGED table
    python -m benchmarks.imports cleanup        # delete every benchmark row (cards 9xxxxxxx)

Each measurement runs in its own process and prints rows/s and its peak RSS. ``cleanup``
removes what the measurements wrote (members with a 9xxxxxxx card, their memberships and
events, the benchmark's import jobs and their stored files) and, on PostgreSQL, VACUUMs and
ANALYZEs the tables so that the next measurement starts from the same state.
"""

import argparse
import csv
import os
import sys
import time
from datetime import UTC, datetime

from benchmarks import child

JOB_PREFIX = "bench-"
# Benchmark rows carry 9xxxxxxx cards; "<> ''" lets PostgreSQL use the partial unique index.
BENCH_MEMBERS = "SELECT id FROM members_member WHERE card_number >= '9' AND card_number <> ''"
TABLES = ("members_member", "members_membership", "members_memberevent", "members_membertally")


def _count_rows(path: str) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh) - 1


def _max_member_id() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM members_member")
        return cur.fetchone()[0]


def _filled_columns(mark: int) -> list[str]:
    """Columns of ``members_member`` holding a value (not NULL, not '') in some row above
    ``mark``: the raw path's rows must fill what dangbo's fill, or they are not valid rows."""
    from django.db import connection

    from dangbo.members.models import Member

    checks = []
    for field in Member._meta.concrete_fields:
        column = connection.ops.quote_name(field.column)
        text = field.get_internal_type() in ("CharField", "TextField")
        test = f"{column} IS NOT NULL" + (f" AND {column} <> ''" if text else "")
        checks.append(f"MAX(CASE WHEN {test} THEN 1 ELSE 0 END)")
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(checks)} FROM members_member WHERE id > %s", [mark])
        row = cur.fetchone()
    return [f.column for f, filled in zip(Member._meta.concrete_fields, row, strict=True) if filled]


def _written_since(mark: int) -> dict:
    """Rows now in the three member tables for members above ``mark``."""
    from django.db import connection

    out = {}
    with connection.cursor() as cur:
        for table, column in (
            ("members_member", "id"),
            ("members_membership", "member_id"),
            ("members_memberevent", "member_id"),
        ):
            cur.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} > %s", [mark])
            out[table] = cur.fetchone()[0]
    return out


# -- dangbo ------------------------------------------------------------------------------


def run_dangbo(path: str) -> dict:
    """The import a person starts: the file is stored and hashed, then every row is parsed,
    validated against the rules and the database, and written in one transaction."""
    from dangbo.imports import services
    from dangbo.imports.models import ImportRow, JobState

    rows = _count_rows(path)
    mark = _max_member_id()
    last = [time.perf_counter()]

    def progress(p) -> None:
        if time.perf_counter() - last[0] >= 10:
            last[0] = time.perf_counter()
            child.say(f"dangbo import: {p.done:,} rows ({p.rate:,.0f} rows/s)")

    started = time.perf_counter()
    job = services.create_job(
        actor=None,
        kind="members",
        source=path,
        original_name=f"{JOB_PREFIX}{rows}.csv",
        max_bytes=0,
    )
    stored = time.perf_counter()
    job = services.run(job, commit=True, progress=progress)
    finished = time.perf_counter()
    if job.state != JobState.COMMITTED or job.counts.get("error"):
        first = ImportRow.objects.filter(job=job).exclude(messages=[]).order_by("row_no").first()
        detail = f"row {first.row_no}: {first.messages}" if first else ""
        sys.exit(f"dangbo import did not commit: state={job.state} {job.problem} {detail}")
    written = _written_since(mark)
    if written["members_member"] != rows:
        sys.exit(f"dangbo import wrote {written['members_member']} members for {rows} rows")
    return {
        "bulk": services.BULK_NOTE in job.notes,
        "rows": rows,
        "seconds": finished - started,
        "store_seconds": stored - started,
        "rows_per_s": rows / (finished - started),
        "counts": job.counts,
        "written": written,
        "filled_columns": _filled_columns(mark),
    }


# -- raw ---------------------------------------------------------------------------------


class FinalRows:
    """CSV rows turned into ``members_member`` rows with as little work as a valid row needs:
    one dict from cell code to id, dates re-ordered as text, the columns derived from the
    name (search name, sort key and — where the model has them — the name's parts, with
    dangbo's own cached functions), every other NOT NULL column filled with its empty value.
    """

    def __init__(self, now):
        from dangbo.imports.bulk import table_columns
        from dangbo.members.models import Member, MemberEvent, Membership
        from dangbo.orgs.choices import CELL_KINDS
        from dangbo.orgs.models import Organisation

        self.columns = table_columns(Member)
        empty = {
            "severe_illness": False,
            "recognition_unknown": False,
            "created_at": now,
            "updated_at": now,
        }
        nullable = {f.column for f in Member._meta.concrete_fields if f.null}
        self.template = [empty.get(c, None if c in nullable else "") for c in self.columns]
        self.at = {c: i for i, c in enumerate(self.columns)}
        self.cell_ids = dict(
            Organisation.objects.filter(kind__in=CELL_KINDS).values_list("code", "id")
        )
        self.now = now
        self.membership_columns = table_columns(Membership, with_id=False)
        self.event_columns = table_columns(MemberEvent, with_id=False)

    @staticmethod
    def _csv(path: str):
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            next(reader)
            yield from reader

    def memberships(self, path: str, first: int):
        at = {c: i for i, c in enumerate(self.membership_columns)}
        template = [None] * len(self.membership_columns)
        template[at["kind"]] = "official"
        template[at["reason"]] = template[at["register_no"]] = ""
        cell_ids = self.cell_ids
        for member_id, (_, _, _, code, _, admitted, _) in enumerate(self._csv(path), first):
            row = template.copy()
            row[at["member_id"]] = member_id
            row[at["org_id"]] = cell_ids[code]
            row[at["valid_from"]] = f"{admitted[6:]}-{admitted[3:5]}-{admitted[:2]}"
            yield row

    def events(self, path: str, first: int):
        """Admitted, and recognised when the row is official: the events dangbo writes, with a
        note and a data object of the same size."""
        at = {c: i for i, c in enumerate(self.event_columns)}
        template = [None] * len(self.event_columns)
        template[at["decision_ref"]] = ""
        template[at["note"]] = f"Ghi nhận từ tệp “{os.path.basename(path)[:120]}” (lần nhập #0)"
        template[at["recorded_at"]] = self.now
        for member_id, (*_, admitted, official) in enumerate(self._csv(path), first):
            decision = f"{admitted[6:]}-{admitted[3:5]}-{admitted[:2]}"
            row = template.copy()
            row[at["member_id"]] = member_id
            row[at["kind"]] = "admitted"
            row[at["effective_date"]] = decision
            row[at["status_after"]] = "probationary"
            row[at["data"]] = f'{{"ceremony_date": "{decision}", "import_job": 0}}'
            yield row
            if official:
                row = template.copy()
                row[at["member_id"]] = member_id
                row[at["kind"]] = "recognised"
                row[at["effective_date"]] = f"{official[6:]}-{official[3:5]}-{official[:2]}"
                row[at["status_after"]] = "official"
                row[at["data"]] = '{"import_job": 0}'
                yield row

    def __call__(self, path: str, first: int):
        from dangbo.core import text

        at = self.at
        i_id = at["id"]
        i_name, i_gender, i_dob = at["full_name"], at["gender"], at["date_of_birth"]
        i_org, i_card, i_status = at["org_id"], at["card_number"], at["status"]
        i_decision, i_ceremony = at["admission_decision_date"], at["admission_ceremony_date"]
        i_official, i_search, i_sort = (
            at["official_recognition_date"],
            at["search_name"],
            at["sort_key"],
        )
        fold, sort_key = text.fold, text.name_sort_key
        # The name's parts (given, family, middle), where the model has those columns.
        name_parts = getattr(text, "name_parts", None)
        parts = ("given_name", "family_name", "middle_name")
        i_parts = [at[p] for p in parts] if name_parts and all(p in at for p in parts) else None
        genders = {"Nam": "M", "Nữ": "F"}
        cell_ids = self.cell_ids
        template = self.template
        for member_id, (name, gender, dob, code, card, admitted, official) in enumerate(
            self._csv(path), first
        ):
            row = template.copy()
            row[i_id] = member_id
            row[i_name] = name
            row[i_gender] = genders[gender]
            row[i_dob] = f"{dob[6:]}-{dob[3:5]}-{dob[:2]}"
            row[i_org] = cell_ids[code]
            row[i_card] = card
            row[i_decision] = row[i_ceremony] = f"{admitted[6:]}-{admitted[3:5]}-{admitted[:2]}"
            if official:
                row[i_official] = f"{official[6:]}-{official[3:5]}-{official[:2]}"
                row[i_status] = "official"
            else:
                row[i_status] = "probationary"
            row[i_search] = fold(name)
            row[i_sort] = sort_key(name)
            if i_parts:
                row[i_parts[0]], row[i_parts[1]], row[i_parts[2]] = name_parts(name)
            yield row


def _reserve_member_ids(count: int) -> int:
    """The first of ``count`` consecutive member ids, taken from the sequence in one step."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('members_member', 'id'), "
                "nextval(pg_get_serial_sequence('members_member', 'id')) + %s - 1) - %s + 1",
                [count, count],
            )
            return cur.fetchone()[0]
        cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM members_member")
        return cur.fetchone()[0]


def _write(table: str, columns: list[str], rows) -> None:
    """COPY on PostgreSQL, one ``executemany`` on SQLite: the engine's fastest plain path."""
    from django.db import connection

    cols = ", ".join(f'"{c}"' for c in columns)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with (
            connection.connection.cursor() as cur,
            cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    cur = connection.connection.cursor()
    try:
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608
    finally:
        cur.close()


def run_raw(path: str, *, members_only: bool = False) -> dict:
    """The final rows of the import in their column form, written in one transaction by the
    engine's plain path: every member, their membership and their events (admitted, and
    recognised when official) — what dangbo's import leaves in the database, row for row.
    ``members_only``: the members table alone (the baseline before issue 17's last round)."""
    from django.db import connection, transaction

    rows = _count_rows(path)
    mark = _max_member_id()
    started = time.perf_counter()
    now = connection.ops.adapt_datetimefield_value(datetime.now(UTC))
    final = FinalRows(now)
    with transaction.atomic():
        first = _reserve_member_ids(rows)
        _write("members_member", final.columns, final(path, first))
        if not members_only:
            _write("members_membership", final.membership_columns, final.memberships(path, first))
            _write("members_memberevent", final.event_columns, final.events(path, first))
    finished = time.perf_counter()
    written = _written_since(mark)
    if written["members_member"] != rows:
        sys.exit(f"raw path wrote {written['members_member']} members for {rows} rows")
    return {
        "rows": rows,
        "seconds": finished - started,
        "rows_per_s": rows / (finished - started),
        "written": written,
        "filled_columns": _filled_columns(mark),
    }


def run_scratch(path: str) -> dict:
    """The floor: the file's bytes streamed by COPY (FORMAT csv) into an UNLOGGED table with
    the CSV's seven text columns — no parsing in Python, no index, no WAL, no trigger."""
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("scratch COPY is PostgreSQL only")
    rows = _count_rows(path)
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_scratch")
        cur.execute(
            "CREATE UNLOGGED TABLE bench_scratch (full_name text, gender text, "
            "date_of_birth text, cell text, card text, admitted text, official text)"
        )
    raw.commit()
    started = time.perf_counter()
    with (
        raw.cursor() as cur,
        cur.copy("COPY bench_scratch FROM STDIN WITH (FORMAT csv, HEADER)") as copy,
        open(path, "rb") as fh,
    ):
        while block := fh.read(1 << 20):
            copy.write(block)
    raw.commit()
    finished = time.perf_counter()
    with raw.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM bench_scratch")
        copied = cur.fetchone()[0]
        cur.execute("DROP TABLE bench_scratch")
    raw.commit()
    if copied != rows:
        sys.exit(f"scratch COPY loaded {copied} rows for {rows}")
    return {"rows": rows, "seconds": finished - started, "rows_per_s": rows / (finished - started)}


# -- cleanup -----------------------------------------------------------------------------


def cleanup() -> dict:
    from django.db import connection, transaction

    from dangbo.imports import services
    from dangbo.imports.models import ImportJob, ImportRow

    started = time.perf_counter()
    deleted = {}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SELECT MIN(id) FROM ({BENCH_MEMBERS}) b")  # noqa: S608
        low = cur.fetchone()[0]
        if low is not None:
            for table in ("members_memberevent", "members_membership"):
                cur.execute(
                    f"DELETE FROM {table} WHERE member_id >= %s AND member_id IN ({BENCH_MEMBERS})",
                    [low],
                )
                deleted[table] = cur.rowcount
            cur.execute(f"DELETE FROM members_member WHERE id IN ({BENCH_MEMBERS})")
            deleted["members_member"] = cur.rowcount
        jobs = list(ImportJob.objects.filter(original_name__startswith=JOB_PREFIX))
        for job in jobs:
            services.stored_path(job).unlink(missing_ok=True)
            services.progress_path(job).unlink(missing_ok=True)
        ImportRow.objects.filter(job__in=jobs).delete()
        ImportJob.objects.filter(pk__in=[j.pk for j in jobs]).delete()
        deleted["import_jobs"] = len(jobs)
    deleted_at = time.perf_counter()
    if connection.vendor == "postgresql":  # as autovacuum would, before the next phase
        with connection.cursor() as cur:
            cur.execute(f"VACUUM (ANALYZE) {', '.join(TABLES)}")
    # SQLite: no ANALYZE — dangbo never runs one, so its plans are made without statistics.
    finished = time.perf_counter()
    child.say(
        f"cleanup: {deleted} in {deleted_at - started:.1f} s, "
        f"vacuum/analyze {finished - deleted_at:.1f} s"
    )
    return {
        "deleted": deleted,
        "delete_seconds": deleted_at - started,
        "vacuum_seconds": finished - deleted_at,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["dangbo", "raw", "raw-members", "scratch", "cleanup"])
    parser.add_argument("file", nargs="?")
    args = parser.parse_args()
    if args.mode != "cleanup" and not args.file:
        parser.error("FILE is needed")
    child.setup_django()
    if args.mode == "cleanup":
        result = cleanup()
    else:
        run = {
            "dangbo": run_dangbo,
            "raw": run_raw,
            "raw-members": lambda path: run_raw(path, members_only=True),
            "scratch": run_scratch,
        }[args.mode]
        result = run(args.file)
        child.say(
            f"{args.mode}: {result['rows']:,} rows in {result['seconds']:.1f} s "
            f"({result['rows_per_s']:,.0f} rows/s)"
        )
    child.emit({"mode": args.mode, **result})


if __name__ == "__main__":
    main()
