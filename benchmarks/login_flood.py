"""A flood of wrong-password logins on loopback against a real ``dangbo serve`` (issue 11).

    .venv/bin/python -m benchmarks.login_flood [--attempts 400] [--clients 16]
        [--unthrottled 48] [--threads 8]

Each run gets its own SQLite database in a temporary data directory under ``var/bench/``
(migrated, one user ``flood`` with a random password, Django's real PBKDF2 hasher: ~0.5 s of
CPU per checked password), removed at the end. For each server (dangbo as configured, then,
unless ``--unthrottled 0``, the same with django-axes switched off, the "before" figure):

1. **baseline**: the login page (GET ``/dang-nhap/``, no password involved) requested
   ``--probes`` times one after another on the idle server;
2. **flood**: ``--clients`` threads, each with its own keep-alive connection, CSRF cookie and
   token, POST wrong passwords for names ``guess0 … guess39`` (a spray: the per-address limit
   is the one that holds) until ``--attempts`` have been answered; meanwhile one probe thread
   GETs the login page every 50 ms. Reported: answers by status (200 = the password was
   checked and refused, 429 = the throttle refused without checking), the flood's wall time,
   the server's CPU seconds (``/proc/PID/stat``) and the probe's p50/p95/max next to the
   idle baseline.

Targets only 127.0.0.1; every loop is bounded in count and time.
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from benchmarks.served import DANGBO, ROOT, Cookies, Server  # noqa: E402

TIMEOUT = 120.0  # seconds per request: a stalled server is a finding, not a hang
PROBE_EVERY = 0.05
FLOOD_DEADLINE = 600.0  # seconds: the flood stops by itself whatever happens
CLK_TCK = os.sysconf("SC_CLK_TCK")
UNTHROTTLED_SETTINGS = "from dangbo.settings import *  # noqa: F403\nAXES_ENABLED = False\n"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


class Client(Cookies):
    """One keep-alive connection with its own cookies and CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.cookies: dict[str, str] = {}
        self.token = ""

    def get(self, path: str) -> tuple[int, str]:
        self.conn.request("GET", path, headers={"Cookie": self._cookie()})
        response = self.conn.getresponse()
        body = response.read().decode()
        self._keep(response)
        return response.status, body

    def prepare(self) -> None:
        status, body = self.get("/dang-nhap/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            sys.exit(f"login page: status {status}, no CSRF token")
        self.token = match.group(1)

    def login(self, username: str, password: str) -> int:
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": self.token, "username": username, "password": password}
        )
        self.conn.request(
            "POST",
            "/dang-nhap/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": self._cookie(),
                "Referer": f"http://127.0.0.1:{self.port}/dang-nhap/",
            },
        )
        response = self.conn.getresponse()
        response.read()
        self._keep(response)
        return response.status


def baseline(port: int, probes: int) -> list[float]:
    client = Client(port)
    client.get("/dang-nhap/")  # warm-up
    times = []
    for _ in range(probes):
        started = time.perf_counter()
        status, _ = client.get("/dang-nhap/")
        times.append(time.perf_counter() - started)
        if status != 200:
            sys.exit(f"baseline: status {status}")
    return times


