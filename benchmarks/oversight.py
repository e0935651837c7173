"""Meeting compliance and oversight coverage over a whole province: dangbo's views against
one hand-written SQL statement each, on a year of generated meetings.

    python -m benchmarks.oversight prepare CODE [CODE...]
    python -m benchmarks.oversight dangbo VIEW CODE --as-of YYYY-MM-DD [--runs 7] [--report F]
    python -m benchmarks.oversight sql VIEW CODE --as-of YYYY-MM-DD [--runs 7]
    python -m benchmarks.oversight cleanup

``prepare`` writes, with set-based SQL (INSERT … SELECT over the province's cells), a year of
data for each province: for every cell active on 1 January, 12 regular and 4 thematic
meetings (about 1 % left out, deterministically, for compliance to find), attendance of every
active member of the cell at every regular meeting (~4 % absent with a reason, ~1 % without),
one oversight assignment per grassroots organisation but ~2 % (committee: the province), and
visits to ~25 % of the cells in the first quarter. The rows are marked (meetings:
``resolution_ref``, visits: ``notes``, assignments: a marker ``core.LegalDocument``) and KEPT:
a later run finds them and reuses them (``cleanup`` removes them all; a change of ``MARK``
makes the next run replace them).

``dangbo`` times one view (``VIEWS``) for one province — median and best of ``runs`` calls
after a warm-up — and counts its SQL queries on a warm call; ``sql`` does the same for the
hand-written statement giving the same core figures. Each prints its answer, so that the
driver can check that both agree.
"""

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from benchmarks import child

VIEWS = ("compliance", "coverage_grassroots", "coverage_cells", "stats")
LABELS = {
    "compliance": "meetings.queries.compliance",
    "coverage_grassroots": "oversight.queries.coverage (grassroots)",
    "coverage_cells": "oversight.queries.coverage (cells)",
    "stats": "oversight.queries.oversight_stats",
}
MARK = "bench-oversight/2"  # change it when the generated data changes: old rows are replaced
MARK_LIKE = "bench-oversight/%"
DOC_NUMBER = "BENCH-OVERSIGHT"
DOC_ISSUER = "benchmarks/oversight.py"
LISTED = 200  # dangbo lists at most this many rows by name (meetings/oversight queries)
CELL_KINDS = "('grassroots_cell', 'sub_cell')"
GRASSROOTS_KINDS = "('grassroots_committee', 'grassroots_cell')"
ACTIVE_MEMBER = "('official', 'probationary')"


# -- dates and dialect -------------------------------------------------------------------


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def month_of(col: str) -> str:
    if _vendor() == "postgresql":
        return f"CAST(EXTRACT(MONTH FROM {col}) AS integer)"
    return f"CAST(strftime('%%m', {col}) AS integer)"


def quarter_of(col: str) -> str:
    if _vendor() == "postgresql":
        return f"CAST(EXTRACT(QUARTER FROM {col}) AS integer)"
    return f"((CAST(strftime('%%m', {col}) AS integer) + 2) / 3)"


def lit(day: date) -> str:
    """A date as an SQL literal (built from a date object, never from input)."""
    return f"'{day.isoformat()}'"


def _d(day: date):
    from django.db import connection

    return connection.ops.adapt_datefield_value(day)


def world_as_of() -> tuple[int, date]:
    """The year of data and the "as of" date: the national world's year (its loader dates
    everything as of its ``as_of``), as of today — or 31 December when that year is over."""
    from dangbo.core.dates import today
    from dangbo.core.models import AuditEntry
    from dangbo.demo import national

    entry = (
        AuditEntry.objects.filter(action="demo.loaded", object_id=national.AUDIT_OBJECT_ID)
        .order_by("-id")
        .first()
    )
    loaded = (entry.after or {}).get("as_of") if entry else None
    year = date.fromisoformat(loaded).year if loaded else national.AS_OF.year
    as_of = min(today(), date(year, 12, 31))
    if as_of < date(year, 1, 1):
        sys.exit(f"today ({as_of}) is before the world's year {year}")
    return year, as_of


def _bounds(org) -> dict:
    return {"lo": org.path, "hi": org.subtree_upper}


def _sql(cur, sql: str, params: dict):
    cur.execute(sql, params)
    return cur


# -- prepare -----------------------------------------------------------------------------


def _marker_doc(year: int) -> int:
    from dangbo.core.models import LegalDocument

    doc, _created = LegalDocument.objects.get_or_create(
        number=DOC_NUMBER,
        issuer=DOC_ISSUER,
        issue_date=date(year, 1, 1),
        defaults={"kind": "KH", "title": f"Dữ liệu benchmark ({MARK})"},
    )
    return doc.pk


