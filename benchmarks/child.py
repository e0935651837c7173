"""What every measured phase shares: Django set-up, timing, and the result line.

A phase runs in its own process (``python -m benchmarks.<phase>``) and prints its result as
ONE JSON object on its last stdout line, with its own peak RSS: ``ru_maxrss`` of the process
itself, which (unlike RUSAGE_CHILDREN deltas in the parent) belongs to this phase alone.
Progress goes to stderr.
"""

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")
    import django

    django.setup()


def say(message: str) -> None:
    print(f"  · {message}", file=sys.stderr, flush=True)


def peak_rss_kb() -> int:
    """This process's peak resident set size, in KiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def emit(result: dict) -> None:
    """The phase's result: the last line of stdout, read by ``benchmarks.run``."""
    result = {**result, "peak_rss_kb": peak_rss_kb()}
    sys.stdout.write("\n" + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def median_of(fn: Callable[[], object], runs: int, warmups: int = 1) -> tuple[float, list, object]:
    """Median wall time of ``runs`` calls after ``warmups`` untimed ones; also every time
    and the last value (so that callers can check answers)."""
    value = None
    for _ in range(warmups):
        value = fn()
    times = []
    for _ in range(runs):
        seconds, value = timed(fn)
        times.append(seconds)
    return statistics.median(times), times, value