def flood(port: int, pid: int, attempts: int, clients: int) -> dict:
    counter = iter(range(attempts))
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    stop = threading.Event()
    probe_times: list[float] = []
    errors: list[str] = []

    def next_attempt() -> int | None:
        with lock:
            return next(counter, None)

    def attacker() -> None:
        client = Client(port)
        try:
            client.prepare()
            while not stop.is_set():
                n = next_attempt()
                if n is None:
                    return
                status = client.login(f"guess{n % 40}", secrets.token_urlsafe(12))
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
        except OSError as exc:
            errors.append(f"{exc.__class__.__name__}: {exc}")

    def prober() -> None:
        client = Client(port)
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status, _ = client.get("/dang-nhap/")
            except OSError as exc:
                errors.append(f"probe {exc.__class__.__name__}")
                client = Client(port)
                continue
            probe_times.append(time.perf_counter() - started)
            if status != 200:
                errors.append(f"probe status {status}")
            stop.wait(PROBE_EVERY)

    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    probe = threading.Thread(target=prober, daemon=True)
    probe.start()
    workers = [threading.Thread(target=attacker, daemon=True) for _ in range(clients)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + FLOOD_DEADLINE
    for w in workers:
        w.join(max(0.0, deadline - time.monotonic()))
    wall = time.perf_counter() - started
    stop.set()
    probe.join(TIMEOUT)
    return {
        "statuses": dict(sorted(statuses.items())),
        "wall": wall,
        "cpu": cpu_seconds(pid) - cpu_before,
        "probe": probe_times,
        "errors": errors,
    }


def run(label: str, env: dict, args, attempts: int, work: Path) -> dict:
    print(
        f"\n== {label}: dangbo serve --threads {args.threads}, {attempts} wrong passwords "
        f"from {args.clients} clients",
        flush=True,
    )
    server = Server(env, args.threads, work / f"serve-{label.split()[0]}.log")
    try:
        server.wait_ready()
        idle = baseline(server.port, args.probes)
        result = flood(server.port, server.proc.pid, attempts, args.clients)
    finally:
        server.stop()
    loaded = result["probe"] or [float("nan")]
    answered = sum(result["statuses"].values())
    print(f"   answers by status  {result['statuses']}  ({answered} of {attempts})")
    print(
        f"   flood wall time    {result['wall']:8.1f} s   ({answered / result['wall']:.1f} attempts/s)"
    )
    print(
        f"   server CPU         {result['cpu']:8.1f} s   "
        f"({result['cpu'] / max(answered, 1) * 1000:.1f} ms per attempt)"
    )
    print("   login page GET     p50        p95        max")
    print(
        f"     idle ({len(idle):3d})      {ms(statistics.median(idle))} {ms(pct(idle, 0.95))} "
        f"{ms(max(idle))}"
    )
    print(
        f"     flood ({len(loaded):3d})     {ms(statistics.median(loaded))} "
        f"{ms(pct(loaded, 0.95))} {ms(max(loaded))}"
    )
    print(f"     p95 ratio          {pct(loaded, 0.95) / pct(idle, 0.95):.1f} x idle")
    if result["errors"]:
        print(f"   errors: {len(result['errors'])}, first: {result['errors'][0]}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--threads", type=int, default=8, help="the server's request threads")
    parser.add_argument("--probes", type=int, default=40, help="idle login page requests")
    parser.add_argument(
        "--unthrottled",
        type=int,
        default=48,
        help="attempts against a second server with django-axes off (0: skip it)",
    )
    args = parser.parse_args()

    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="login-flood-", dir=ROOT / "var" / "bench"))
    try:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")},
            "DANGBO_DATA_DIR": str(work / "data"),
            "DANGBO_SECRET_KEY": secrets.token_urlsafe(40),
            "DANGBO_LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "dangbo.settings",
        }
        print("preparing a fresh SQLite database…", flush=True)
        subprocess.run([str(DANGBO), "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)  # noqa: S603
        subprocess.run(  # noqa: S603
            [str(DANGBO), "user", "create", "flood"],
            env={**env, "DANGBO_NEW_PASSWORD": secrets.token_urlsafe(16)},
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
        run("throttled (dangbo as configured)", env, args, args.attempts, work)
        if args.unthrottled > 0:
            (work / "flood_unthrottled.py").write_text(UNTHROTTLED_SETTINGS)
            off = {
                **env,
                "DJANGO_SETTINGS_MODULE": "flood_unthrottled",
                "PYTHONPATH": os.pathsep.join([str(work), env.get("PYTHONPATH", "")]),
            }
            run("unthrottled (django-axes off: the 'before')", off, args, args.unthrottled, work)
        print(f"\nload average at end: {os.getloadavg()[0]:.2f} (the server, the clients and")
        print("anything else on the machine share its CPUs: a busy machine is slower)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