def _delete(cur, org=None) -> dict:
    """Remove the benchmark's rows (of any version) for one province, or everywhere."""
    p = {"like": MARK_LIKE, "doc": DOC_NUMBER}
    in_org = ""
    if org is not None:
        p.update(_bounds(org), org=org.pk)
        in_org = " AND path >= %(lo)s AND path < %(hi)s"
    visits = f"SELECT id FROM oversight_visit WHERE notes LIKE %(like)s{in_org}"
    meetings = "SELECT id FROM meetings_meeting WHERE resolution_ref LIKE %(like)s" + (
        " AND org_id IN (SELECT id FROM orgs_organisation WHERE path >= %(lo)s AND path < %(hi)s)"
        if org is not None
        else ""
    )
    assignments = (
        "SELECT id FROM oversight_oversightassignment WHERE document_id IN "
        "(SELECT id FROM core_legaldocument WHERE number = %(doc)s)"
        + (" AND committee_id = %(org)s" if org is not None else "")
    )
    deleted = {}
    for table, where in (
        ("oversight_visitattendee", f"visit_id IN ({visits})"),
        ("oversight_visit", f"id IN ({visits})"),
        ("meetings_attendance", f"meeting_id IN ({meetings})"),
        ("meetings_meeting", f"id IN ({meetings})"),
        ("oversight_oversightassignment", f"id IN ({assignments})"),
    ):
        deleted[table] = _sql(cur, f"DELETE FROM {table} WHERE {where}", p).rowcount
    return deleted


def _present(cur, org, year: int) -> bool:
    p = {**_bounds(org), "mark": MARK, "start": _d(date(year, 1, 1)), "end": _d(date(year, 12, 31))}
    meetings = _sql(
        cur,
        "SELECT COUNT(*) FROM meetings_meeting WHERE resolution_ref = %(mark)s "
        "AND date >= %(start)s AND date <= %(end)s AND org_id IN "
        "(SELECT id FROM orgs_organisation WHERE path >= %(lo)s AND path < %(hi)s)",
        p,
    ).fetchone()[0]
    return meetings > 0


