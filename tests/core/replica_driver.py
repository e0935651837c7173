"""Run by tests/core/test_replicas.py in its own process, against a real primary and a real
streaming replica (the settings come from DANGBO_DATABASE_URL and DANGBO_REPLICA_URLS).
Drives dangbo through Django's request handler, observes which database each request read,
and prints one JSON object of observations for the test to judge."""

import json
import os
import subprocess
import sys
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from dangbo.accounts import services as account_services  # noqa: E402
from dangbo.core import replicas  # noqa: E402
from dangbo.core import services as core_services  # noqa: E402

PASSWORD = "mat-khau-rat-dai-2026"
out: dict = {"steps": {}}


def sql(alias: str, statement: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()


def wait_caught_up(timeout: float = 30) -> float:
    started = time.monotonic()
    target = replicas.lsn_number(sql("default", "SELECT pg_current_wal_lsn()::text")[0])
    while time.monotonic() - started < timeout:
        replayed = replicas.lsn_number(sql("replica1", "SELECT pg_last_wal_replay_lsn()::text")[0])
        if replayed is not None and replayed >= target:
            return time.monotonic() - started
        time.sleep(0.01)
    raise SystemExit("the replica did not catch up")


def observe(name: str, client: Client, url: str, *expect_absent: str) -> None:
    """One GET, with the number of queries each database answered."""
    for alias in connections:
        connections[alias].force_debug_cursor = True
        connections[alias].queries_log.clear()
    replicas.forget_health()
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    body = response.content.decode()
    out["steps"][name] = {
        "status": response.status_code,
        "ms": round(elapsed * 1000, 1),
        # Data queries per database, apart from the router's health checks of the replica.
        "queries": {
            alias: sum(
                "pg_last_wal_replay_lsn" not in q["sql"] for q in connections[alias].queries_log
            )
            for alias in connections
        },
        "checks": sum(
            "pg_last_wal_replay_lsn" in q["sql"] for q in connections["replica1"].queries_log
        ),
        "body_has": {text: text in body for text in (OLD, NEW, *expect_absent)},
    }


OLD, NEW = "Đảng bộ huyện Thử Nghiệm", "Đảng bộ huyện Thử Nghiệm Mới"

call_command("migrate", verbosity=0)
org, _grant = account_services.install(
    actor=None,
    org_name=OLD,
    org_code="thu-nghiem",
    kind="district_committee",
    sector="territorial",
    since=date(2000, 1, 1),
    parent_name="Đảng bộ tỉnh Thử Nghiệm",
    username="quantri",
    password=PASSWORD,
)
reader = core_services.create_user(actor=None, username="nguoidoc", password=PASSWORD)
core_services.grant_role(
    actor=None, user=reader, role="committee_member", org=org, valid_from=date(2000, 1, 1)
)
out["catch_up_s"] = round(wait_caught_up(), 3)
page = reverse("orgs:detail", args=[org.code])

writer_client = Client(HTTP_HOST="127.0.0.1")
writer_client.post(reverse("login"), {"username": "quantri", "password": PASSWORD})
other_client = Client(HTTP_HOST="127.0.0.1")
other_client.post(reverse("login"), {"username": "nguoidoc", "password": PASSWORD})
wait_caught_up()

# 1. A read-only page goes to the replica.
observe("routed", other_client, page)

# 2. Replay paused; the writer renames the organisation through the web.
sql("replica1", "SELECT pg_wal_replay_pause()")
response = writer_client.post(
    reverse("orgs:action", args=[org.code, "doi-ten"]),
    {"name": NEW, "effective_date": date.today().strftime("%d/%m/%Y")},
)
out["rename_status"] = response.status_code
out["cookie_set"] = replicas.COOKIE in response.cookies
settings.DANGBO["REPLICA_MAX_LAG"] = 3600
#    The writer reads their own change (the primary, since the replica has not replayed it);
observe("own_write", writer_client, page)
#    someone else may read the replica's slightly older copy, within the lag limit.
observe("others_within_lag", other_client, page)

# 3. Beyond the lag limit the replica is left alone.
settings.DANGBO["REPLICA_MAX_LAG"] = 1
time.sleep(2.5)
observe("beyond_lag", other_client, page)

# 4. Replay resumes: once caught up, the writer is back on the replica, change included.
settings.DANGBO["REPLICA_MAX_LAG"] = 10
sql("replica1", "SELECT pg_wal_replay_resume()")
out["resume_catch_up_s"] = round(wait_caught_up(), 3)
observe("caught_up", writer_client, page)

# 5. The replica stops: pages still answer, from the primary.
connections["replica1"].close()
subprocess.run(json.loads(os.environ["STOP_REPLICA"]), check=True, capture_output=True)  # noqa: S603
observe("replica_down", other_client, page)
observe("replica_down_again", other_client, page)

print(json.dumps(out, ensure_ascii=False))
sys.stdout.flush()
