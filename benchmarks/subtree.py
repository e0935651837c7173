"""Subtree statistics (members by status x gender): dangbo's pre-aggregates against the best
hand-written SQL over the base tables, for a few organisations.

    python -m benchmarks.subtree CODE [CODE...] [--runs 7] [--explain FILE]

dangbo: ``aggregates.subtree_counts(path)`` (one range sum over ``members_membertally``).
Baselines, both over ``members_member`` and ``orgs_organisation``:
  join  the path range joined to the members;
  ids   the organisation ids in the range selected first (``IN (SELECT id …)``).
The answers must be identical, else the phase fails. Each figure is the median of ``runs``
calls after one warm-up call. ``queries.org_stats`` (everything the organisation page shows
as statistics) is timed the same way.
"""

import argparse
import sys

from benchmarks import child

SQL = {
    "join": (
        "SELECT m.status, m.gender, COUNT(*) FROM members_member m "
        "JOIN orgs_organisation o ON o.id = m.org_id "
        "WHERE o.path >= %s AND o.path < %s GROUP BY 1, 2"
    ),
    "ids": (
        "SELECT m.status, m.gender, COUNT(*) FROM members_member m "
        "WHERE m.org_id IN (SELECT id FROM orgs_organisation WHERE path >= %s AND path < %s) "
        "GROUP BY 1, 2"
    ),
}
TALLY_SQL = (
    "SELECT status, gender, SUM(n) FROM members_membertally "
    "WHERE path >= %s AND path < %s GROUP BY status, gender"
)


def hand_written(variant: str, path: str) -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(SQL[variant], [path, path[:-1] + "/"])
        return {(s, g): int(n) for s, g, n in cur.fetchall()}


def explain(sql: str, path: str) -> str:
    from django.db import connection

    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with connection.cursor() as cur:
        cur.execute(prefix + sql, [path, path[:-1] + "/"])
        return "\n".join(" | ".join(str(c) for c in row) for row in cur.fetchall())


def measure(code: str, runs: int) -> dict:
    from dangbo.members import aggregates
    from dangbo.orgs.models import Organisation
    from dangbo.registry import queries

    org = Organisation.objects.get(code=code)
    out = {"code": code, "name": org.name}
    answers = {}
    median, times, answers["dangbo"] = child.median_of(
        lambda: aggregates.subtree_counts(org.path), runs
    )
    out["dangbo"] = {"median_s": median, "times": times}
    for variant in SQL:
        median, times, answers[variant] = child.median_of(
            lambda v=variant: hand_written(v, org.path), runs
        )
        out[f"sql_{variant}"] = {"median_s": median, "times": times}
    for variant, answer in answers.items():
        if answer != answers["dangbo"]:
            sys.exit(
                f"MISMATCH for {code}: dangbo {sorted(answers['dangbo'].items())} "
                f"!= {variant} {sorted(answer.items())}"
            )
    best = min(SQL, key=lambda v: out[f"sql_{v}"]["median_s"])
    out["baseline"] = best
    out["baseline_s"] = out[f"sql_{best}"]["median_s"]
    out["members"] = sum(answers["dangbo"].values())
    median, times, _ = child.median_of(lambda: queries.org_stats(org), runs)
    out["org_stats"] = {"median_s": median, "times": times}
    child.say(
        f"{code}: dangbo {out['dangbo']['median_s'] * 1000:.1f} ms, "
        f"SQL ({best}) {out['baseline_s'] * 1000:.1f} ms, "
        f"org_stats {median * 1000:.1f} ms, {out['members']:,} members"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codes", nargs="+")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--explain", help="write the plans for the last code to this file")
    args = parser.parse_args()
    child.setup_django()
    results = [measure(code, args.runs) for code in args.codes]
    if args.explain:
        from dangbo.orgs.models import Organisation

        path = Organisation.objects.get(code=args.codes[-1]).path
        with open(args.explain, "w") as fh:
            for label, sql in (("dangbo (tally)", TALLY_SQL), *SQL.items()):
                fh.write(f"-- {label} for {args.codes[-1]}\n{sql}\n{explain(sql, path)}\n\n")
    child.emit({"orgs": results})


if __name__ == "__main__":
    main()