def _insert(cur, org, year: int, doc: int) -> dict:
    """The year of data for one province: five INSERT … SELECT statements."""
    from django.db import connection
    from django.utils import timezone

    jan1 = date(year, 1, 1)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    p = {**_bounds(org), "org": org.pk, "jan1": _d(jan1), "mark": MARK, "now": now, "doc": doc}
    cells = (
        "c.path >= %(lo)s AND c.path < %(hi)s AND c.kind IN " + CELL_KINDS + " AND "
        "c.valid_from <= %(jan1)s AND (c.valid_to IS NULL OR c.valid_to >= %(jan1)s)"
    )
    written = {}
    # The member who oversees every grassroots organisation: the first active one.
    row = _sql(
        cur,
        "SELECT m.id FROM members_member m JOIN orgs_organisation o ON o.id = m.org_id "
        "WHERE o.path >= %(lo)s AND o.path < %(hi)s AND m.status IN "
        + ACTIVE_MEMBER
        + " ORDER BY m.id LIMIT 1",
        p,
    ).fetchone()
    if row is None:
        sys.exit(f"no active member in {org.code}")
    p["member"] = row[0]
    # One assignment per grassroots organisation active on 1/1, but ~2 % (id % 50 = 0).
    written["assignments"] = _sql(
        cur,
        "INSERT INTO oversight_oversightassignment (member_id, committee_id, target_id, role, "
        "valid_from, valid_to, target_count, target_period, document_id, handed_over_from_id, "
        "end_reason) "
        "SELECT %(member)s, %(org)s, g.id, 'oversee', %(jan1)s, NULL, 1, 'quarter', %(doc)s, "
        "NULL, '' FROM orgs_organisation g WHERE g.path >= %(lo)s AND g.path < %(hi)s "
        "AND g.kind IN " + GRASSROOTS_KINDS + " AND g.valid_from <= %(jan1)s "
        "AND (g.valid_to IS NULL OR g.valid_to >= %(jan1)s) AND g.id %% 50 <> 0",
        p,
    ).rowcount
    # Meetings: slots (kind, month or quarter, k, date) joined to the cells on k = id % 20,
    # so that cells meet on different days (regular: the 5th–24th, thematic: the 6th–25th
    # of the quarter's middle month). Left out: regular when (id + month) % 97 = 0,
    # thematic when (id + 3 × quarter) % 89 = 0.
    slots, sp = [], {}
    for k in range(20):
        for month in range(1, 13):
            slots.append(f"('regular', {month}, {k}, %(r{month}_{k})s)")
            sp[f"r{month}_{k}"] = _d(date(year, month, 5 + k))
        for quarter in range(1, 5):
            slots.append(f"('thematic', {quarter}, {k}, %(t{quarter}_{k})s)")
            sp[f"t{quarter}_{k}"] = _d(date(year, 3 * quarter - 1, 25 - k))
    written["meetings"] = _sql(
        cur,
        "INSERT INTO meetings_meeting (org_id, kind, date, start_time, end_time, topic, "
        "chair_id, secretary_id, mode, minutes, resolution, resolution_ref, quality, "
        "recorded_by_id, created_at, updated_at) "
        "WITH slots(kind, part, k, day) AS (VALUES " + ", ".join(slots) + ") "
        "SELECT c.id, s.kind, s.day, NULL, NULL, 'Dữ liệu benchmark', NULL, NULL, 'in_person', "
        "'', '', %(mark)s, '', NULL, %(now)s, %(now)s "
        "FROM orgs_organisation c JOIN slots s ON s.k = c.id %% 20 WHERE " + cells + " AND NOT ("
        "(s.kind = 'regular' AND (c.id + s.part) %% 97 = 0) OR "
        "(s.kind = 'thematic' AND (c.id + 3 * s.part) %% 89 = 0))",
        {**p, **sp},
    ).rowcount
    # Attendance of every active member of the cell at every regular meeting.
    h = "((mb.id * 7 + m.id * 13) %% 100)"
    chronic = f"(mb.id %% 500 = 0 AND {month_of('m.date')} IN (2, 5, 8))"  # rule 13 flags
    written["attendance"] = _sql(
        cur,
        "INSERT INTO meetings_attendance (meeting_id, member_id, status, reason, official) "
        f"SELECT m.id, mb.id, CASE WHEN {chronic} THEN 'absent_unexcused' "
        f"WHEN {h} < 4 THEN 'absent_excused' WHEN {h} = 4 THEN 'absent_unexcused' "
        f"ELSE 'present' END, "
        f"CASE WHEN NOT {chronic} AND {h} < 4 THEN 'Đi công tác' ELSE '' END, "
        "mb.status = 'official' "
        "FROM meetings_meeting m JOIN members_member mb ON mb.org_id = m.org_id "
        "WHERE m.resolution_ref = %(mark)s AND m.kind = 'regular' "
        "AND m.date >= %(jan1)s AND m.date <= %(dec31)s AND mb.status IN "
        + ACTIVE_MEMBER
        + " AND m.org_id IN (SELECT id FROM orgs_organisation WHERE path >= %(lo)s "
        "AND path < %(hi)s)",
        {**p, "dec31": _d(date(year, 12, 31))},
    ).rowcount
    # The per-meeting counts the services keep with the rows. Fresh statistics first: with
    # the new rows unknown to the planner, PostgreSQL would re-aggregate once per meeting.
    if _vendor() == "postgresql":
        cur.execute("ANALYZE meetings_meeting, meetings_attendance")
    _sql(
        cur,
        "UPDATE meetings_meeting SET summoned = t.summoned, present = t.present, "
        "excused = t.excused, unexcused = t.unexcused, not_expected = t.not_expected "
        "FROM (SELECT a.meeting_id, COUNT(*) AS summoned, "
        "SUM(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END) AS present, "
        "SUM(CASE WHEN a.status = 'absent_excused' THEN 1 ELSE 0 END) AS excused, "
        "SUM(CASE WHEN a.status = 'absent_unexcused' THEN 1 ELSE 0 END) AS unexcused, "
        "SUM(CASE WHEN a.status IN ('exempted', 'temporarily_away') THEN 1 ELSE 0 END) "
        "AS not_expected FROM meetings_attendance a JOIN meetings_meeting m "
        "ON m.id = a.meeting_id WHERE m.resolution_ref = %(mark)s GROUP BY a.meeting_id) t "
        "WHERE meetings_meeting.id = t.meeting_id",
        p,
    )
    # Visits: a quarter of the cells (id % 4 = 0) at their February regular meeting, by the
    # overseer; without mandate when no assignment is on the cell or the organisation above.
    covering = (
        "SELECT a.id FROM oversight_oversightassignment a WHERE a.document_id = %(doc)s "
        "AND a.committee_id = %(org)s AND (a.target_id = c.id OR a.target_id = c.parent_id)"
    )
    feb = {"feb1": _d(date(year, 2, 1)), "feb_end": _d(date(year, 3, 1))}
    written["visits"] = _sql(
        cur,
        "INSERT INTO oversight_visit (meeting_id, org_id, path, date, group_id, notes, "
        "without_mandate, recorded_by_id, created_at) "
        "SELECT m.id, c.id, c.path, m.date, NULL, %(mark)s, "
        f"NOT EXISTS ({covering}), NULL, %(now)s "
        "FROM meetings_meeting m JOIN orgs_organisation c ON c.id = m.org_id "
        "WHERE m.resolution_ref = %(mark)s AND m.kind = 'regular' AND m.date >= %(feb1)s "
        "AND m.date < %(feb_end)s AND c.id %% 4 = 0 AND c.path >= %(lo)s AND c.path < %(hi)s",
        {**p, **feb},
    ).rowcount
    written["visit_attendees"] = _sql(
        cur,
        "INSERT INTO oversight_visitattendee (visit_id, member_id, assignment_id) "
        f"SELECT v.id, %(member)s, ({covering} ORDER BY a.id LIMIT 1) "
        "FROM oversight_visit v JOIN orgs_organisation c ON c.id = v.org_id "
        "WHERE v.notes = %(mark)s AND v.path >= %(lo)s AND v.path < %(hi)s",
        p,
    ).rowcount
    return written


