"""Load generator: concurrent keep-alive clients against a running ``dangbo serve``.

    BENCH_USER=bench BENCH_PASSWORD=... python -m benchmarks.load --base http://127.0.0.1:PORT \\
        --targets targets.json [--clients 20] [--duration 20] [--warmup 3] [--server-pid PID]

``--base`` and ``--server-pid`` take comma-separated lists when several server processes
run (each on its own port): client i talks to base i mod n, and the servers' CPU and peak
RSS are summed.

Logs in once through the real login page (GET for the CSRF cookie and form token, POST the
form), then, for each target of the JSON list ``[{"name": …, "url": …}]``, runs a closed
loop: every client (a thread with its own ``http.client.HTTPConnection``, keep-alive, the
session cookie) sends requests back to back. The first ``warmup`` seconds are not counted;
the measurement window is the ``duration`` seconds after them, and a request counts when it
STARTS inside the window (its latency includes any wait it had under load). Clients start
no request after the window, and the ones in flight when it closes are awaited and counted
("late"), so a page slower than the window still reports its latencies; a request that
fails or passes ``TIMEOUT`` is an error with status 0. Any status but 200 is an error. With ``--server-pid`` the server's peak RSS
(VmHWM) is reset before each target (``/proc/PID/clear_refs``) and read after it, and the
server's CPU time during the window is read from ``/proc/PID/stat``.
"""

import argparse
import http.client
import json
import math
import os
import re
import resource
import sys
import threading
import time
import urllib.parse

from benchmarks import child

TIMEOUT = 300  # seconds: a slow page is a finding, not a reason to give up
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Session:
    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def login(self, username: str, password: str) -> None:
        conn = self.connect()
        conn.request("GET", "/dang-nhap/")
        response = conn.getresponse()
        body = response.read().decode()
        self._keep_cookies(response)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if response.status != 200 or not match or "csrftoken" not in self.cookies:
            sys.exit(f"login page: status {response.status}, no CSRF token")
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password}
        )
        conn.request(
            "POST",
            "/dang-nhap/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": self.cookie_header(),
                "Referer": f"http://{self.host}:{self.port}/dang-nhap/",
            },
        )
        response = conn.getresponse()
        response.read()
        self._keep_cookies(response)
        conn.close()
        if response.status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"login refused: status {response.status}")


class Client(threading.Thread):
    """One simulated user: requests back to back on one keep-alive connection."""

    def __init__(self, session: Session, url: str, stop_at: float, base: str | None = None):
        super().__init__(daemon=True)
        self.session, self.url, self.stop_at = session, url, stop_at
        if base is not None:  # another server process, the same session cookie
            self.session = Session(base)
            self.session.cookies = session.cookies
        self.headers = {"Cookie": session.cookie_header()}
        self.conn = self.session.connect()
        self.samples: list[tuple[float, float, int, bytes]] = []  # start, end, status, body

    def get(self) -> tuple[float, float, int, bytes]:
        started = time.perf_counter()
        try:
            self.conn.request("GET", self.url, headers=self.headers)
            response = self.conn.getresponse()
            body = response.read()
            status = response.status
            if response.will_close:
                self.conn.close()
                self.conn = self.session.connect()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = self.session.connect()
            status, body = 0, repr(exc).encode()
        return started, time.perf_counter(), status, body[:300] if status != 200 else b""

    def run(self) -> None:
        while time.perf_counter() < self.stop_at:
            self.samples.append(self.get())
        self.conn.close()


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def _pids(pids) -> list[int]:
    return [p for p in (pids or []) if p]


def _proc(pids, field: str) -> int | None:
    """A VmXXX field of /proc/PID/status, in KiB, summed over the server processes."""
    values = [_proc_one(pid, field) for pid in _pids(pids)]
    return sum(v for v in values if v is not None) if any(v is not None for v in values) else None


def _proc_one(pid: int | None, field: str) -> int | None:
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _cpu_seconds(pids) -> float | None:
    values = [_cpu_one(pid) for pid in _pids(pids)]
    return sum(v for v in values if v is not None) if any(v is not None for v in values) else None


def _cpu_one(pid: int | None) -> float | None:
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime
    except OSError:
        return None


def _reset_peak(pids) -> bool:
    done = False
    for pid in _pids(pids):
        try:
            with open(f"/proc/{pid}/clear_refs", "w") as fh:
                fh.write("5")  # resets VmHWM to the current RSS
            done = True
        except OSError:
            pass
    return done


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_target(session: Session, target: dict, args) -> dict:
    reset = _reset_peak(args.server_pid)
    began = time.perf_counter()
    window = (began + args.warmup, began + args.warmup + args.duration)
    bases = args.bases
    clients = [
        Client(session, target["url"], window[1], bases[i % len(bases)] if len(bases) > 1 else None)
        for i in range(args.clients)
    ]
    for c in clients:
        c.start()
    time.sleep(max(0.0, window[0] - time.perf_counter()))
    server_cpu, own_cpu = _cpu_seconds(args.server_pid), _own_cpu()
    time.sleep(max(0.0, window[1] - time.perf_counter()))
    server_cpu_end, own_cpu_end = _cpu_seconds(args.server_pid), _own_cpu()
    for c in clients:  # the requests in flight at the end: awaited, not counted
        c.join()
    samples = [s for c in clients for s in c.samples if window[0] <= s[0] <= window[1]]
    latencies = sorted(end - start for start, end, _status, _body in samples)
    errors = [s for s in samples if s[2] != 200]
    late = sum(1 for s in samples if s[1] > window[1])
    warm = [s for c in clients for s in c.samples if s[0] < window[0]]
    first_error = next(
        (
            (status, body.decode("utf-8", "replace"))
            for *_t, status, body in warm + samples
            if status != 200
        ),
        None,
    )
    result = {
        "name": target["name"],
        "url": target["url"],
        "requests": len(samples),
        "warmup_requests": len(warm),
        "seconds": args.duration,
        "rps": len(samples) / args.duration,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": (latencies[-1] * 1000) if latencies else float("nan"),
        "errors": len(errors),
        "late": late,
        "processes": len(bases),
        "first_error": first_error,
        "server_peak_rss_kb": _proc(args.server_pid, "VmHWM"),
        "server_peak_reset": reset,
        "server_cpu_s": server_cpu_end - server_cpu if server_cpu is not None else None,
        "client_cpu_s": own_cpu_end - own_cpu,
        "tail_seconds": time.perf_counter() - window[1],
    }
    child.say(
        f"{target['name']}: {result['rps']:.1f} req/s, p50 {result['p50_ms']:.0f} ms, "
        f"p95 {result['p95_ms']:.0f} ms, {result['requests']} requests, {result['errors']} errors"
    )
    if first_error:
        child.say(f"  first error: status {first_error[0]}: {first_error[1][:200]!r}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--targets", required=True, help="JSON file: [{name, url}, …]")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--server-pid", default="", help="PID[,PID…]")
    args = parser.parse_args()
    args.bases = [b for b in args.base.split(",") if b]
    args.server_pid = [int(p) for p in args.server_pid.split(",") if p.strip()]
    with open(args.targets) as fh:
        targets = json.load(fh)
    session = Session(args.bases[0])
    session.login(os.environ.get("BENCH_USER", "bench"), os.environ["BENCH_PASSWORD"])
    results = [run_target(session, target, args) for target in targets]
    child.emit(
        {
            "targets": results,
            "clients": args.clients,
            "duration": args.duration,
            "processes": len(args.bases),
        }
    )


if __name__ == "__main__":
    main()
