"""A flood of petitions and comments against the public portal of a real ``dangbo serve``.

    .venv/bin/python benchmarks/portal_flood.py [--requests 3000] [--threads 32]
        [--legit 6] [--server-threads 8]

Each run gets its own SQLite database in a temporary data directory under ``var/bench/``
(migrated; a minimal world written by this script's ``--prepare`` step in a child process: a
district committee owning the portal, three communes, two superusers — one writes and one
approves, four eyes — and one published article open to comments), removed at the end.

The server is ``dangbo serve`` (waitress, real HTTP on 127.0.0.1) with
``DANGBO_PROXY_COUNT=1`` and ``DANGBO_PORTAL_MIN_FILL_SECONDS=0`` (the fill-time guard is not
what is measured; the signed stamp must still be valid). Distinct client addresses: by
default (``--addresses source``) each client connects from its own loopback address (all of
127.0.0.0/8 is loopback on Linux), and sends the same address in ``X-Forwarded-For``; with
``--addresses header`` every client connects from 127.0.0.1 and only ``X-Forwarded-For``
differs, as behind a reverse proxy. (Waitress 3 drops ``X-Forwarded-For`` unless it is told
which proxy to trust, so in that mode dangbo sees one address for everybody: see the
README.) The rate limits are dangbo's
defaults (per address 5, per email 3, per hour, per form).

1. **flood**: ``--threads`` threads, each a "client" with its own keep-alive connection, CSRF
   cookie and token and form stamp (fetched once), POST petitions and comments alternately,
   ``--requests`` in all, every one from the ONE flooding address ``127.0.0.66`` (each with
   a different email, so the per-address limit is the one that holds);
2. meanwhile ``--legit`` legitimate senders, each with its own address and email, send one
   petition and one comment each, spread over the flood;
3. afterwards: the home page is fetched (200?) and the server process must still be alive;
   the rows are counted in the database: the flooder's accepted rows must equal the
   per-address limit for each form, and every legitimate submission must be stored.

Baseline, measured in the same run: the same number of raw INSERTs of a petition-like row
(the columns of an opinion and its petition in one table) by Python's sqlite3 into a scratch
database with dangbo's pragmas (WAL, synchronous=NORMAL): one commit per row (as each request
commits) and all in one transaction.

Targets only 127.0.0.1; every loop is bounded in count and time. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make `benchmarks` importable
from benchmarks.served import DANGBO, Cookies, Server  # noqa: E402

PORTAL = "/cong-thong-tin/"
FLOODER = "127.0.0.66"  # the flooding address (all of 127/8 is loopback on Linux)
LEGIT = "127.0.1.{}"  # the legitimate senders' addresses
MODE = {"source": True}  # the clients' own source address, or one address + X-Forwarded-For
TIMEOUT = 60.0  # seconds per request: a stalled server is a finding, not a hang
FLOOD_DEADLINE = 900.0  # seconds: the flood stops by itself whatever happens
RATE_PER_ADDRESS = 5  # dangbo's default (DANGBO_PORTAL_RATE_PER_ADDRESS)
ORG_CODE = "bench-huyen"


# ------------------------------------------------------------------ the world (child process)


def prepare() -> None:
    """Runs in a child with the server's environment: the minimal world, printed as JSON."""
    import django

    django.setup()
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dangbo.orgs import services as orgs
    from dangbo.oversight.models import OpinionTopic
    from dangbo.oversight.topics import ensure_defaults
    from dangbo.portal import services
    from dangbo.portal.models import Category

    ensure_defaults()
    since = date(2000, 1, 1)
    central = orgs.create_org(
        actor=None,
        code="bench-tw",
        name="Trung ương",
        kind="central",
        sector="territorial",
        parent=None,
        valid_from=since,
    )
    top = orgs.create_org(
        actor=None,
        code="bench-tinh",
        name="Đảng bộ tỉnh Thử nghiệm",
        kind="province_committee",
        sector="territorial",
        parent=central,
        valid_from=since,
    )
    district = orgs.create_org(
        actor=None,
        code=ORG_CODE,
        name="Đảng bộ huyện Thử nghiệm",
        kind="district_committee",
        sector="territorial",
        parent=top,
        valid_from=since,
    )
    communes = [
        orgs.create_org(
            actor=None,
            code=f"bench-xa-{i}",
            name=f"Đảng bộ xã Thử nghiệm {i}",
            kind="grassroots_committee",
            sector="commune",
            parent=district,
            valid_from=since,
        )
        for i in (1, 2, 3)
    ]
    users = get_user_model().objects
    writer = users.create_superuser("bench-writer", password=secrets.token_urlsafe(16))
    reviewer = users.create_superuser("bench-reviewer", password=secrets.token_urlsafe(16))
    category = Category.objects.get_or_create(slug="tin-tuc", defaults={"name": "Tin tức"})[0]
    article = services.create_article(
        actor=writer,
        org=district,
        data=services.ArticleInput(
            title="Hội nghị sơ kết công tác xây dựng Đảng",
            lead="Huyện ủy sơ kết 6 tháng đầu năm.",
            body="## Kết quả\n\nĐoạn thứ nhất.\n\n- ý một\n- ý hai",
            author_name="Văn phòng Huyện ủy",
            category=category,
        ),
    )
    services.submit_article(actor=writer, article=article)
    services.publish_article(
        actor=reviewer, article=article, publish_at=timezone.now() - timedelta(hours=1)
    )
    topic = OpinionTopic.objects.filter(active=True).order_by("position").first()
    print(
        json.dumps({"slug": article.slug, "topic": topic.pk, "communes": [c.pk for c in communes]})
    )