def sizes(cur, org, year: int, as_of: date) -> dict:
    """What the views see for the province on ``as_of``."""
    p = {**_bounds(org), "start": _d(date(year, 1, 1)), "as_of": _d(as_of), "org": org.pk}
    active = "valid_from <= %(as_of)s AND (valid_to IS NULL OR valid_to >= %(as_of)s)"
    in_range = "path >= %(lo)s AND path < %(hi)s"
    cells = (
        f"SELECT id FROM orgs_organisation WHERE {in_range} AND kind IN {CELL_KINDS} AND {active}"
    )
    out = {}
    for key, sql in (
        ("cells", f"SELECT COUNT(*) FROM ({cells}) c"),
        (
            "grassroots",
            f"SELECT COUNT(*) FROM orgs_organisation WHERE {in_range} AND {active} "
            f"AND kind IN {GRASSROOTS_KINDS}",
        ),
        (
            "members",
            f"SELECT COUNT(*) FROM members_member WHERE status IN {ACTIVE_MEMBER} "
            f"AND org_id IN (SELECT id FROM orgs_organisation WHERE {in_range})",
        ),
        (
            "meetings",
            f"SELECT COUNT(*) FROM meetings_meeting WHERE org_id IN ({cells}) "
            "AND date >= %(start)s AND date <= %(as_of)s",
        ),
        (
            "attendance",
            "SELECT COUNT(*) FROM meetings_attendance a JOIN meetings_meeting m "
            f"ON m.id = a.meeting_id WHERE m.org_id IN ({cells}) "
            "AND m.date >= %(start)s AND m.date <= %(as_of)s",
        ),
        (
            "assignments",
            "SELECT COUNT(*) FROM oversight_oversightassignment WHERE committee_id = %(org)s "
            f"AND {active}",
        ),
        (
            "visits",
            f"SELECT COUNT(*) FROM oversight_visit WHERE {in_range} "
            "AND date >= %(start)s AND date <= %(as_of)s",
        ),
    ):
        out[key] = _sql(cur, sql, p).fetchone()[0]
    return out


def prepare(codes: list[str]) -> dict:
    from django.db import connection, transaction

    from dangbo.orgs.models import Organisation

    year, as_of = world_as_of()
    out = {"year": year, "as_of": as_of.isoformat(), "mark": MARK, "provinces": {}}
    touched = False
    for code in codes:
        org = Organisation.objects.get(code=code)
        with transaction.atomic(), connection.cursor() as cur:
            if _present(cur, org, year):
                info = {"reused": True, "seconds": 0.0}
                child.say(f"{code}: the year {year} of benchmark data is there, reused")
            else:
                seconds, (deleted, written) = child.timed(
                    lambda o=org, c=cur: (_delete(c, o), _insert(c, o, year, _marker_doc(year)))
                )
                info = {"reused": False, "seconds": seconds, "written": written}
                if any(deleted.values()):
                    info["deleted_old"] = deleted
                touched = True
                child.say(
                    f"{code}: wrote {year} in {seconds:.1f} s: "
                    + ", ".join(f"{v:,} {k}" for k, v in written.items())
                )
        out["provinces"][code] = info
    if touched and connection.vendor == "postgresql":
        # What autovacuum would do shortly after such inserts (visibility map, statistics).
        seconds, _ = child.timed(lambda: _vacuum(connection))
        out["vacuum_seconds"] = seconds
        child.say(f"VACUUM (ANALYZE) of the meeting and oversight tables: {seconds:.1f} s")
    with connection.cursor() as cur:
        for code in codes:
            org = Organisation.objects.get(code=code)
            out["provinces"][code]["sizes"] = sizes(cur, org, year, as_of)
    return out


