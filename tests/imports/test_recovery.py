"""A server killed in the middle of a commit: nothing written, and the job recovers.

Through the web, against the real ``dangbo serve`` (its own process, its background worker
thread, a file-based SQLite database or a PostgreSQL database of its own): log in, upload a
roll big enough to take a few seconds, preview, commit, SIGKILL the server while the commit
writes, restart it. The job must show "Bị gián đoạn" at once, its task row must not stay
RUNNING, and it can be cancelled (job A) or run again to the end (job B). Progress must never
have said "done" for the commit that was killed.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django_tasks_db.models import DBTaskResult

ROWS = 15_000  # three chunks: the kill lands between the first and the last
PASSWORD = "tamduong2016"  # the demo world's published password
HEADER = "Họ và tên,Giới tính,Ngày sinh,Mã chi bộ,Số thẻ đảng viên,Ngày vào Đảng,Ngày chính thức"
TASKS = DBTaskResult._meta.db_table
CELLS = (
    "SELECT code FROM orgs_organisation WHERE kind IN ('grassroots_cell', 'sub_cell') "
    "AND valid_to IS NULL ORDER BY id"
)


class Database:
    """The server's database, read directly (never through the server) to check it."""

    def __init__(self, tmp_path):
        self.vendor = (
            "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"
        )
        if self.vendor == "sqlite":
            self.url = ""
            self.path = tmp_path / "dangbo.sqlite3"
            return
        base = os.environ["DANGBO_DATABASE_URL"]
        parts = urlsplit(base)
        self.name = f"test_{parts.path.lstrip('/') or 'dangbo'}_live"
        self.admin_url = parts._replace(path="/postgres").geturl()  # base may not exist
        self.url = parts._replace(path=f"/{self.name}").geturl()
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.name}"')

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def query(self, sql: str, params=()) -> list[tuple]:
        if self.vendor == "sqlite":
            import sqlite3

            conn = sqlite3.connect(self.path, timeout=30)
            try:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.url) as conn:
            return conn.execute(sql, params).fetchall()

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _env(tmp_path, db: Database) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")}
    env.update(
        DANGBO_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="dangbo.settings",
        DANGBO_IMPORT_INLINE_KB="0",  # every run goes to the worker thread, as big files do
        DANGBO_CONN_MAX_AGE="0",
        PYTHONUNBUFFERED="1",
    )
    if db.url:
        env["DANGBO_DATABASE_URL"] = db.url
    return env