# ------------------------------------------------------------------ HTTP


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Client(Cookies):
    """One keep-alive connection from one address, with its own cookies, CSRF token and form
    stamp."""

    def __init__(self, port: int, address: str):
        self.port = port
        self.address = address
        self.conn = http.client.HTTPConnection(
            "127.0.0.1",
            port,
            timeout=TIMEOUT,
            source_address=(address, 0) if MODE["source"] else None,
        )
        self.cookies: dict[str, str] = {}
        self.token = self.stamp = ""

    def _headers(self, **extra: str) -> dict[str, str]:
        return {"Cookie": self._cookie(), "X-Forwarded-For": self.address, **extra}

    def get(self, path: str) -> tuple[int, str]:
        self.conn.request("GET", path, headers=self._headers())
        response = self.conn.getresponse()
        body = response.read().decode()
        self._keep(response)
        return response.status, body

    def prepare(self, article_path: str) -> None:
        status, body = self.get(article_path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        stamp = re.search(r'name="started" value="([^"]+)"', body)
        if status != 200 or not token or not stamp:
            raise RuntimeError(f"article page: status {status}, no CSRF token or stamp")
        self.token, self.stamp = token.group(1), stamp.group(1)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, float]:
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": self.token, "started": self.stamp, "website": "", **fields}
        )
        started = time.perf_counter()
        self.conn.request(
            "POST",
            path,
            body=form,
            headers=self._headers(
                **{
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://127.0.0.1:{self.port}{path}",
                }
            ),
        )
        response = self.conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        self._keep(response)
        return response.status, elapsed


# ------------------------------------------------------------------ the flood


@dataclass
class Tally:
    statuses: dict[tuple[str, int], int] = field(default_factory=dict)  # (kind, status) → n
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, status: int, elapsed: float) -> None:
        self.statuses[kind, status] = self.statuses.get((kind, status), 0) + 1
        self.latencies.append(elapsed)


def petition_fields(world: dict, n: int, email: str) -> dict[str, str]:
    return {
        "topic": str(world["topic"]),
        "org": str(world["communes"][n % len(world["communes"])]),
        "place": f"Thôn số {n % 17}",
        "text": f"Đèn đường thôn số {n % 17} không sáng đã hai tuần (phản ánh {n}).",
        "name": f"Người gửi {n}",
        "email": email,
        "consent": "on",
    }


def comment_fields(n: int, email: str) -> dict[str, str]:
    return {
        "name": f"Bạn đọc {n}",
        "email": email,
        "text": f"Đề nghị đăng thêm số liệu của từng xã (ý kiến {n}).",
        "consent": "on",
    }