def _vacuum(connection) -> None:
    with connection.cursor() as cur:
        for table in (
            "meetings_meeting",
            "meetings_attendance",
            "oversight_oversightassignment",
            "oversight_visit",
            "oversight_visitattendee",
        ):
            cur.execute(f"VACUUM (ANALYZE) {table}")


def cleanup() -> dict:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        deleted = _delete(cur)
        deleted["core_legaldocument"] = _sql(
            cur, "DELETE FROM core_legaldocument WHERE number = %(doc)s", {"doc": DOC_NUMBER}
        ).rowcount
    child.say(", ".join(f"{v:,} {k}" for k, v in deleted.items()) + " deleted")
    return {"deleted": deleted}


# -- dangbo's views ----------------------------------------------------------------------


def dangbo_call(view: str, org, as_of: date):
    """The view, and its core figures (compared with the hand-written statement's)."""
    from dangbo.meetings import queries as mq
    from dangbo.oversight import queries as oq

    if view == "compliance":
        c = mq.compliance(org, as_of)
        a = c.attendance
        return {
            "cells": c.cells,
            "regular_meetings": c.regular_meetings,
            "thematic_meetings": c.thematic_meetings,
            "missing_regular": c.missing_regular_total,
            "missing_thematic": c.missing_thematic_total,
            "attendance_rows": a["rows"],
            "present": a["present"],
            "excused": a["excused"],
            "unexcused": a["unexcused"],
            "expected": a["expected"],
            "attended_meetings": a["meetings"],
            "flagged": c.flagged_total,
            "listed": len(c.missing_regular) + len(c.missing_thematic) + len(c.flagged_members),
        }
    if view.startswith("coverage_"):
        c = oq.coverage(org, as_of, level=view.removeprefix("coverage_"))
        return {
            "total": c.total,
            "uncovered": c.uncovered_total,
            "assignments": c.assignments_total,
            "needs_handover_listed": len(c.needs_handover),
            "uncovered_listed": len(c.uncovered),
        }
    s = oq.oversight_stats(org, as_of)
    keys = (
        "sub_cells",
        "sub_cells_visited",
        "cells_visited",
        "visits",
        "visits_without_mandate",
        "regular_meetings",
        "thematic_meetings",
        "cells_missing_regular_meeting",
        "cells_missing_thematic_meeting",
        "attendance_rate",
        "members_flagged_unexcused",
        "opinions_total",
        "assignments",
        "organisations_without_oversight",
    )
    return {k: s[k] for k in keys}


