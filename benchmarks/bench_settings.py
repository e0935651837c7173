"""dangbo's own settings plus one URL for the benchmark's baseline view (``bench_urls``)."""

from dangbo.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
