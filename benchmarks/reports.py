"""Reports (issue 15 "Speed"): (a) each kind of report built for the demo district, Tam
Dương 2016, target under 2 s for the annual report; (b) the statistical tables ("thong-ke")
of a province of the national world against hand-written SQL, one GROUP BY per table.

    python -m benchmarks.reports demo [--runs 3]                  # its own demo database
    python -m benchmarks.reports dangbo CODE [--runs 3] [--report F]
    python -m benchmarks.reports sql CODE [--runs 3]

``demo`` loads the Tam Dương demo into the database of its environment once (the driver
gives it a database of its own beside the national one) and times
``kinds.get(key).build(tam-duong, period, viewer=<a superuser>)`` for every kind registered (the
quarter's kinds for quarter IV), median of ``runs`` after a warm-up; a kind whose build fails
is reported with its error, not timed. ``dangbo`` times ``statistics.build`` for a province
of the national world for the world's year (the day the tables stand on is that year's end,
or today); ``sql`` runs the baseline: one hand-written statement per table (members by
status and sex, age, party age, schooling, professional level, theory, ethnicity,
religion; admissions; exits; transfers; grassroots organisations; sub-cells), grouped by the
province's direct child in SQL, the free-text values classified by the same Python rules.
Both print the tables' totals so that the driver compares them.
"""

import argparse
import sys
from collections import Counter
from datetime import date

from benchmarks import child, oversight

LABEL = "reports.statistics.build (thong-ke)"
KIND_TARGET_S = 2.0  # the annual report of the demo district
DEMO_ORG = "tam-duong"
DEMO_YEAR = 2016
COMPARED = (
    "members.total",
    "members.official",
    "members.probationary",
    "members.male",
    "members.female",
    "age.age_le30",
    "age.age_31_40",
    "age.age_41_50",
    "age.age_51_60",
    "age.age_61_70",
    "age.age_gt70",
    "party_age.pa_lt10",
    "party_age.pa_10_29",
    "party_age.pa_30_39",
    "party_age.pa_40_49",
    "party_age.pa_50_59",
    "party_age.pa_ge60",
    "party_age.probationary",
    "schooling.upper",
    "schooling.lower",
    "schooling.primary",
    "professional.university",
    "professional.none",
    "theory.advanced",
    "theory.intermediate",
    "theory.elementary",
    "theory.none",
    "ethnicity.total",
    "ethnicity.Kinh",
    "religion.none",
    "religion.believers",
    "movements.admitted",
    "movements.moved_in",
    "movements.exits",
    "orgs.grassroots",
    "orgs.sub_cell",
    "rows",
)


# -- (a) every kind on the demo --------------------------------------------------------------


def run_demo(runs: int) -> dict:
    from django.core.management import call_command

    from dangbo.demo import loader
    from dangbo.orgs.models import Organisation
    from dangbo.reports import kinds
    from dangbo.reports.kinds import Period

    call_command("migrate", interactive=False, verbosity=0)
    started = child.timed(loader.load)
    child.say(f"demo {'loaded' if started[1] else 'already there'} ({started[0]:.1f} s)")
    org = Organisation.objects.get(code=DEMO_ORG)
    viewer = _superuser("bench-reports")
    out = []
    for kind in kinds.all_kinds():
        period = Period(DEMO_YEAR, 4 if kind.quarterly else None)
        try:
            median, times, built = child.median_of(
                lambda kind=kind, period=period: kind.build(org, period, viewer=viewer), runs
            )
        except Exception as exc:  # noqa: BLE001 - a kind that fails is reported, not timed
            out.append({"key": kind.key, "label": kind.label, "error": repr(exc)[:300]})
            child.say(f"{kind.key}: ERROR {exc!r}"[:300])
            continue
        out.append(
            {
                "key": kind.key,
                "label": kind.label,
                "period": period.label,
                "median_s": median,
                "best_s": min(times),
                "sheets": len(built.sheets),
                "chars": len(built.text),
            }
        )
        child.say(
            f"{kind.key} ({period.label}): {median * 1000:.0f} ms (best {min(times) * 1000:.0f})"
        )
    return {"kinds": out, "target_s": KIND_TARGET_S}