def time_call(
    fn: Callable[[], Any],
    view: str,
    code: str,
    runs: int,
    report: str | None,
    *,
    label: str,
    sql_chars: int | None = None,
) -> dict:
    """dangbo's call ``fn`` for ``view`` on ``code`` (shared with benchmarks/programs.py):
    its median of ``runs`` after a warm-up, its SQL queries counted on a warm call (and
    written to ``report``, each cut to ``sql_chars``), its answer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up: connection, caches
    with CaptureQueriesContext(connection) as captured:
        answer = fn()
    median, times, _ = child.median_of(fn, runs, warmups=0)
    if report:
        _write_report(report, label, code, captured.captured_queries, sql_chars)
    return {
        "view": view,
        "code": code,
        "median_s": median,
        "best_s": min(times),
        "times": times,
        "queries": len(captured.captured_queries),
        "answer": answer,
    }


def run_dangbo(view: str, code: str, as_of: date, runs: int, report: str | None) -> dict:
    from dangbo.orgs.models import Organisation

    org = Organisation.objects.get(code=code)
    return time_call(
        lambda: dangbo_call(view, org, as_of), view, code, runs, report, label=LABELS[view]
    )


def _write_report(
    path: str, label: str, code: str, queries: list[dict], sql_chars: int | None = None
) -> None:
    total = sum(float(q["time"]) for q in queries)
    with open(path, "w") as fh:
        fh.write(f"== {label} for {code}: {len(queries)} queries, {total:.3f} s\n")
        for i, q in enumerate(queries, 1):
            fh.write(f"-- {i}. {float(q['time']) * 1000:.1f} ms\n{q['sql'][:sql_chars]}\n")
        fh.write("\n")


# -- the hand-written statements -----------------------------------------------------------


def _due_expr(days: list[date]) -> str:
    """How many of these period ends a cell founded on ``c.valid_from`` saw (0 when none)."""
    if not days:
        return "0"
    return (
        "("
        + " + ".join(f"CASE WHEN c.valid_from <= {lit(d)} THEN 1 ELSE 0 END" for d in days)
        + ")"
    )


def _compliance_parts(year: int, as_of: date) -> tuple[str, str, dict]:
    """CTEs (cells, held) and the select list of the compliance figures."""
    from dangbo.meetings import rules

    start = date(year, 1, 1)
    months = rules.months_due(year, as_of)
    quarters = rules.quarters_due(year, as_of)
    month_ends = [rules.month_end(year, m) for m in months]
    quarter_ends = [rules.quarter_bounds(year, q)[1] for q in quarters]
    p = {
        "start": _d(start),
        "as_of": _d(as_of),
        "m_end": _d(month_ends[-1] if month_ends else date(year - 1, 12, 31)),
        "q_end": _d(quarter_ends[-1] if quarter_ends else date(year - 1, 12, 31)),
    }
    ctes = (
        "cells AS (SELECT id, valid_from FROM orgs_organisation WHERE path >= %(lo)s "
        f"AND path < %(hi)s AND kind IN {CELL_KINDS} AND valid_from <= %(as_of)s "
        "AND (valid_to IS NULL OR valid_to >= %(as_of)s)), "
        "held AS (SELECT m.org_id, "
        "SUM(CASE WHEN m.kind = 'regular' THEN 1 ELSE 0 END) AS regular, "
        "SUM(CASE WHEN m.kind = 'thematic' THEN 1 ELSE 0 END) AS thematic, "
        f"COUNT(DISTINCT CASE WHEN m.kind = 'regular' AND m.date <= %(m_end)s "
        f"THEN {month_of('m.date')} END) AS months, "
        f"COUNT(DISTINCT CASE WHEN m.kind = 'thematic' AND m.date <= %(q_end)s "
        f"THEN {quarter_of('m.date')} END) AS quarters "
        "FROM meetings_meeting m JOIN cells ON cells.id = m.org_id "
        "WHERE m.date >= %(start)s AND m.date <= %(as_of)s "
        "AND m.kind IN ('regular', 'thematic') GROUP BY m.org_id)"
    )
    in_period = (
        "FROM meetings_attendance a JOIN meetings_meeting m ON m.id = a.meeting_id "
        "JOIN cells ON cells.id = m.org_id WHERE m.date >= %(start)s AND m.date <= %(as_of)s"
    )
    select = (
        "(SELECT COUNT(*) FROM cells) AS cells, "
        "(SELECT COALESCE(SUM(regular), 0) FROM held) AS regular_meetings, "
        "(SELECT COALESCE(SUM(thematic), 0) FROM held) AS thematic_meetings, "
        "(SELECT COUNT(*) FROM cells c LEFT JOIN held h ON h.org_id = c.id "
        f"WHERE COALESCE(h.months, 0) < {_due_expr(month_ends)}) AS missing_regular, "
        "(SELECT COUNT(*) FROM cells c LEFT JOIN held h ON h.org_id = c.id "
        f"WHERE COALESCE(h.quarters, 0) < {_due_expr(quarter_ends)}) AS missing_thematic, "
        "att.attendance_rows, att.present, att.excused, att.unexcused, att.expected, "
        "att.attended_meetings, "
        "(SELECT COUNT(*) FROM (SELECT a.member_id "
        + in_period
        + " AND a.status = 'absent_unexcused' AND m.kind = 'regular' "
        f"GROUP BY a.member_id, m.org_id HAVING COUNT(DISTINCT {month_of('m.date')}) >= 3) f)"
        " AS flagged"
    )
    # The same per-meeting counts dangbo keeps (meetings_meeting.summoned, present, …).
    attendance = (
        "(SELECT COALESCE(SUM(m.summoned), 0) AS attendance_rows, "
        "COALESCE(SUM(m.present), 0) AS present, COALESCE(SUM(m.excused), 0) AS excused, "
        "COALESCE(SUM(m.unexcused), 0) AS unexcused, "
        "COALESCE(SUM(m.summoned - m.not_expected), 0) AS expected, "
        "SUM(CASE WHEN m.summoned > 0 THEN 1 ELSE 0 END) AS attended_meetings "
        "FROM meetings_meeting m JOIN cells ON cells.id = m.org_id "
        "WHERE m.date >= %(start)s AND m.date <= %(as_of)s) att"
    )
    return ctes, select, {"attendance": attendance, **p}


def _live(alias: str = "a") -> str:
    return (
        f"{alias}.valid_from <= %(as_of)s AND ({alias}.valid_to IS NULL "
        f"OR {alias}.valid_to >= %(as_of)s)"
    )


def _coverage_where(level: str) -> str:
    kinds = CELL_KINDS if level == "cells" else GRASSROOTS_KINDS
    return (
        f"o.path >= %(lo)s AND o.path < %(hi)s AND o.id <> %(org)s AND {_live('o')} "
        f"AND o.kind IN {kinds}"
    )


def _uncovered(level: str) -> str:
    """No assignment in force on the organisation (for a cell: nor on the one above it)."""
    sql = (
        "NOT EXISTS (SELECT 1 FROM oversight_oversightassignment a "
        f"WHERE a.target_id = o.id AND {_live()})"
    )
    if level == "cells":
        sql += (
            " AND NOT EXISTS (SELECT 1 FROM oversight_oversightassignment a "
            f"WHERE a.target_id = o.parent_id AND {_live()})"
        )
    return sql


def _coverage_select(level: str, only: tuple[str, ...] | None = None) -> str:
    """The coverage figures as scalar subqueries (``only`` these, when given)."""
    from dangbo.oversight.services import COMMITTEE_TITLES

    orgs = f"SELECT o.id, o.parent_id FROM orgs_organisation o WHERE {_coverage_where(level)}"
    uncovered = _uncovered(level)
    titles = ", ".join(f"'{t}'" for t in COMMITTEE_TITLES)
    in_subtree = (
        "FROM oversight_oversightassignment a JOIN orgs_organisation t ON t.id = a.target_id "
        f"WHERE t.path >= %(lo)s AND t.path < %(hi)s AND {_live()}"
    )
    parts = {
        "total": f"SELECT COUNT(*) FROM ({orgs}) o",
        "uncovered": f"SELECT COUNT(*) FROM ({orgs}) o WHERE {uncovered}",
        "assignments": f"SELECT COUNT(*) {in_subtree}",
        "needs_handover": (
            f"SELECT COUNT(*) {in_subtree} AND NOT EXISTS (SELECT 1 FROM orgs_position p "
            "WHERE p.member_id = a.member_id AND p.org_id = a.committee_id "
            f"AND p.title IN ({titles}) AND {_live('p')})"
        ),
    }
    return ", ".join(
        f"({sql}) AS {name}" for name, sql in parts.items() if not only or name in only
    )


def statement(view: str, org, year: int, as_of: date) -> tuple[str, dict]:
    """The hand-written statement for ``view``: one SELECT (one row, but for coverage:
    one per uncovered organisation listed)."""
    p = {**_bounds(org), "org": org.pk, "as_of": _d(as_of), "start": _d(date(year, 1, 1))}
    if view.startswith("coverage_"):
        # The counts, and the uncovered organisations themselves (the first LISTED by path,
        # as dangbo lists them by name).
        level = view.removeprefix("coverage_")
        listed = (
            "SELECT o.id AS listed_id, o.code, o.name, o.kind, o.sector FROM orgs_organisation o "
            f"WHERE {_coverage_where(level)} AND {_uncovered(level)} ORDER BY o.path LIMIT {LISTED}"
        )
        counts = _coverage_select(level)
        sql = f"SELECT k.*, u.* FROM (SELECT {counts}) k LEFT JOIN ({listed}) u ON 1 = 1"
        return sql, p
    ctes, select, extra = _compliance_parts(year, as_of)
    attendance = extra.pop("attendance")
    p.update(extra)
    if view == "compliance":
        return f"WITH {ctes} SELECT {select} FROM {attendance}", p
    # oversight_stats: the compliance figures plus sub-cells, visits, opinions, coverage.
    sub_cells = (
        "SELECT id FROM orgs_organisation WHERE path >= %(lo)s AND path < %(hi)s "
        "AND kind = 'sub_cell' AND valid_from <= %(as_of)s "
        "AND (valid_to IS NULL OR valid_to >= %(as_of)s)"
    )
    visits = (
        "SELECT org_id, without_mandate FROM oversight_visit WHERE path >= %(lo)s "
        "AND path < %(hi)s AND date >= %(start)s AND date <= %(as_of)s"
    )
    sub = "SELECT id FROM orgs_organisation WHERE path >= %(lo)s AND path < %(hi)s"
    extra_select = (
        f"(SELECT COUNT(*) FROM ({sub_cells}) s) AS sub_cells, "
        f"(SELECT COUNT(DISTINCT org_id) FROM ({visits}) v WHERE org_id IN ({sub_cells})) "
        "AS sub_cells_visited, "
        f"(SELECT COUNT(DISTINCT org_id) FROM ({visits}) v) AS cells_visited, "
        f"(SELECT COUNT(*) FROM ({visits}) v) AS visits, "
        f"(SELECT COUNT(*) FROM ({visits}) v WHERE v.without_mandate) "
        "AS visits_without_mandate, "
        "(SELECT COUNT(*) FROM oversight_opinion WHERE received_on <= %(as_of)s AND "
        f"(org_id IN ({sub}) OR received_by_id IN ({sub}) OR assigned_to_id IN ({sub}))) "
        "AS opinions_total, "
    )
    coverage = _coverage_select("grassroots", only=("uncovered", "assignments"))
    return f"WITH {ctes} SELECT {select}, {extra_select}{coverage} FROM {attendance}", p


def sql_answer(view: str, rows: list[dict]) -> dict:
    """The statement's rows as the same core figures as ``dangbo_call``."""
    from dangbo.meetings import rules

    row = rows[0]
    if view.startswith("coverage_"):
        return {
            "total": row["total"],
            "uncovered": row["uncovered"],
            "assignments": row["assignments"],
            "needs_handover_listed": min(row["needs_handover"], LISTED),
            "uncovered_listed": sum(r["listed_id"] is not None for r in rows),
        }
    if view == "compliance":
        keys = (
            "cells",
            "regular_meetings",
            "thematic_meetings",
            "missing_regular",
            "missing_thematic",
            "attendance_rows",
            "present",
            "excused",
            "unexcused",
            "expected",
            "attended_meetings",
            "flagged",
        )
        return {k: int(row[k]) for k in keys}
    return {
        "sub_cells": row["sub_cells"],
        "sub_cells_visited": row["sub_cells_visited"],
        "cells_visited": row["cells_visited"],
        "visits": row["visits"],
        "visits_without_mandate": row["visits_without_mandate"],
        "regular_meetings": int(row["regular_meetings"]),
        "thematic_meetings": int(row["thematic_meetings"]),
        "cells_missing_regular_meeting": row["missing_regular"],
        "cells_missing_thematic_meeting": row["missing_thematic"],
        "attendance_rate": rules.attendance_rate(int(row["present"]), int(row["expected"])),
        "members_flagged_unexcused": row["flagged"],
        "opinions_total": row["opinions_total"],
        "assignments": row["assignments"],
        "organisations_without_oversight": row["uncovered"],
    }


