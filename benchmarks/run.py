"""Run the benchmark suite on SQLite and PostgreSQL and print each figure next to its baseline.

    ./scripts/bench [--quick] [--engines sqlite,postgres] [--fresh] [--scale S] …

For each engine: prepare the benchmark database (load the national world once, reuse it
after), then measure, each phase in its own process: subtree statistics, meeting compliance
and oversight coverage over a province, pages under load (a ``dangbo serve`` process and a
load-generator process), and the import of a generated CSV. Prints one table per engine and
writes the same tables to ``benchmarks/results/latest.md`` (``latest-quick.md`` with
``--quick``; raw figures in the ``.json`` of the same name, query plans beside them).
"""

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

from benchmarks import report

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BENCH_DIR = ROOT / "var" / "bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/dangbo_bench"
NATIONAL_MEMBERS = 5_600_000  # the whole Party, for the extrapolated import time
SERVER_THREADS = 8
PHASES = ("subtree", "oversight", "programs", "reports", "pages", "import")

DEFAULTS = {
    # engine: (scale, import rows)
    "full": {"postgres": (1.0, 1_000_000), "sqlite": (0.2, 200_000)},
    "quick": {"postgres": (0.02, 50_000), "sqlite": (0.02, 50_000)},
}


class PhaseError(Exception):
    pass


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# -- engines -----------------------------------------------------------------------------