# -- (b) the statistical tables of a province --------------------------------------------------


def _superuser(username: str):
    """The viewer of the timed builds: a superuser (every count, the sensitive tables too;
    the annual report refuses the anonymous viewer)."""
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def _period(year: int):
    from dangbo.reports.kinds import Period

    return Period(year)


def dangbo_answer(built) -> dict:
    f = built.figures
    answer = {k: f.get(k) for k in COMPARED if k != "rows"}
    members = next(s for s in built.sheets if s.name == "Đảng viên")
    answer["rows"] = sum(1 for r in members.rows if r[1])
    return answer


def run_dangbo(code: str, runs: int, report: str | None) -> dict:
    from dangbo.orgs.models import Organisation
    from dangbo.reports import statistics

    org = Organisation.objects.get(code=code)
    viewer = _superuser("bench-reports")
    year, _as_of = oversight.world_as_of()
    period = _period(year)
    return oversight.time_call(
        lambda: dangbo_answer(statistics.build(org, period, viewer=viewer)),
        "thong-ke",
        code,
        runs,
        report,
        label="reports.statistics.build",
        sql_chars=600,
    )


def _top(vendor: str, alias: str = "o") -> str:
    """The province's direct child a cell stands under, from its path, in SQL."""
    find = "STRPOS" if vendor == "postgresql" else "INSTR"
    rest = f"SUBSTR({alias}.path, %(cut)s)"
    return (
        f"CASE WHEN {alias}.path = %(lo)s THEN '' "
        f"ELSE SUBSTR({rest}, 1, {find}({rest}, '.') - 1) END"
    )


def _edge_top(vendor: str, alias: str) -> str:
    """The child an end of a transfer stands under; NULL outside the province."""
    inside = f"{alias}.path >= %(lo)s AND {alias}.path < %(hi)s"
    return f"CASE WHEN {inside} THEN {_top(vendor, alias)} END"


_BASE = """
FROM members_membership ms
JOIN members_member m ON m.id = ms.member_id
JOIN orgs_organisation o ON o.id = ms.org_id
WHERE o.path >= %(lo)s AND o.path < %(hi)s AND ms.kind = 'official'
  AND ms.valid_from <= %(d)s AND (ms.valid_to IS NULL OR ms.valid_to >= %(d)s)
  AND (m.exit_date IS NULL OR m.exit_date > %(d)s)
"""

_OFFICIAL = (
    "(m.official_recognition_date <= %(d)s OR (m.official_recognition_date IS NULL "
    "AND m.recognition_unknown AND m.admission_ceremony_date <= %(probation)s))"
)