def time_statement(
    view: str, code: str, sql: str, params: dict, runs: int, answer_of: Callable[[list[dict]], Any]
) -> dict:
    """The hand-written statement for ``view`` on ``code`` (shared with benchmarks/programs.py):
    its median of ``runs``, one query, its answer read from the rows by ``answer_of``."""
    from django.db import connection

    def fn() -> list[dict]:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            names = [c[0] for c in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    median, times, rows = child.median_of(fn, runs)
    return {
        "view": view,
        "code": code,
        "median_s": median,
        "best_s": min(times),
        "times": times,
        "queries": 1,
        "answer": answer_of(rows),
    }


def run_sql(view: str, code: str, as_of: date, runs: int) -> dict:
    from dangbo.orgs.models import Organisation

    org = Organisation.objects.get(code=code)
    sql, params = statement(view, org, as_of.year, as_of)
    return time_statement(view, code, sql, params, runs, lambda rows: sql_answer(view, rows))


def say_result(code: str, view: str, label: str, result: dict, command: str) -> None:
    """The one line a ``dangbo`` or ``sql`` run prints (shared with benchmarks/programs.py)."""
    if command == "dangbo":
        child.say(
            f"{code} {label}: {result['median_s'] * 1000:.1f} ms "
            f"(best {result['best_s'] * 1000:.1f}), {result['queries']} queries"
        )
    else:
        child.say(
            f"{code} SQL for {view}: {result['median_s'] * 1000:.1f} ms "
            f"(best {result['best_s'] * 1000:.1f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare")
    prep.add_argument("codes", nargs="+")
    for name in ("dangbo", "sql"):
        p = sub.add_parser(name)
        p.add_argument("view", choices=VIEWS)
        p.add_argument("code")
        p.add_argument("--as-of", required=True, type=date.fromisoformat)
        p.add_argument("--runs", type=int, default=7)
        if name == "dangbo":
            p.add_argument("--report", help="write the view's SQL queries to this file")
    sub.add_parser("cleanup")
    args = parser.parse_args()
    child.setup_django()
    if args.command == "prepare":
        child.emit(prepare(args.codes))
    elif args.command == "cleanup":
        child.emit(cleanup())
    else:
        if args.command == "dangbo":
            result = run_dangbo(args.view, args.code, args.as_of, args.runs, args.report)
        else:
            result = run_sql(args.view, args.code, args.as_of, args.runs)
        say_result(args.code, args.view, LABELS[args.view], result, args.command)
        child.emit(result)


if __name__ == "__main__":
    main()