class Engine:
    """Where one engine's benchmark database lives and the environment of its processes."""

    def __init__(self, name: str, args):
        self.name = name
        self.label = {"postgres": "PostgreSQL", "sqlite": "SQLite"}[name]
        mode = "quick" if args.quick else "full"
        suffix = "-quick" if args.quick else ""
        default_scale, default_rows = DEFAULTS[mode][name]
        specific = getattr(args, f"{name}_scale")
        self.scale_given = specific if specific is not None else args.scale
        self.scale = self.scale_given if self.scale_given is not None else default_scale
        self.rows = args.rows or default_rows
        self.tag = f"{name}{suffix}"  # names this engine's files: sqlite, postgres-quick…
        self.data_dir = BENCH_DIR / self.tag
        self.url = None
        if name == "postgres":
            url = args.postgres_url or os.environ.get("DANGBO_BENCH_POSTGRES_URL") or DEFAULT_PG_URL
            if args.quick and not (
                args.postgres_url or os.environ.get("DANGBO_BENCH_POSTGRES_URL")
            ):
                url += "_quick"
            self.url = url

    @property
    def sqlite_file(self) -> Path:
        return self.data_dir / "dangbo.sqlite3"

    def env(self, **extra: str) -> dict:
        env = dict(os.environ)
        env.pop("DANGBO_DATABASE_URL", None)
        env.update(
            DJANGO_SETTINGS_MODULE="benchmarks.bench_settings",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
            PYTHONUNBUFFERED="1",
            DANGBO_DATA_DIR=str(self.data_dir),
            DANGBO_CONN_MAX_AGE="600",
            DANGBO_DEBUG="0",
        )
        if self.url:
            env["DANGBO_DATABASE_URL"] = self.url
        env.update(extra)
        return env

    def _admin(self):
        """A connection to the server's maintenance database, to create or drop ours."""
        import psycopg

        parts = urllib.parse.urlsplit(self.url)
        admin = parts._replace(path="/postgres").geturl()
        return psycopg.connect(admin, autocommit=True, connect_timeout=5), parts.path.lstrip("/")

    def available(self) -> str | None:
        """None when usable, else why not."""
        if self.name == "sqlite":
            return None
        try:
            conn, _db = self._admin()
            conn.close()
        except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
            return f"no PostgreSQL server at {self.url} ({exc.__class__.__name__})"
        return None

    def ensure_database(self, fresh: bool) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.name == "sqlite":
            if fresh:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.sqlite_file}{suffix}").unlink(missing_ok=True)
            return
        from psycopg import sql

        conn, db = self._admin()
        with conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
            if exists and fresh:
                log(f"dropping database {db} (--fresh)")
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(db)))
                exists = None
            if not exists:
                log(f"creating database {db}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))


# -- processes ---------------------------------------------------------------------------


def run_child(engine: Engine, module: str, *args: str, env: dict | None = None) -> dict:
    """Run ``python -m benchmarks.<module>`` and return the JSON of its last stdout line."""
    cmd = [sys.executable, "-m", f"benchmarks.{module}", *args]
    started = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 - our own modules
        cmd, cwd=ROOT, env=engine.env(**(env or {})), stdout=subprocess.PIPE, text=True
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(lines[-5:])
        raise PhaseError(f"{module} {' '.join(args)} failed (exit {proc.returncode}) {tail}")
    result = json.loads(lines[-1])
    result["wall_seconds"] = time.perf_counter() - started
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``dangbo serve`` as a subprocess, with the benchmark's settings (minimal view)."""

    def __init__(self, engine: Engine, log_path: Path, extra_env: dict | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        dangbo = Path(sys.executable).parent / "dangbo"
        cmd = [str(dangbo), "serve", "--port", str(self.port), "--threads", str(SERVER_THREADS)]
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603
            [*cmd, "--no-worker"],
            cwd=ROOT,
            env=engine.env(**(extra_env or {})),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise PhaseError(f"dangbo serve exited: {self.log_path.read_text()[-800:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/bench/minimal/", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise PhaseError("dangbo serve did not answer in time")

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self.log.close()
        return self.log_path.read_text()


# -- phases ------------------------------------------------------------------------------


def page_targets(prep: dict) -> list[dict]:
    t, names = prep["targets"], prep["names"]
    targets = [{"name": "minimal view (baseline)", "url": "/bench/minimal/", "baseline": True}]
    targets.append(
        {"name": f"search “{names['common']}”", "url": "/dang-vien/?" + _q(names["common"])}
    )
    if names.get("rare"):
        targets.append(
            {"name": f"search “{names['rare']}”", "url": "/dang-vien/?" + _q(names["rare"])}
        )
    for key, label in (
        ("largest_province", "largest province"),
        ("commune", "commune"),
        ("cell", "cell"),
    ):
        org = t[key]
        targets.append(
            {
                "name": f"org {label} {org['code']} ({org['members']:,} members)",
                "url": f"/to-chuc/{org['code']}/",
            }
        )
    return targets


def _q(text: str) -> str:
    return urllib.parse.urlencode({"q": text})


class Redis:
    """A throwaway redis-server on loopback: the cache the server processes share."""

    def __init__(self, work: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        binary = shutil.which("redis-server")
        if binary is None:
            raise PhaseError("redis-server is not installed")
        self.proc = subprocess.Popen(  # noqa: S603 - our own argv
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise PhaseError("redis-server did not answer")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _load_against(engine, servers, targets_file, args, password) -> dict:
    return run_child(
        engine,
        "load",
        "--base",
        ",".join(s.base for s in servers),
        "--targets",
        str(targets_file),
        "--clients",
        str(args.clients),
        "--duration",
        str(args.duration),
        "--warmup",
        str(args.warmup),
        "--server-pid",
        ",".join(str(s.proc.pid) for s in servers),
        env={"BENCH_PASSWORD": password},
    )


def phase_pages(engine: Engine, prep: dict, args, work: Path, password: str) -> dict:
    targets = page_targets(prep)
    targets_file = work / f"targets-{engine.name}.json"
    targets_file.write_text(json.dumps(targets, ensure_ascii=False))
    log("pages: queries of each page, one request at a time (diagnostic)")
    diag = run_child(
        engine,
        "pagequeries",
        "--targets",
        str(targets_file),
        "--report",
        str(RESULTS / f"page-queries-{engine.tag}.txt"),
    )
    loads: dict[str, dict] = {}
    problems: list[str] = []
    shared = None
    for count in args.processes:
        extra = {}
        if count > 1 and shutil.which("redis-server"):
            shared = shared or Redis(work)
            extra = {"DANGBO_CACHE_URL": shared.url}
        cache = "a shared Redis cache" if extra else "each its own in-memory cache"
        log(
            f"pages: {count} × dangbo serve --threads {SERVER_THREADS} --no-worker ({cache}); "
            f"{args.clients} clients, {args.duration:g} s per page after a warm-up"
        )
        servers = [
            Server(engine, work / f"serve-{engine.name}-{count}-{i}.log", extra)
            for i in range(count)
        ]
        try:
            for server in servers:
                server.wait_ready()
            loads[str(count)] = _load_against(engine, servers, targets_file, args, password)
            loads[str(count)]["shared_cache"] = bool(extra)
        finally:
            for server in servers:
                server_log = server.stop()
                problems += [
                    line
                    for line in server_log.splitlines()
                    if "Traceback" in line or "ERROR" in line
                ]
    if shared is not None:
        shared.stop()
    first = str(args.processes[0])
    return {
        "targets": targets,
        "diag": diag["pages"],
        "load": loads[first],
        "by_processes": loads,
        "server_problems": problems,
    }


def phase_subtree(engine: Engine, prep: dict, args) -> dict:
    t = prep["targets"]
    codes = [t["median_province"]["code"], t["largest_province"]["code"], t["root"]["code"]]
    log(f"subtree statistics: {', '.join(codes)} (median of {args.runs} after 1 warm-up)")
    return run_child(
        engine,
        "subtree",
        *codes,
        "--runs",
        str(args.runs),
        "--explain",
        str(RESULTS / f"explain-subtree-{engine.tag}.txt"),
    )


def phase_oversight(engine: Engine, prep: dict, args, work: Path) -> dict:
    from benchmarks import oversight

    t = prep["targets"]
    codes = [t["median_province"]["code"], t["largest_province"]["code"]]
    log(f"oversight: a year of meetings and oversight for {', '.join(codes)} (kept, reused)")
    data = run_child(engine, "oversight", "prepare", *codes)
    as_of = data["as_of"]
    log(f"oversight: views as of {as_of} (median and best of {args.runs} after 1 warm-up)")
    views = _dangbo_and_sql(
        engine, oversight, lambda view: codes, ["--as-of", as_of], "provinces", args, work
    )
    return {"data": data, "codes": codes, "views": views}


def _dangbo_and_sql(
    engine: Engine, bench, codes_of, extra: list[str], rows_key: str, args, work: Path
) -> list[dict]:
    """Each view of the phase's module ``bench`` on each of ``codes_of(view)``: dangbo's call
    (its SQL written to a report) and the hand-written statement, with the figures where
    their answers differ; the reports gathered in results/<phase>-queries-<engine>.txt."""
    phase = bench.__name__.rsplit(".", 1)[-1]
    views, reports = [], []
    for view in bench.VIEWS:
        rows = []
        for code in codes_of(view):
            common = [view, code, *extra, "--runs", str(args.runs)]
            report_file = work / f"{phase}-{engine.name}-{view}-{code}.txt"
            dangbo = run_child(engine, phase, "dangbo", *common, "--report", str(report_file))
            sql = run_child(engine, phase, "sql", *common)
            reports.append(report_file)
            differs = {
                k: [dangbo["answer"].get(k), v]
                for k, v in sql["answer"].items()
                if dangbo["answer"].get(k) != v
            }
            rows.append({"code": code, "dangbo": dangbo, "sql": sql, "differs": differs})
        views.append({"view": view, "label": bench.LABELS[view], rows_key: rows})
    with open(RESULTS / f"{phase}-queries-{engine.tag}.txt", "w") as out:
        for path in reports:
            out.write(path.read_text())
    return views


def phase_programs(engine: Engine, prep: dict, args, work: Path) -> dict:
    from benchmarks import programs

    t = prep["targets"]
    provinces = [t["median_province"]["code"], t["largest_province"]["code"]]
    root = t["root"]["code"]
    indicators = 10 if args.quick else 50
    log(
        f"programs: a program of {args.tasks:,} tasks, {indicators} indicators × 5 years per "
        "commune, NTM assessments (kept, reused)"
    )
    data = run_child(
        engine, "programs", "prepare", "--tasks", str(args.tasks), "--indicators", str(indicators)
    )
    views = _dangbo_and_sql(
        engine,
        programs,
        lambda view: provinces if view in ("value_table", "ntm_board") else [root],
        [],
        "orgs",
        args,
        work,
    )
    return {"data": data, "views": views}


def phase_reports(engine: Engine, prep: dict, args, work: Path) -> dict:
    """(a) every kind of report on the Tam Dương demo, in a database of its own beside the
    national one (loaded once, reused); (b) the statistical tables of the median and the
    largest province against one hand-written statement per table."""
    from benchmarks import reports

    demo_env = {"DANGBO_DATA_DIR": str(engine.data_dir) + "-demo"}
    if engine.url:
        demo_env["DANGBO_DATABASE_URL"] = engine.url + "_demo"
        _ensure_pg(engine, engine.url + "_demo")
    Path(demo_env["DANGBO_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    log("reports: every kind for the demo district (Tam Dương 2016)")
    demo = run_child(engine, "reports", "demo", "--runs", str(args.runs), env=demo_env)
    t = prep["targets"]
    codes = [t["median_province"]["code"], t["largest_province"]["code"]]
    log(f"reports: statistical tables of {', '.join(codes)} vs hand-written SQL")
    rows, texts = [], []
    for code in codes:
        report_file = work / f"reports-{engine.name}-{code}.txt"
        common = [code, "--runs", str(args.runs)]
        dangbo = run_child(engine, "reports", "dangbo", *common, "--report", str(report_file))
        sql = run_child(engine, "reports", "sql", *common)
        texts.append(report_file.read_text())
        differs = {
            k: [dangbo["answer"].get(k), v]
            for k, v in sql["answer"].items()
            if dangbo["answer"].get(k) != v
        }
        rows.append({"code": code, "dangbo": dangbo, "sql": sql, "differs": differs})
    (RESULTS / f"reports-queries-{engine.tag}.txt").write_text("".join(texts))
    views = [{"view": "thong-ke", "label": reports.LABEL, "provinces": rows}]
    return {"demo": demo, "views": views}


def _ensure_pg(engine: Engine, url: str) -> None:
    from psycopg import sql

    db = urllib.parse.urlsplit(url).path.lstrip("/")
    conn, _db = engine._admin()
    with conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone():
            log(f"creating database {db}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))


def _cleanup(engine: Engine) -> dict:
    return run_child(engine, "imports", "cleanup")


def phase_import(engine: Engine, args, work: Path) -> dict:
    """The normal path at N/10 rows against the COPY of the same final rows (and its memory
    from N/100), then N rows — written in bulk when N reaches IMPORT_BULK_ROWS — against
    theirs."""
    rows = engine.rows
    small_rows, tiny_rows = max(rows // 10, 1), max(rows // 100, 1)
    big = work / f"members-{engine.name}-{rows}.csv"
    small = work / f"members-{engine.name}-{small_rows}.csv"
    tiny = work / f"members-{engine.name}-{tiny_rows}.csv"
    log(f"import: generating {rows:,} CSV rows from the cells of the {engine.label} world")
    gen = run_child(engine, "csvgen", str(big), str(rows))
    for part, count in ((small, small_rows), (tiny, tiny_rows)):
        with open(big, encoding="utf-8") as src, open(part, "w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i > count:
                    break
                dst.write(line)
    out = {
        "rows": rows,
        "small_rows": small_rows,
        "tiny_rows": tiny_rows,
        "csv_bytes": big.stat().st_size,
        "gen": gen,
    }
    out["cleanup_before"] = _cleanup(engine)  # rows left by an interrupted run
    steps = [
        ("dangbo_tiny", "dangbo", tiny),
        ("dangbo_small", "dangbo", small),
        ("raw_small", "raw", small),
        ("raw_members_small", "raw-members", small),
        ("raw", "raw", big),
        ("dangbo", "dangbo", big),
    ]
    if engine.name == "postgres":
        steps.append(("scratch", "scratch", big))
    cleanups = []
    for key, mode, path in steps:
        log(f"import: {mode} path, {path.name}")
        out[key] = run_child(engine, "imports", mode, str(path))
        if mode != "scratch":
            cleanups.append(_cleanup(engine))
    out["cleanups"] = cleanups
    return out


def run_engine(engine: Engine, args, work: Path, password: str) -> dict:
    result: dict = {"engine": engine.name, "label": engine.label, "errors": []}
    started = time.perf_counter()
    engine.ensure_database(args.fresh)
    prep_args = ["--scale", str(engine.scale)]
    if engine.scale_given is not None:
        prep_args.append("--strict-scale")
    log(f"{engine.label}: preparing the benchmark database")
    result["prepare"] = prep = run_child(
        engine, "prepare", *prep_args, env={"BENCH_PASSWORD": password}
    )
    phases = [
        ("subtree", lambda: phase_subtree(engine, prep, args)),
        ("oversight", lambda: phase_oversight(engine, prep, args, work)),
        ("programs", lambda: phase_programs(engine, prep, args, work)),
        ("reports", lambda: phase_reports(engine, prep, args, work)),
        ("pages", lambda: phase_pages(engine, prep, args, work, password)),
        ("import", lambda: phase_import(engine, args, work)),
    ]
    for name, fn in phases:
        if name not in args.only:
            continue
        phase_started = time.perf_counter()
        try:
            result[name] = fn()
        except PhaseError as exc:
            log(f"{engine.label} {name}: ERROR {exc}")
            result["errors"].append(f"{name}: {exc}")
        result.setdefault("phase_seconds", {})[name] = time.perf_counter() - phase_started
        # The 1-minute load average as the phase ends: other work on the machine shows here.
        result.setdefault("phase_load", {})[name] = os.getloadavg()[0]
    result["seconds"] = time.perf_counter() - started
    return result


# -- main --------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description="dangbo's benchmark suite: each figure next to a baseline of the same run.",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (~3 min), own databases")
    parser.add_argument(
        "--engines", default="sqlite,postgres", help="sqlite, postgres or both (default)"
    )
    parser.add_argument("--scale", type=float, help="national world scale for both engines")
    parser.add_argument("--postgres-scale", type=float, help="scale on PostgreSQL (default 1)")
    parser.add_argument("--sqlite-scale", type=float, help="scale on SQLite (default 0.2)")
    parser.add_argument("--fresh", action="store_true", help="drop and reload the databases")
    parser.add_argument(
        "--rows", type=int, help="CSV rows to import (default 1,000,000 PG / 200,000 SQLite)"
    )
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--duration", type=float, help="seconds per page (20; quick 5)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds per page (3; quick 1)")
    parser.add_argument("--runs", type=int, help="timed runs per statistic (7; quick 3)")
    parser.add_argument(
        "--tasks", type=int, default=10_000, help="tasks of the programs phase's program (10,000)"
    )
    parser.add_argument(
        "--only",
        default=",".join(PHASES),
        help=f"phases to run ({','.join(PHASES)})",
    )
    parser.add_argument("--postgres-url", help=f"benchmark database (default {DEFAULT_PG_URL})")
    parser.add_argument(
        "--processes",
        default="1,2,4",
        help="server processes the pages are measured against, in turn (1,2,4; quick 1,2)",
    )
    args = parser.parse_args(argv)
    if args.quick and args.processes == "1,2,4":
        args.processes = "1,2"
    try:
        args.processes = [int(p) for p in args.processes.split(",") if p.strip()]
    except ValueError:
        parser.error("--processes: numbers separated by commas, e.g. 1,2,4")
    if not args.processes or min(args.processes) < 1:
        parser.error("--processes: at least one process")
    args.duration = args.duration or (5 if args.quick else 20)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 3)
    args.runs = args.runs or (3 if args.quick else 7)
    args.only = {p.strip() for p in args.only.split(",") if p.strip()}
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for engine in args.engines:
        if engine not in ("sqlite", "postgres"):
            parser.error(f"unknown engine {engine!r}")
    for phase in args.only:
        if phase not in PHASES:
            parser.error(f"unknown phase {phase!r}")
    return args


def _git(*args: str) -> str:
    """Output of a read-only git command ('' when git is not there); no optional locks, so
    that not even the index's stat cache is rewritten."""
    git = shutil.which("git")
    if not git:
        return ""
    proc = subprocess.run(  # noqa: S603 - fixed read-only commands
        [git, "--no-optional-locks", *args], cwd=ROOT, capture_output=True, text=True
    )
    return proc.stdout.strip()


def revision() -> str:
    """The commit measured, and whether src/ had uncommitted changes."""
    head = _git("rev-parse", "--short", "HEAD") or "?"
    dirty = _git("status", "--porcelain", "--", "src")
    return head + (" + uncommitted changes in src/" if dirty else "")


def machine() -> dict:
    load = os.getloadavg()
    return {
        "revision": revision(),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "loadavg_start": load,
        "mem_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def main(argv=None) -> int:
    import secrets

    args = parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    info = machine()
    info["started_at"] = datetime.now().isoformat(timespec="seconds")
    if info["loadavg_start"][0] > 0.5:
        log(
            f"NOTICE: load average {info['loadavg_start'][0]:.2f} before the run — other work "
            "on this machine will slow the figures down"
        )
    password = secrets.token_urlsafe(24)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="tmp-", dir=BENCH_DIR))
    results = []
    try:
        for name in args.engines:
            engine = Engine(name, args)
            why = engine.available()
            if why:
                log(f"{engine.label}: skipped — {why}")
                results.append({"engine": name, "label": engine.label, "skipped": why})
                continue
            try:
                results.append(run_engine(engine, args, work, password))
            except PhaseError as exc:
                log(f"{engine.label}: ERROR {exc}")
                results.append({"engine": name, "label": engine.label, "errors": [str(exc)]})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    info["seconds"] = time.perf_counter() - started
    info["loadavg_end"] = os.getloadavg()
    if revision() != info["revision"]:  # each phase imports dangbo when it starts
        info["revision"] += f" (changed during the run: {revision()} at the end)"
    settings = {
        "quick": args.quick,
        "clients": args.clients,
        "duration": args.duration,
        "warmup": args.warmup,
        "runs": args.runs,
        "threads": SERVER_THREADS,
        "national_members": NATIONAL_MEMBERS,
    }
    text, markdown = report.render(results, info, settings)
    print(text)
    stem = "latest-quick" if args.quick else "latest"  # a quick try keeps the real figures
    (RESULTS / f"{stem}.md").write_text(markdown)
    (RESULTS / f"{stem}.json").write_text(
        json.dumps({"machine": info, "settings": settings, "engines": results}, indent=1)
    )
    log(f"written {RESULTS / stem}.md (and .json) in {info['seconds'] / 60:.1f} min")
    return 1 if any(r.get("errors") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