def statements(org, as_of: date, start: date, vendor: str) -> list[tuple[str, str]]:
    """(table, SQL) of the baseline: one grouped statement per table."""
    from dangbo.reports import statistics_queries as sq

    top = _top(vendor)

    def band(col: str, lo: int, hi: int | None) -> str:
        cond = f"{col} <= '{sq.years_cutoff(as_of, lo).isoformat()}'"
        if hi is not None:
            cond += f" AND {col} > '{sq.years_cutoff(as_of, hi).isoformat()}'"
        return cond

    ages = ", ".join(
        f"SUM(CASE WHEN {band('m.date_of_birth', lo, hi)} THEN 1 ELSE 0 END) AS {key}"
        for key, _l, lo, hi in sq.AGE_BANDS
    )
    party = ", ".join(
        f"SUM(CASE WHEN {_OFFICIAL} AND {band('m.admission_decision_date', lo, hi)} "
        f"THEN 1 ELSE 0 END) AS {key}"
        for key, _l, lo, hi in sq.PARTY_AGE_BANDS
    )
    by = f"SELECT {top} AS top, {{col}} AS v, COUNT(*) AS n {_BASE} GROUP BY 1, 2"
    return [
        (
            "members",
            f"SELECT {top} AS top, COUNT(*) AS total, "
            f"SUM(CASE WHEN {_OFFICIAL} THEN 1 ELSE 0 END) AS official, "
            "SUM(CASE WHEN m.gender = 'M' THEN 1 ELSE 0 END) AS male, "
            "SUM(CASE WHEN m.gender = 'F' THEN 1 ELSE 0 END) AS female "
            f"{_BASE} GROUP BY 1",
        ),
        ("age", f"SELECT {top} AS top, {ages} {_BASE} GROUP BY 1"),
        (
            "party_age",
            f"SELECT {top} AS top, {party}, "
            f"SUM(CASE WHEN {_OFFICIAL} THEN 0 ELSE 1 END) AS probationary {_BASE} GROUP BY 1",
        ),
        ("schooling", by.format(col="m.education")),
        ("professional", by.format(col="m.qualification")),
        ("theory", by.format(col="m.political_theory")),
        ("ethnicity", by.format(col="m.ethnicity")),
        ("religion", by.format(col="m.religion")),
        (
            "admitted",
            f"SELECT {top} AS top, COUNT(*) AS n FROM members_member m "
            "JOIN orgs_organisation o ON o.id = m.admission_org_id "
            "WHERE o.path >= %(lo)s AND o.path < %(hi)s "
            "AND m.admission_decision_date >= %(start)s AND m.admission_decision_date <= %(d)s "
            "GROUP BY 1",
        ),
        (
            "exits",
            f"SELECT {top} AS top, m.status AS v, COUNT(*) AS n FROM members_member m "
            "JOIN orgs_organisation o ON o.id = m.org_id "
            "WHERE o.path >= %(lo)s AND o.path < %(hi)s "
            "AND m.exit_date >= %(start)s AND m.exit_date <= %(d)s "
            "AND m.status IN ('struck_off', 'expelled', 'resigned', 'deceased', 'left') "
            "GROUP BY 1, 2",
        ),
        (
            "transfers",
            f"SELECT {_edge_top(vendor, 'f')} AS src, {_edge_top(vendor, 't')} AS dst, "
            "COUNT(*) AS n FROM members_memberevent e "
            "LEFT JOIN orgs_organisation f ON f.id = e.from_org_id "
            "LEFT JOIN orgs_organisation t ON t.id = e.to_org_id "
            "WHERE e.kind IN ('transferred', 'transferred_in') "
            "AND (e.from_org_id IS NOT NULL OR e.kind = 'transferred_in') "
            "AND e.effective_date >= %(start)s AND e.effective_date <= %(d)s "
            "AND ((f.path >= %(lo)s AND f.path < %(hi)s) OR (t.path >= %(lo)s AND t.path < %(hi)s)) "
            "GROUP BY 1, 2",
        ),
        (
            "grassroots",
            "SELECT COUNT(*) AS n FROM orgs_organisation o WHERE o.path >= %(lo)s "
            "AND o.path < %(hi)s AND o.id <> %(id)s AND o.valid_from <= %(d)s "
            "AND (o.valid_to IS NULL OR o.valid_to >= %(d)s) "
            "AND o.kind IN ('grassroots_committee', 'grassroots_cell')",
        ),
        (
            "sub_cells",
            "SELECT COUNT(*) AS n FROM orgs_orglink l JOIN orgs_organisation o ON o.id = l.child_id "
            "WHERE o.path >= %(lo)s AND o.path < %(hi)s AND o.kind = 'sub_cell' "
            "AND o.valid_from <= %(d)s AND (o.valid_to IS NULL OR o.valid_to >= %(d)s) "
            "AND l.valid_from <= %(d)s AND (l.valid_to IS NULL OR l.valid_to >= %(d)s)",
        ),
    ]


