"""Page weight of the public portal on a phone: Chromium (Playwright, /usr/bin/chromium) at
390×844 opens the home page, the demo's first article, the petition form and the status page.

    .venv/bin/python benchmarks/portal_weight.py [--url http://127.0.0.1:PORT]

Without ``--url`` the demo is loaded into a temporary data directory under ``var/bench/``
(``dangbo demo --no-serve``, about a minute), served by ``dangbo serve`` on a free loopback
port, and both are removed at the end. With ``--url`` a running dangbo is measured as it is
(its portal at ``/cong-thong-tin/``).

Each page is opened in a fresh browser context (an empty cache: a first visit). Reported per
page: the requests made until the network is idle, the bytes transferred (the sum of the
response bodies as sent, i.e. compressed when they were; headers not counted), the same after
scrolling to the end (pictures load lazily), DOMContentLoaded and load times from the
Navigation Timing entry, and the largest response. Targets only the given or local server.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DANGBO = Path(sys.executable).parent / "dangbo"
CHROMIUM = os.environ.get("DANGBO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
PORTAL = "/cong-thong-tin/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen | None, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            sys.exit("dangbo serve exited before answering (see its log)")
        try:
            with urllib.request.urlopen(url + PORTAL, timeout=5) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"{url}{PORTAL} did not answer in time")


def first_article(url: str) -> str:
    with urllib.request.urlopen(url + PORTAL, timeout=30) as r:  # noqa: S310 - loopback
        html = r.read().decode()
    match = re.search(r'href="(/cong-thong-tin/bai-viet/[^"]+)"', html)
    if not match:
        sys.exit("no article linked from the portal's home page")
    return match.group(1)


def measure(browser, url: str) -> dict:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    finished: list[tuple[str, int]] = []
    failed: list[str] = []

    def done(request) -> None:
        try:
            size = request.sizes()["responseBodySize"]
        except Exception:  # noqa: BLE001 - a request torn down with its page
            size = 0
        finished.append((request.url, max(0, size)))

    page.on("requestfinished", done)
    page.on("requestfailed", lambda r: failed.append(r.url))
    response = page.goto(url, wait_until="networkidle")
    status = response.status if response else 0
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {dcl: n.domContentLoadedEventEnd - n.startTime,"
        " load: n.loadEventEnd - n.startTime}; }"
    )
    first = list(finished)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    everything = list(finished)
    context.close()
    largest = max(everything, key=lambda x: x[1]) if everything else ("", 0)
    return {
        "status": status,
        "requests": len(first),
        "bytes": sum(b for _, b in first),
        "requests_all": len(everything),
        "bytes_all": sum(b for _, b in everything),
        "dcl": timing["dcl"],
        "load": timing["load"],
        "width": width,
        "largest": largest,
        "failed": failed,
    }


def kb(n: int) -> str:
    return f"{n / 1024:7.1f} KB"


def run(url: str) -> None:
    from playwright.sync_api import sync_playwright

    pages = [
        ("home", url + PORTAL),
        ("first article", url + first_article(url)),
        ("petition form", url + PORTAL + "gui-phan-anh/"),
        ("status page", url + PORTAL + "tra-cuu/"),
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _, target in pages:  # warm the server (first-request imports, template loads)
                urllib.request.urlopen(target, timeout=30).read()  # noqa: S310 - loopback
            results = [(label, target, measure(browser, target)) for label, target in pages]
        finally:
            browser.close()
    print(f"\nPortal page weight on a phone (Chromium {CHROMIUM}, 390×844, DPR 2, cold cache)")
    print(f"server: {url}")
    header = (
        f"{'page':<15} {'status':>6} {'requests':>8} {'transferred':>12} "
        f"{'after scroll':>18} {'DCL':>9} {'load':>9} {'width':>6}"
    )
    print(header)
    print("-" * len(header))
    for label, _, r in results:
        print(
            f"{label:<15} {r['status']:>6} {r['requests']:>8} {kb(r['bytes']):>12} "
            f"{r['requests_all']:>3} req {kb(r['bytes_all']):>10} "
            f"{r['dcl']:>6.0f} ms {r['load']:>6.0f} ms {r['width']:>5}px"
        )
    print()
    for label, target, r in results:
        name, size = r["largest"]
        print(f"{label}: {target}")
        print(f"   largest response {kb(size).strip()}: {name}")
        if r["failed"]:
            print(f"   failed requests: {r['failed']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running dangbo (e.g. http://127.0.0.1:8000)")
    args = parser.parse_args()
    if args.url:
        wait_ready(args.url.rstrip("/"), None, timeout=10)
        run(args.url.rstrip("/"))
        return

    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="portal-weight-", dir=ROOT / "var" / "bench"))
    proc = None
    log = open(work / "serve.log", "w")  # noqa: SIM115 - closed below
    try:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")},
            "DANGBO_DATA_DIR": str(work / "data"),
            "DANGBO_SECRET_KEY": secrets.token_urlsafe(40),
            "DANGBO_LOG_LEVEL": "ERROR",
        }
        print("loading the demo (dangbo demo --no-serve, about a minute)…", flush=True)
        subprocess.run(  # noqa: S603
            [str(DANGBO), "demo", "--no-serve"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        proc = subprocess.Popen(  # noqa: S603
            [str(DANGBO), "serve", "--port", str(port), "--no-worker"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, proc)
        run(url)
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
