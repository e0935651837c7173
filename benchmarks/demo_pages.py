"""Time and count the queries of the main pages on the demo dataset (not a test).

    ./scripts/demo --no-serve          # once, to load the Tam Dương 2016 world into ./var
    .venv/bin/python benchmarks/demo_pages.py [username]

Prints, per page, the status, the number of SQL queries and the best of three wall times,
through Django's test client (no network). The scale benchmarks with baselines are the
subject of a later issue; this is the foundation's sanity check.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dangbo.members.models import Member  # noqa: E402


def main(username: str = "tochuc") -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    member = Member.objects.filter(org__code__startswith="kim-long").order_by("pk").first()
    pages = [
        "/to-chuc/",
        "/to-chuc/tam-duong/",
        "/to-chuc/tam-duong/?ngay=31/12/2016",
        "/to-chuc/kim-long/",
        "/dang-vien/",
        "/dang-vien/?q=nguyen+thi+huong",
        f"/dang-vien/{member.pk}/",
        "/dang-vien/xuat.csv",
        "/api/v1/health",
    ]
    print(f"{'page':42s} {'status':>6s} {'queries':>8s} {'best ms':>9s}")
    for url in pages:
        best, queries, status = float("inf"), 0, 0
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                best = min(best, time.perf_counter() - start)
            queries, status = len(ctx.captured_queries), response.status_code
        print(f"{url:42s} {status:6d} {queries:8d} {best * 1000:9.1f}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
