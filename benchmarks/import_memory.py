"""Peak memory of previewing a big .xlsx upload: does it grow with the file?

    python -m benchmarks.import_memory [--rows 120000] [--keep DIR]

Builds its own installation in a temporary data directory (SQLite, the Tam Dương demo
world), writes a member roll of ``--rows`` valid rows as an .xlsx (~14 MB at the default
size: real date cells, the template's Vietnamese headers, cells of the demo world), then
measures, each phase in its own process (peak RSS is ``ru_maxrss`` of that process alone):

- **baseline**: Django set up and the import modules loaded, nothing read;
- **calamine**: the whole first sheet read through python-calamine, the reader dangbo used
  for workbooks before it streamed them (kept as the "before" figure);
- **reader**: ``readers.open_sheet`` iterating every row (what dangbo uses now);
- **preview**: ``services.create_job`` + ``services.run(commit=False)``, the upload's whole
  preview as the worker runs it (checks, database look-ups, stored rows);
- **preview-half**: the same on a file of half the rows — the two previews' peaks show
  whether memory depends on the file's size.

Prints one line per phase and the table at the end. Not part of the test suite.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from benchmarks import child

HERE = Path(__file__).resolve().parent.parent


def _phase_world() -> None:
    child.setup_django()
    from dangbo.demo import loader

    seconds, _ = child.timed(loader.load)
    child.emit({"seconds": seconds})


def _phase_xlsx(out: str, rows: int) -> None:
    """The benchmark's CSV generator, then each row into a write-only workbook."""
    child.setup_django()
    from openpyxl import Workbook

    from benchmarks import csvgen
    from dangbo.core.dates import today

    cells = csvgen.active_cells()
    tmp_csv = out + ".csv"
    csvgen.write_csv(tmp_csv, rows, cells, 2026, today())
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Đảng viên")
    dated = {2, 5, 6}  # birth, admission, official: real date cells, as offices keep them
    with open(tmp_csv, newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.reader(fh)):
            if n:
                row = [
                    datetime.strptime(v, "%d/%m/%Y") if i in dated and v else v
                    for i, v in enumerate(row)
                ]
            sheet.append(row)
    book.save(out)
    os.unlink(tmp_csv)
    child.emit({"rows": rows, "bytes": os.path.getsize(out)})


def _phase_baseline() -> None:
    child.setup_django()
    from dangbo.imports import readers, services  # noqa: F401 - loaded as the others load them

    child.emit({})


def _phase_calamine(path: str) -> None:
    child.setup_django()
    from python_calamine import CalamineWorkbook

    def read() -> int:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        return sum(1 for _ in sheet.iter_rows()) - 1

    seconds, rows = child.timed(read)
    child.emit({"rows": rows, "seconds": seconds})


def _phase_reader(path: str) -> None:
    child.setup_django()
    from dangbo.imports import readers

    def read() -> int:
        sheet = readers.open_sheet(Path(path), "roll.xlsx")
        return sum(1 for _ in sheet.rows)

    seconds, rows = child.timed(read)
    child.emit({"rows": rows, "seconds": seconds})


def _phase_preview(path: str) -> None:
    child.setup_django()
    from dangbo.imports import services

    def preview():
        job = services.create_job(
            actor=None, kind="members", source=path, original_name="roll.xlsx", max_bytes=0
        )
        return services.run(job, commit=False)

    seconds, job = child.timed(preview)
    child.emit({"rows": job.rows_total, "seconds": seconds, "state": job.state, **job.counts})


PHASES = {
    "world": _phase_world,
    "xlsx": _phase_xlsx,
    "baseline": _phase_baseline,
    "calamine": _phase_calamine,
    "reader": _phase_reader,
    "preview": _phase_preview,
}


def _run(env: dict, *args: str) -> dict:
    started = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.import_memory", "--phase", *args],
        env=env,
        cwd=HERE,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"phase {args[0]} failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def _mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=120_000)
    parser.add_argument("--keep", help="use (and keep) this directory instead of a temporary one")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, *rest = args.phase
        PHASES[name](*[int(x) if x.isdigit() else x for x in rest])
        return

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="dangbo-impmem-"))
    base.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")}
    env.update(
        DANGBO_DATA_DIR=str(base / "data"),
        DJANGO_SETTINGS_MODULE="benchmarks.bench_settings",
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(HERE / "src"), str(HERE), env.get("PYTHONPATH")])
        ),
    )
    try:
        child.say(f"installation in {base}")
        subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "dangbo.cli", "migrate", "-v0"], env=env, check=True
        )
        _run(env, "world")
        big, half = str(base / "roll.xlsx"), str(base / "roll-half.xlsx")
        if not os.path.exists(big):
            _run(env, "xlsx", big, str(args.rows))
            _run(env, "xlsx", half, str(args.rows // 2))
        size, half_size = os.path.getsize(big), os.path.getsize(half)
        child.say(f"{args.rows:,} rows: {size / 1e6:.1f} MB; half: {half_size / 1e6:.1f} MB")
        results = [
            ("baseline", _run(env, "baseline")),
            ("calamine (before)", _run(env, "calamine", big)),
            ("reader", _run(env, "reader", big)),
            ("preview", _run(env, "preview", big)),
            ("preview-half", _run(env, "preview", half)),
        ]
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    baseline = results[0][1]["peak_rss_kb"]
    print(f"\nxlsx: {args.rows:,} rows, {size / 1e6:.1f} MB (half: {half_size / 1e6:.1f} MB)")
    print(f"{'phase':<20}{'peak RSS':>10}{'over baseline':>15}{'seconds':>9}  rows")
    for name, r in results:
        over = r["peak_rss_kb"] - baseline
        seconds = f"{r.get('seconds', 0):.1f}" if "seconds" in r else ""
        print(
            f"{name:<20}{_mb(r['peak_rss_kb']):>10}{_mb(over):>15}{seconds:>9}  {r.get('rows', '')}"
        )


if __name__ == "__main__":
    main()