class Server:
    def __init__(self, env: dict):
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "dangbo.cli", "serve", "--port", "0", "--threads", "4"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        for line in self.proc.stdout:
            self.lines.append(line)
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if match:
                self.base = match.group(0).rstrip("/")
                # Keep reading what it prints, so that a full pipe never blocks it.
                threading.Thread(target=self._drain, daemon=True).start()
                return
        raise AssertionError("dangbo serve did not start:\n" + "".join(self.lines))

    def _drain(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            for line in self.proc.stdout:
                self.lines.append(line)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        if not self.proc.stdout.closed:
            self.proc.stdout.close()


def _login(base: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/dang-nhap/", timeout=30)
    response = session.post(
        f"{base}/dang-nhap/",
        data={
            "username": "quantri",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/dang-nhap/"},
        timeout=30,
    )
    assert response.ok and "sessionid" in session.cookies, response.text[:500]
    return session


def _post(session: requests.Session, url: str, **kw) -> requests.Response:
    data = {"csrfmiddlewaretoken": session.cookies["csrftoken"], **kw.pop("data", {})}
    return session.post(url, data=data, headers={"Referer": url}, timeout=60, **kw)


def _roll(path, cells: list[str], taken: set[str]) -> None:
    """ROWS new members, every row valid: card numbers the demo world does not use."""
    family = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ")
    given = ("An", "Bình", "Cường", "Dũng", "Hà", "Hương", "Lan", "Minh")
    cards = (f"{n:08d}" for n in range(90_000_000, 100_000_000))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        for i in range(ROWS):
            card = next(c for c in cards if c not in taken)
            name = f"{family[i % 7]} Văn {given[(i // 7) % 8]}"
            cell = cells[i % len(cells)]
            fh.write(f"{name},Nam,15/03/1985,{cell},{card},01/03/2015,01/04/2016\n")


def _progress(session, base: str, pk: int) -> dict:
    return session.get(f"{base}/nhap-du-lieu/{pk}/tien-do/", timeout=30).json()


def _wait_finished(session, base: str, pk: int, seen: list[dict], limit=600) -> dict:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        data = _progress(session, base, pk)
        seen.append(data)
        if data["finished"]:
            return data
        time.sleep(0.2)
    raise AssertionError(f"job {pk} did not finish: {seen[-3:]}")


def _upload_and_preview(session, base: str, path, server=None) -> int:
    with open(path, "rb") as fh:
        response = _post(
            session,
            f"{base}/nhap-du-lieu/",
            data={"kind": "members"},
            files={"file": ("danh-sach.csv", fh, "text/csv")},
        )
    assert response.ok, "".join(server.lines[-40:]) if server else response.text[:500]
    pk = int(re.search(r"/nhap-du-lieu/(\d+)/", response.url).group(1))
    state = _wait_finished(session, base, pk, [])
    assert state["state"] == "previewed", state
    page = session.get(f"{base}/nhap-du-lieu/{pk}/", timeout=30).text
    assert "Ghi vào cơ sở dữ liệu" in page, page  # every row valid: the commit is offered
    return pk


def _commit_and_kill(server: Server, session, pk: int) -> list[dict]:
    """Start the commit, follow its progress, SIGKILL the server while it writes."""
    response = _post(session, f"{server.base}/nhap-du-lieu/{pk}/ghi/")
    assert response.ok
    seen: list[dict] = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        data = _progress(session, server.base, pk)
        seen.append(data)
        assert not data["finished"], f"the commit ended before it could be killed: {seen}"
        if data["phase"] == "writing" and data["done"] and data["done"] < ROWS:
            server.kill()
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the commit never started writing: {seen[-3:]}")


def _members(db: Database) -> int:
    return db.query("SELECT COUNT(*) FROM members_member")[0][0]


def _job(db: Database, pk: int) -> tuple:
    return db.query(
        "SELECT state, task_id, stored_name FROM imports_importjob WHERE id = %s", [pk]
    )[0]


def _task_status(db: Database, task_id: str) -> str:
    return db.query(
        f"SELECT status FROM {TASKS} WHERE id = %s",  # noqa: S608 - the model's own table
        [task_id.replace("-", "") if db.vendor == "sqlite" else task_id],
    )[0][0]


def _task_settles(db: Database, task_id: str, limit: float = 60) -> str:
    """The worker marks its task done just after the job's own commit: wait for that write."""
    deadline = time.monotonic() + limit
    status = _task_status(db, task_id)
    while status == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.2)
        status = _task_status(db, task_id)
    return status


def _never_done(seen: list[dict]) -> None:
    """While a commit runs, progress says "writing" (not confirmed), never done."""
    for data in seen:
        assert data["state"] != "committed", seen
        assert data["phase"] in ("", "checking", "writing"), data
        if data["phase"] == "writing":
            assert "chưa xác nhận" in data["state_label"], data


def test_kill_during_commit_then_cancel_and_retry(tmp_path):
    db = Database(tmp_path)
    env = _env(tmp_path, db)
    server = None
    try:
        demo = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "dangbo.cli", "demo", "--no-serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert demo.returncode == 0, demo.stderr
        migrate = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "dangbo.cli", "migrate", "-v0"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stderr
        cells = [code for (code,) in db.query(CELLS)]
        roll = tmp_path / "roll.csv"
        _roll(roll, cells, {card for (card,) in db.query("SELECT card_number FROM members_member")})
        before = _members(db)

        server = Server(env)
        session = _login(server.base)
        job_a = _upload_and_preview(session, server.base, roll, server)
        job_b = _upload_and_preview(session, server.base, roll, server)

        # --- Job A: killed mid-commit, then cancelled.
        seen = _commit_and_kill(server, session, job_a)
        _never_done(seen)
        assert _members(db) == before  # the crash itself: nothing written
        state, task_a, stored_a = _job(db, job_a)
        assert state == "running"  # what the dead process left behind
        assert _task_status(db, task_a) == "RUNNING"

        server = Server(env)
        assert any("1 lần nhập bị gián đoạn" in line for line in server.lines), server.lines
        assert _job(db, job_a)[0] == "interrupted"
        assert _task_status(db, task_a) == "FAILED"
        page = session.get(f"{server.base}/nhap-du-lieu/{job_a}/", timeout=30).text
        assert "Bị gián đoạn" in page and "Ghi lại từ tệp đã tải lên" in page
        assert "Hủy lần nhập này" in page
        data = _progress(session, server.base, job_a)
        assert data["state"] == "interrupted" and data["finished"], data
        assert db.query("SELECT COUNT(*) FROM imports_importrow WHERE job_id = %s", [job_a])[0][0]
        _post(session, f"{server.base}/nhap-du-lieu/{job_a}/huy/")
        assert _job(db, job_a)[0] == "cancelled"
        assert not db.query("SELECT COUNT(*) FROM imports_importrow WHERE job_id = %s", [job_a])[0][
            0
        ]
        assert not (tmp_path / "imports" / stored_a).exists()
        assert _members(db) == before

        # --- Job B: killed mid-commit, then run again to the end.
        seen = _commit_and_kill(server, session, job_b)
        _never_done(seen)
        assert _members(db) == before
        server = Server(env)
        page = session.get(f"{server.base}/nhap-du-lieu/{job_b}/", timeout=30).text
        assert "Bị gián đoạn" in page
        _post(session, f"{server.base}/nhap-du-lieu/{job_b}/chay-lai/")
        seen = []
        final = _wait_finished(session, server.base, job_b, seen)
        _never_done(seen[:-1])
        assert final["state"] == "committed", final
        assert _members(db) == before + ROWS
        state, task_b, _stored = _job(db, job_b)
        assert state == "committed" and _task_settles(db, task_b) == "SUCCESSFUL"
        running = f"SELECT COUNT(*) FROM {TASKS} WHERE status = 'RUNNING'"  # noqa: S608
        assert not db.query(running)[0][0]
    finally:
        if server is not None:
            server.stop()
        db.drop()
