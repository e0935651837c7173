"""Reads spread over PostgreSQL streaming replicas (issue 17, item 5), on a real primary and
a real replica started here on loopback (initdb, pg_basebackup -R, a second postmaster):
read-only pages go to the replica, a writer reads their own change, a lagging or stopped
replica is left for the primary. dangbo runs in its own process (tests/core/replica_driver.py)
with DANGBO_REPLICA_URLS set, as a deployment would."""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from dangbo import config
from tests.portal.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    return Path(found[-1]) if found else None


def _as_postgres(argv: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root; CI runs as root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _run(argv: list[str]) -> None:
    done = subprocess.run(_as_postgres(argv), capture_output=True, text=True, timeout=120)  # noqa: S603
    assert done.returncode == 0, f"{argv[0]}: {done.stderr[-2000:]}"


@pytest.fixture(scope="module")
def clusters():
    if connection.vendor != "postgresql":
        pytest.skip("streaming replicas are PostgreSQL's (run with the PostgreSQL engine)")
    pg = _pg_bin()
    if pg is None or shutil.which("pg_basebackup", path=str(pg)) is None:
        pytest.skip("PostgreSQL's server binaries are not installed")
    # Its own folder under /tmp: the postgres user must reach it (pytest's are root's only).
    base = Path(tempfile.mkdtemp(prefix="dangbo-replication-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    primary, replica = base / "primary", base / "replica"
    p_port, r_port = free_port(), free_port()
    common = ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-k", str(base)]
    _run([str(pg / "initdb"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "-D", str(primary)])
    _run(
        [
            str(pg / "pg_ctl"),
            "-D",
            str(primary),
            "-l",
            str(base / "primary.log"),
            "-w",
            "-o",
            " ".join([f"-p {p_port}", "-c wal_level=replica", "-c max_wal_senders=4", *common]),
            "start",
        ]
    )
    try:
        _run(
            [str(pg / "createdb"), "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres", "dangbo"]
        )
        _run(
            [
                str(pg / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(p_port),
                "-U",
                "postgres",
                "-D",
                str(replica),
                "-R",
                "-X",
                "stream",
            ]
        )
        _run(
            [
                str(pg / "pg_ctl"),
                "-D",
                str(replica),
                "-l",
                str(base / "replica.log"),
                "-w",
                "-o",
                " ".join([f"-p {r_port}", "-c hot_standby=on", *common]),
                "start",
            ]
        )
        yield {
            "primary": f"postgres://postgres@127.0.0.1:{p_port}/dangbo",
            "replica": f"postgres://postgres@127.0.0.1:{r_port}/dangbo",
            "stop_replica": _as_postgres(
                [str(pg / "pg_ctl"), "-D", str(replica), "-m", "immediate", "-w", "stop"]
            ),
            "data": base / "data",
        }
    finally:
        for data in (replica, primary):
            subprocess.run(  # noqa: S603
                _as_postgres([str(pg / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True,
            )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def observed(clusters):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")},
        "DANGBO_DATABASE_URL": clusters["primary"],
        "DANGBO_REPLICA_URLS": clusters["replica"],
        "DANGBO_REPLICA_CHECK_SECONDS": "0",
        "DANGBO_DATA_DIR": str(clusters["data"]),
        "DJANGO_SETTINGS_MODULE": "dangbo.settings",
        "STOP_REPLICA": json.dumps(clusters["stop_replica"]),
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.core.replica_driver"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(result, ensure_ascii=False, indent=1))  # the figures, with -s
    return result


def test_a_read_only_page_is_answered_by_the_replica(observed):
    step = observed["steps"]["routed"]
    assert step["status"] == 200 and step["body_has"]["Đảng bộ huyện Thử Nghiệm"]
    assert step["queries"]["replica1"] > 0 and step["checks"] == 1


def test_a_writer_reads_their_own_change(observed):
    assert observed["rename_status"] == 302 and observed["cookie_set"]
    step = observed["steps"]["own_write"]
    assert step["status"] == 200 and step["body_has"]["Đảng bộ huyện Thử Nghiệm Mới"]
    # Paused behind the change: asked for its position (once more before giving up), not data.
    assert step["queries"]["replica1"] == 0 and step["checks"] == 2


def test_others_may_read_the_replica_within_the_lag_limit(observed):
    step = observed["steps"]["others_within_lag"]
    assert step["status"] == 200 and step["queries"]["replica1"] > 0
    assert not step["body_has"]["Đảng bộ huyện Thử Nghiệm Mới"]  # its copy, a moment old


def test_a_replica_beyond_the_lag_limit_is_left_alone(observed):
    step = observed["steps"]["beyond_lag"]
    assert step["status"] == 200 and step["body_has"]["Đảng bộ huyện Thử Nghiệm Mới"]
    assert step["queries"]["replica1"] == 0 and step["checks"] == 1


def test_once_caught_up_the_writer_is_back_on_the_replica(observed):
    step = observed["steps"]["caught_up"]
    assert step["body_has"]["Đảng bộ huyện Thử Nghiệm Mới"]
    assert step["queries"]["replica1"] > 0


def test_a_stopped_replica_costs_nothing_but_load(observed):
    for name in ("replica_down", "replica_down_again"):
        step = observed["steps"][name]
        assert step["status"] == 200 and step["body_has"]["Đảng bộ huyện Thử Nghiệm Mới"]
        assert step["queries"]["replica1"] == 0 and step["checks"] == 0  # refused at connect
        assert step["queries"]["default"] > 0


# ---------------------------------------------------------------- settings


def test_replica_urls_need_a_postgresql_primary():
    env = config.Env({"DANGBO_REPLICA_URLS": "postgres://u@h:5433/d"})
    assert config.replicas(env, {"ENGINE": "django.db.backends.sqlite3"}) == {}
    assert env.problems and env.problems[0].startswith("DANGBO_REPLICA_URLS")


def test_each_replica_url_is_checked_and_named():
    env = config.Env({"DANGBO_REPLICA_URLS": "postgres://u@h:5433/d, mysql://x@y/z"})
    primary = {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"options": "-c jit=off"}}
    found = config.replicas(env, primary)
    assert list(found) == ["replica1"]
    assert found["replica1"]["OPTIONS"]["options"] == "-c jit=off"
    assert found["replica1"]["PORT"] == 5433
    assert len(env.problems) == 1 and "mysql://x@y/z" in env.problems[0]