def flood(port: int, world: dict, requests: int, threads: int, legit: int) -> dict:
    article = f"{PORTAL}bai-viet/{world['slug']}/"
    petition = f"{PORTAL}gui-phan-anh/"
    counter = iter(range(requests))
    lock = threading.Lock()
    done = [0]
    flood_tally, legit_tally = Tally(), Tally()
    legit_sent: list[tuple[str, str, int]] = []  # (kind, email, status)
    stop = threading.Event()

    def next_n() -> int | None:
        with lock:
            return next(counter, None)

    def flooder() -> None:
        try:
            client = Client(port, FLOODER)
            client.prepare(article)
            while not stop.is_set():
                n = next_n()
                if n is None:
                    return
                email = f"f{n}@flood.example"
                if n % 2 == 0:
                    kind, status, elapsed = (
                        "petition",
                        *client.post(petition, petition_fields(world, n, email)),
                    )
                else:
                    kind, status, elapsed = (
                        "comment",
                        *client.post(article, comment_fields(n, email)),
                    )
                with lock:
                    flood_tally.add(kind, status, elapsed)
                    done[0] += 1
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            with lock:
                flood_tally.errors.append(f"{exc.__class__.__name__}: {exc}")

    def sender(i: int) -> None:
        """A legitimate sender: its own address and email; it sends when the flood has gone
        through its share (i / (legit + 1)) of the requests."""
        address, email = LEGIT.format(10 + i), f"nguoi-dan-{i}@example.org"
        threshold = requests * (i + 1) // (legit + 1)
        while done[0] < threshold and not stop.is_set():
            time.sleep(0.01)
        try:
            client = Client(port, address)
            client.prepare(article)
            for kind, path, fields in (
                ("petition", petition, petition_fields(world, 10_000 + i, email)),
                ("comment", article, comment_fields(10_000 + i, email)),
            ):
                status, elapsed = client.post(path, fields)
                with lock:
                    legit_tally.add(kind, status, elapsed)
                    legit_sent.append((kind, email, status))
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            with lock:
                legit_tally.errors.append(f"{exc.__class__.__name__}: {exc}")

    started = time.perf_counter()
    workers = [threading.Thread(target=flooder, daemon=True) for _ in range(threads)]
    workers += [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(legit)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + FLOOD_DEADLINE
    for w in workers:
        w.join(max(0.0, deadline - time.monotonic()))
    stop.set()
    wall = time.perf_counter() - started
    return {"wall": wall, "flood": flood_tally, "legit": legit_tally, "legit_sent": legit_sent}


# ------------------------------------------------------------------ the baseline


def baseline(requests: int, work: Path) -> dict[str, float]:
    """Raw INSERTs of a petition-like row with dangbo's SQLite pragmas."""
    path = work / "baseline.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        "CREATE TABLE petition (id INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL,"
        " received_on TEXT NOT NULL, received_at TEXT NOT NULL, source TEXT NOT NULL,"
        " channel TEXT NOT NULL, state TEXT NOT NULL, topic_id INTEGER NOT NULL,"
        " org_id INTEGER NOT NULL, received_by_id INTEGER NOT NULL, place TEXT NOT NULL,"
        " text TEXT NOT NULL, submitter_name TEXT NOT NULL, submitter_contact TEXT NOT NULL,"
        " email TEXT NOT NULL, consent INTEGER NOT NULL, publish_ok INTEGER NOT NULL);"
    )
    sql = "INSERT INTO petition VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"

    def row(n: int, run: str) -> tuple:
        email = f"f{n}@flood.example"
        return (
            f"{run}{n:08d}",
            "2026-01-15",
            "2026-01-15T08:00:00",
            "citizen",
            "portal",
            "received",
            1,
            2,
            1,
            f"Thôn số {n % 17}",
            f"Đèn đường thôn số {n % 17} không sáng đã hai tuần (phản ánh {n}).",
            f"Người gửi {n}",
            email,
            email,
            1,
            0,
        )

    out = {}
    started = time.perf_counter()
    for n in range(requests):  # autocommit: one transaction (and WAL append) per row
        db.execute("BEGIN IMMEDIATE")
        db.execute(sql, row(n, "A"))
        db.execute("COMMIT")
    out["one commit per row"] = requests / (time.perf_counter() - started)
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.executemany(sql, (row(n, "B") for n in range(requests)))
    db.execute("COMMIT")
    out["one transaction"] = requests / (time.perf_counter() - started)
    db.close()
    return out


# ------------------------------------------------------------------ the report


def stored(data_dir: Path, legit_emails: set[str]) -> dict:
    db = sqlite3.connect(f"file:{data_dir / 'dangbo.sqlite3'}?mode=ro", uri=True)
    try:
        out = {}
        for kind, table in (("petition", "portal_petition"), ("comment", "portal_comment")):
            emails = [e for (e,) in db.execute(f"SELECT email FROM {table}")]  # noqa: S608
            out[kind] = {
                "flooder": sum(e.endswith("@flood.example") for e in emails),
                "legit": {e for e in emails if e in legit_emails},
                "total": len(emails),
            }
        out["opinions"] = db.execute("SELECT count(*) FROM oversight_opinion").fetchone()[0]
        return out
    finally:
        db.close()


def table(rows: list[tuple[str, str]], title: str) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n{title}")
    print("-" * (width + 30))
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def report(args, result: dict, rows: dict, base: dict, alive: bool, home: int) -> bool:
    flood_t, legit_t = result["flood"], result["legit"]
    answered = len(flood_t.latencies) + len(legit_t.latencies)
    by = flood_t.statuses
    lat = flood_t.latencies
    legit_ok = {
        kind: {e for k, e, s in result["legit_sent"] if k == kind and s in (200, 303)}
        for kind in ("petition", "comment")
    }
    lost = {
        kind: sorted({e for k, e, _ in result["legit_sent"] if k == kind} - rows[kind]["legit"])
        for kind in ("petition", "comment")
    }
    expected_legit = args.legit
    checks = {
        "flooder's petitions stored = limit": rows["petition"]["flooder"] == RATE_PER_ADDRESS,
        "flooder's comments stored = limit": rows["comment"]["flooder"] == RATE_PER_ADDRESS,
        "every legitimate petition stored": len(rows["petition"]["legit"]) == expected_legit
        and not lost["petition"],
        "every legitimate comment stored": len(rows["comment"]["legit"]) == expected_legit
        and not lost["comment"],
        "server alive, home page 200": alive and home == 200,
        "no transport errors": not flood_t.errors and not legit_t.errors,
    }
    table(
        [
            ("requests answered", f"{answered} of {args.requests + 2 * args.legit}"),
            ("wall time", f"{result['wall']:.1f} s"),
            ("throughput", f"{answered / result['wall']:.0f} requests/s"),
            ("flood latency p50", ms(statistics.median(lat) if lat else float("nan"))),
            ("flood latency p95", ms(pct(lat, 0.95))),
            ("flood latency p99", ms(pct(lat, 0.99))),
            ("flood latency max", ms(max(lat) if lat else float("nan"))),
            (
                "legitimate latency p50 / max",
                f"{ms(statistics.median(legit_t.latencies))} / {ms(max(legit_t.latencies))}"
                if legit_t.latencies
                else "—",
            ),
        ],
        f"Portal flood: {args.requests} POSTs from one address ({FLOODER}, "
        f"{'its own loopback source' if MODE['source'] else 'X-Forwarded-For from 127.0.0.1'}), "
        f"{args.threads} client threads, dangbo serve --threads {args.server_threads}, SQLite",
    )
    table(
        [
            (
                f"{kind} from the flooder",
                "  ".join(f"{s}: {n}" for (k, s), n in sorted(by.items()) if k == kind),
            )
            for kind in ("petition", "comment")
        ]
        + [
            ("429s to the flooder", str(sum(n for (_, s), n in by.items() if s == 429))),
            (
                "flooder's rows stored",
                f"petitions {rows['petition']['flooder']}, comments "
                f"{rows['comment']['flooder']} (limit per address: {RATE_PER_ADDRESS} each)",
            ),
            (
                "legitimate senders",
                f"{args.legit} addresses × (1 petition + 1 comment); answered "
                + "  ".join(f"{k} {s}: {n}" for (k, s), n in sorted(legit_t.statuses.items())),
            ),
            (
                "legitimate rows stored",
                f"petitions {len(rows['petition']['legit'])}/{len(legit_ok['petition'])} "
                f"accepted, comments {len(rows['comment']['legit'])}/"
                f"{len(legit_ok['comment'])} accepted, lost: "
                f"{sum(len(v) for v in lost.values())}",
            ),
            ("opinions in the pipeline", str(rows["opinions"])),
            ("server after the flood", f"process {'alive' if alive else 'DEAD'}, home {home}"),
        ],
        "What the throttle did",
    )
    dangbo_rate = answered / result["wall"]
    table(
        [
            ("dangbo (HTTP, throttle, mostly 429)", f"{dangbo_rate:8.0f} requests/s"),
            *(
                (f"raw sqlite3 INSERT, {label}", f"{rate:8.0f} rows/s")
                for label, rate in base.items()
            ),
            (
                "dangbo / raw (one commit per row)",
                f"{dangbo_rate / base['one commit per row']:.3f}",
            ),
        ],
        f"Baseline, same run: {args.requests} petition-like rows into a scratch SQLite database",
    )
    table(
        [(name, "PASS" if ok else "FAIL") for name, ok in checks.items()],
        "Checks",
    )
    for label, tally in (("flood", flood_t), ("legitimate", legit_t)):
        if tally.errors:
            print(f"{label} errors: {len(tally.errors)}, first: {tally.errors[0]}")
    return all(checks.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="the flooder's POSTs")
    parser.add_argument("--threads", type=int, default=32, help="the flooder's client threads")
    parser.add_argument("--legit", type=int, default=6, help="legitimate senders")
    parser.add_argument(
        "--server-threads", type=int, default=8, help="dangbo serve's request threads"
    )
    parser.add_argument(
        "--addresses",
        choices=("source", "header"),
        default="source",
        help="source: each client connects from its own loopback address (127.0.0.66 floods,"
        " 127.0.1.x are the legitimate senders; X-Forwarded-For carries the same address);"
        " header: every client connects from 127.0.0.1 and only X-Forwarded-For differs"
        " (what a reverse proxy sends: shows whether DANGBO_PROXY_COUNT reaches dangbo)",
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    MODE["source"] = args.addresses == "source"
    if args.prepare:
        prepare()
        return

    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="portal-flood-", dir=ROOT / "var" / "bench"))
    ok = False
    try:
        data = work / "data"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")},
            "DANGBO_DATA_DIR": str(data),
            "DANGBO_SECRET_KEY": secrets.token_urlsafe(40),
            "DANGBO_LOG_LEVEL": "ERROR",
            "DANGBO_PROXY_COUNT": "1",
            "DANGBO_PORTAL_ORG": ORG_CODE,
            "DANGBO_PORTAL_MIN_FILL_SECONDS": "0",
            "DJANGO_SETTINGS_MODULE": "dangbo.settings",
        }
        print("preparing a fresh SQLite database and a minimal world…", flush=True)
        subprocess.run([str(DANGBO), "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)  # noqa: S603
        made = subprocess.run(  # noqa: S603
            [sys.executable, str(Path(__file__).resolve()), "--prepare"],
            env={**env, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if made.returncode != 0:
            sys.exit(f"preparing the world failed:\n{made.stderr[-3000:]}")
        world = json.loads(made.stdout.strip().splitlines()[-1])
        print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
        server = Server(env, args.server_threads, work / "serve.log")
        try:
            server.wait_ready()
            result = flood(server.port, world, args.requests, args.threads, args.legit)
            try:
                home, _ = Client(server.port, LEGIT.format(200)).get(PORTAL)
            except OSError:
                home = 0
            alive = server.proc.poll() is None
        finally:
            server.stop()
        rows = stored(data, {e for _, e, _ in result["legit_sent"]})
        base = baseline(args.requests, work)
        ok = report(args, result, rows, base, alive, home)
        print(f"\nload average at end: {os.getloadavg()[0]:.2f} (the server, the clients and")
        print("anything else on the machine share its CPUs: a busy machine is slower)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
