"""Diagnostic for the page benchmark: the SQL each page runs, one request at a time.

    python -m benchmarks.pagequeries --targets targets.json [--report FILE]

Through Django's test client (no network, no concurrency), logged in as ``bench``: three
requests per page with the queries captured: the first (nothing in this process yet: its
templates, its caches), the second warm, and a third right after a write elsewhere in the
country (an audit entry, which moves the data version: every cached figure and page is then
stale, the definition of cold in issue 17). Prints, per page, the status,
the number of queries, the wall time and the time spent in SQL of both; the report file gets
the slowest queries of each, in full, to read with EXPLAIN.
"""

import argparse
import json
import time

from benchmarks import child

SLOWEST = 3


def _one(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        seconds = time.perf_counter() - started
    queries = [(float(q["time"]), q["sql"]) for q in ctx.captured_queries]
    return {
        "status": response.status_code,
        "queries": len(queries),
        "seconds": seconds,
        "sql_seconds": sum(t for t, _ in queries),
        "slowest": sorted(queries, reverse=True)[:SLOWEST],
    }


def _write_elsewhere() -> None:
    """What any change anywhere does to the caches: a new audit entry (a new version)."""
    from dangbo.core import audit
    from dangbo.members.choices import MemberAudit

    audit.record(
        actor=None, action=MemberAudit.SENSITIVE_SEARCH, object_type="bench", object_id="cold"
    )


def profile(client, url: str) -> dict:
    """The first request in this process, the second (warm), and one after a write."""
    first = _one(client, url)
    warm = _one(client, url)
    _write_elsewhere()
    cold = _one(client, url)
    return {**warm, "first": first, "cold": cold}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", required=True)
    parser.add_argument("--report")
    args = parser.parse_args()
    child.setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from benchmarks.prepare import BENCH_USER

    with open(args.targets) as fh:
        targets = json.load(fh)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=BENCH_USER))
    results = {}
    for target in targets:
        result = profile(client, target["url"])
        results[target["name"]] = result
        cold, first = result["cold"], result["first"]
        child.say(
            f"{target['name']}: status {result['status']}, first {first['queries']} queries "
            f"{first['seconds'] * 1000:.0f} ms, after a write {cold['queries']} queries "
            f"{cold['seconds'] * 1000:.0f} ms ({cold['sql_seconds'] * 1000:.0f} ms in SQL), "
            f"warm {result['queries']} queries {result['seconds'] * 1000:.0f} ms "
            f"({result['sql_seconds'] * 1000:.0f} ms in SQL)"
        )
    if args.report:
        with open(args.report, "w") as fh:
            for target in targets:
                for label, result in (
                    ("first in the process", results[target["name"]]["first"]),
                    ("after a write elsewhere", results[target["name"]]["cold"]),
                    ("warm", results[target["name"]]),
                ):
                    fh.write(
                        f"== {target['name']} {target['url']} ({label}): {result['queries']} "
                        f"queries, {result['seconds'] * 1000:.0f} ms, "
                        f"{result['sql_seconds'] * 1000:.0f} ms SQL\n"
                    )
                    for seconds, sql in result["slowest"]:
                        fh.write(f"-- {seconds * 1000:.1f} ms\n{sql}\n")
                    fh.write("\n")
    for result in results.values():
        for r in (result, result["cold"], result["first"]):
            r["slowest"] = [(t, sql[:200]) for t, sql in r["slowest"]]
    child.emit({"pages": results})


if __name__ == "__main__":
    main()
