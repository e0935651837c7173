"""Diagnostic for the page benchmark: the SQL each page runs, one request at a time.

    python -m benchmarks.pagequeries --targets targets.json [--report FILE]

Through Django's test client (no network, no concurrency), logged in as ``bench``: two
requests per page with the queries captured, the first one cold (nothing in this process's
cache, as after any change in the data) and the second warm. Prints, per page, the status,
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


def profile(client, url: str) -> dict:
    """The first request (cold: nothing cached in this process) and the second (warm)."""
    cold = _one(client, url)
    warm = _one(client, url)
    return {**warm, "cold": cold}


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
        cold = result["cold"]
        child.say(
            f"{target['name']}: status {result['status']}, cold {cold['queries']} queries "
            f"{cold['seconds'] * 1000:.0f} ms ({cold['sql_seconds'] * 1000:.0f} ms in SQL), "
            f"warm {result['queries']} queries {result['seconds'] * 1000:.0f} ms "
            f"({result['sql_seconds'] * 1000:.0f} ms in SQL)"
        )
    if args.report:
        with open(args.report, "w") as fh:
            for target in targets:
                for label, result in (
                    ("cold", results[target["name"]]["cold"]),
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
        for r in (result, result["cold"]):
            r["slowest"] = [(t, sql[:200]) for t, sql in r["slowest"]]
    child.emit({"pages": results})


if __name__ == "__main__":
    main()