def sql_answer(results: dict[str, list[dict]]) -> dict:
    from dangbo.reports import statistics

    def total(table: str, col: str) -> int:
        return sum(int(r[col] or 0) for r in results[table])

    def classified(table: str, classify) -> Counter:
        out: Counter = Counter()
        for r in results[table]:
            out[classify(r["v"])] += int(r["n"])
        return out

    def theory(v):
        if v in ("advanced", "bachelor"):
            return "advanced"
        return v if v in ("elementary", "intermediate") else "none"

    answer: dict = {
        "members.total": total("members", "total"),
        "members.official": total("members", "official"),
        "members.male": total("members", "male"),
        "members.female": total("members", "female"),
    }
    answer["members.probationary"] = answer["members.total"] - answer["members.official"]
    for key in COMPARED:
        table, _, col = key.partition(".")
        if table in ("age", "party_age"):
            answer[key] = total(table, col)
    school = classified("schooling", statistics.schooling)
    prof = classified("professional", statistics.professional)
    theo = classified("theory", theory)
    eth = classified("ethnicity", statistics.ethnicity)
    rel = classified("religion", statistics.religion)
    answer.update(
        {
            "schooling.upper": school["upper"],
            "schooling.lower": school["lower"],
            "schooling.primary": school["primary"],
            "professional.university": prof["university"],
            "professional.none": prof["none"],
            "theory.advanced": theo["advanced"],
            "theory.intermediate": theo["intermediate"],
            "theory.elementary": theo["elementary"],
            "theory.none": theo["none"],
            "ethnicity.total": sum(eth.values()),
            "ethnicity.Kinh": eth["Kinh"],
            "religion.none": rel["none"],
            "religion.believers": sum(rel.values()) - rel["none"],
            "movements.admitted": total("admitted", "n"),
            "movements.moved_in": sum(
                int(r["n"])
                for r in results["transfers"]
                if r["dst"] is not None and r["src"] != r["dst"]
            ),
            "movements.exits": total("exits", "n")
            + sum(
                int(r["n"])
                for r in results["transfers"]
                if r["src"] is not None and r["src"] != r["dst"]
            ),
            "orgs.grassroots": total("grassroots", "n"),
            "orgs.sub_cell": total("sub_cells", "n"),
            "rows": len({r["top"] for r in results["members"] if r["total"]}),
        }
    )
    return answer


def run_sql(code: str, runs: int) -> dict:
    from django.db import connection

    from dangbo.members.rules import probation_over_cutoff
    from dangbo.orgs.models import Organisation
    from dangbo.reports.periods import as_of_for

    org = Organisation.objects.get(code=code)
    year, _as_of = oversight.world_as_of()
    period = _period(year)
    as_of = as_of_for(period.end)
    params = {
        "lo": org.path,
        "hi": org.subtree_upper,
        "cut": len(org.path) + 1,
        "d": as_of,
        "start": period.start,
        "probation": probation_over_cutoff(as_of),
        "id": org.pk,
    }
    sqls = statements(org, as_of, period.start, connection.vendor)

    def fn() -> dict:
        results = {}
        with connection.cursor() as cur:
            for table, sql in sqls:
                cur.execute(sql, params)
                names = [c[0] for c in cur.description]
                results[table] = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        return sql_answer(results)

    median, times, answer = child.median_of(fn, runs)
    return {
        "view": "thong-ke",
        "code": code,
        "median_s": median,
        "best_s": min(times),
        "times": times,
        "queries": len(sqls),
        "answer": answer,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo")
    demo.add_argument("--runs", type=int, default=3)
    for name in ("dangbo", "sql"):
        p = sub.add_parser(name)
        p.add_argument("code")
        p.add_argument("--runs", type=int, default=3)
        if name == "dangbo":
            p.add_argument("--report", help="write the build's SQL queries to this file")
    args = parser.parse_args()
    child.setup_django()
    if args.command == "demo":
        child.emit(run_demo(args.runs))
        return
    if args.command == "dangbo":
        result = run_dangbo(args.code, args.runs, args.report)
    else:
        result = run_sql(args.code, args.runs)
    oversight.say_result(args.code, "thong-ke", "reports.statistics.build", result, args.command)
    child.emit(result)


if __name__ == "__main__":
    sys.exit(main())
