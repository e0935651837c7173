"""The tables: one per engine, every figure beside its baseline, the ratio, peak memory and
the target it is held to (PASS/MISS), as fixed-width text and as Markdown."""

import os
from collections.abc import Callable

COLUMNS = ("Measurement", "dangbo", "Baseline (same run)", "Ratio", "Peak RSS", "Target", "Result")
IMPORT_RATIO_TARGET = 0.5  # dangbo rows/s ≥ 50 % of the raw path
IMPORT_SECONDS_TARGET = 120  # 5.6 M rows
MEMORY_GROWTH_LIMIT = 1.2  # peak RSS at N vs N/10: "independent of file size"
SUBTREE_RATIO_TARGET = 1.5
ROOT_SECONDS_TARGET = 0.5  # national root, PostgreSQL
P95_TARGET_MS = 150
PAGE_RATIO_TARGET = 0.5
COLD_TARGET_S = 1.0  # a province's page right after a write elsewhere (issue 17)
OVERSIGHT_RATIO_TARGET = 3.0  # compliance / coverage views vs one hand-written statement
PROGRAMS_RATIO_TARGET = 3.0  # program tree, indicator and NTM boards vs one statement
REPORTS_RATIO_TARGET = 3.0  # a province's statistical tables vs one statement per table
REPORT_KIND_TARGET_S = 2.0  # each kind of report for the demo district


def mb(kib) -> str:
    return "—" if kib is None else f"{kib / 1024:,.0f} MB"


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 1 else f"{seconds:,.1f} s"


def ratio_of(value: float) -> str:
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def verdict(ok: bool, why: str = "") -> str:
    return "PASS" if ok else ("MISS" + (f" ({why})" if why else ""))


def _row(measurement, dangbo="", baseline="", ratio="", rss="", target="", result="") -> tuple:
    return (measurement, dangbo, baseline, ratio, rss, target, result)


# -- rows --------------------------------------------------------------------------------


def _mode(run: dict) -> str:
    return "bulk" if run.get("bulk") else "normal path"


def import_rows(engine: dict, settings: dict) -> tuple[list, list]:
    imp = engine["import"]
    if "raw_small" not in imp:  # a result file from before the normal/bulk split
        return [], ["Import: this result file predates the current import phase."]
    rows, small_rows, tiny_rows = imp["rows"], imp["small_rows"], imp["tiny_rows"]
    big, small, tiny = imp["dangbo"], imp["dangbo_small"], imp["dangbo_tiny"]
    raw, raw_small, members_only = imp["raw"], imp["raw_small"], imp["raw_members_small"]
    raw_name = "COPY final rows" if engine["engine"] == "postgres" else "executemany"
    out = []
    for run, base, count in ((small, raw_small, small_rows), (big, raw, rows)):
        ratio = run["rows_per_s"] / base["rows_per_s"]
        out.append(
            _row(
                f"Import {count:,} CSV rows, {_mode(run)} (rows/s)",
                f"{run['rows_per_s']:,.0f} ({secs(run['seconds'])})",
                f"{raw_name} {base['rows_per_s']:,.0f} ({secs(base['seconds'])})",
                ratio_of(ratio),
                f"{mb(run['peak_rss_kb'])} / {mb(base['peak_rss_kb'])}",
                f"≥ {IMPORT_RATIO_TARGET:.2f}",
                verdict(ratio >= IMPORT_RATIO_TARGET),
            )
        )
    out.append(
        _row(
            f"  {small_rows:,} rows vs members table alone",
            f"{small['rows_per_s']:,.0f}",
            f"{raw_name} (members) {members_only['rows_per_s']:,.0f} "
            f"({secs(members_only['seconds'])})",
            ratio_of(small["rows_per_s"] / members_only["rows_per_s"]),
            mb(members_only["peak_rss_kb"]),
            "(information)",
            "",
        )
    )
    scratch = imp.get("scratch")
    if scratch:
        out.append(
            _row(
                "  lower bound: file → UNLOGGED scratch",
                f"{big['rows_per_s']:,.0f}",
                f"COPY csv {scratch['rows_per_s']:,.0f} ({secs(scratch['seconds'])})",
                ratio_of(big["rows_per_s"] / scratch["rows_per_s"]),
                mb(scratch["peak_rss_kb"]),
                "(information)",
                "",
            )
        )
    national = settings["national_members"]
    seconds = national / big["rows_per_s"]
    out.append(
        _row(
            f"  {national / 1e6:.1f} M rows, extrapolated",
            f"{seconds:,.0f} s",
            f"{raw_name} {national / raw['rows_per_s']:,.0f} s",
            f"{seconds / (national / raw['rows_per_s']):.2f}",
            "",
            f"< {IMPORT_SECONDS_TARGET} s",
            verdict(seconds < IMPORT_SECONDS_TARGET),
        )
    )
    for first, second, a, b in (
        (tiny, small, tiny_rows, small_rows),
        (small, big, small_rows, rows),
    ):
        growth = second["peak_rss_kb"] / first["peak_rss_kb"]
        out.append(
            _row(
                f"  memory: {a:,} → {b:,} rows ({_mode(first)} → {_mode(second)})",
                f"{mb(first['peak_rss_kb'])} → {mb(second['peak_rss_kb'])}",
                f"({first['rows_per_s']:,.0f} rows/s at {a:,})",
                f"{growth:.2f}",
                "",
                f"flat (≤ {MEMORY_GROWTH_LIMIT:.1f}×)",
                verdict(growth <= MEMORY_GROWTH_LIMIT),
            )
        )
    written = big["written"]
    per_row = sum(written.values()) / rows
    notes = [
        f"Import: a generated CSV of {rows:,} rows ({imp['csv_bytes'] / 1e6:,.0f} MB; 7 columns, "
        "real cells of the loaded world, cards 9xxxxxxx), and its first "
        f"{small_rows:,} and {tiny_rows:,} rows. dangbo = services.create_job + "
        "services.run(commit=True), every row parsed and validated; a file of "
        "IMPORT_BULK_ROWS rows or more is written in bulk (new members staged, then three "
        f"INSERT … SELECT once the whole file is checked). At {rows:,} rows it wrote "
        f"{written['members_member']:,} members, {written['members_membership']:,} memberships "
        f"and {written['members_memberevent']:,} events = {per_row:.2f} rows per CSV row "
        f"(storing and hashing the upload: {big['store_seconds']:.1f} s of the total).",
        f"The raw path ({raw_name}) writes the same final rows — every member, membership and "
        "event — in one transaction, parsed with the csv module (cell code → id from one dict, "
        "dates re-ordered as text, the columns derived from the name computed with dangbo's "
        "functions). The information row writes the members table alone (the baseline "
        "before issue 17's last round). All fire the same tally trigger.",
        f"Peak RSS is the importing process's own (ru_maxrss), dangbo / raw. The 5.6 M-row time "
        f"is extrapolated linearly from the {rows:,}-row run, not measured.",
    ]
    missing = sorted(set(big.get("filled_columns", [])) - set(raw.get("filled_columns", [])))
    if missing:
        notes.append(
            f"WARNING: the raw rows leave {', '.join(missing)} empty where dangbo's rows have "
            "values: the raw baseline is not like for like."
        )
    else:
        notes.append("Checked: the raw rows fill every member column that dangbo's rows fill.")
    if written != raw["written"]:
        notes.append(
            f"WARNING: dangbo wrote {written}, the raw path {raw['written']}: not like for like."
        )
    if scratch:
        notes.append(
            "The lower bound streams the file's bytes with COPY (FORMAT csv, HEADER) into an "
            "UNLOGGED table of 7 text columns: no Python parsing, no index, no WAL, no trigger."
        )
    return out, notes


def subtree_rows(engine: dict, prep: dict) -> tuple[list, list]:
    sub = engine["subtree"]
    labels = {
        prep["targets"]["median_province"]["code"]: "median province",
        prep["targets"]["largest_province"]["code"]: "largest province",
        prep["targets"]["root"]["code"]: "national root",
    }
    out = []
    root = prep["targets"]["root"]["code"]
    for i, org in enumerate(sub["orgs"]):
        dangbo, base = org["dangbo"]["median_s"], org["baseline_s"]
        ratio = dangbo / base if base else float("inf")
        target = f"≤ {SUBTREE_RATIO_TARGET}×"
        ok, why = ratio <= SUBTREE_RATIO_TARGET, "ratio"
        if org["code"] == root and engine["engine"] == "postgres":
            target += f", < {ROOT_SECONDS_TARGET} s"
            if ok and dangbo >= ROOT_SECONDS_TARGET:
                ok, why = False, "time"
            elif not ok and dangbo >= ROOT_SECONDS_TARGET:
                why = "ratio, time"
        out.append(
            _row(
                f"Subtree stats: {labels.get(org['code'], '')} {org['code']} ({org['members']:,})",
                ms(dangbo),
                f"SQL {org['baseline']} {ms(base)}",
                ratio_of(ratio),
                mb(sub["peak_rss_kb"]) if i == 0 else "",
                target,
                verdict(ok, why),
            )
        )
    for org in sub["orgs"]:
        out.append(
            _row(
                f"  org_stats(): {org['code']}",
                ms(org["org_stats"]["median_s"]),
                "",
                "",
                "",
                "(information)",
                "",
            )
        )
    notes = [
        "Subtree stats = members by status × gender under an organisation (all statuses). "
        "dangbo: aggregates.subtree_counts (range sum over the trigger-kept tally). Baseline: the "
        "faster of two hand-written queries over members_member + orgs_organisation (join on "
        "the path range; or org ids of the range first, IN (SELECT …)). Identical answers checked. "
        "Median of the timed runs after 1 warm-up; org_stats() is the organisation page's "
        "whole statistics block (members, grassroots by kind and sector, sub-cells)."
    ]
    return out, notes


def _compared_rows(
    views: list[dict], rows_key: str, target: float, what: Callable[[dict, dict], str]
) -> tuple[list, list]:
    """A row per view and place (``view[rows_key]``, described by ``what``): dangbo's median
    beside the hand-written statement's, passing within ``target``× with a constant number
    of queries and the same answers; a note for each answer that differs."""
    out, notes = [], []
    for view in views:
        counts = [o["dangbo"]["queries"] for o in view[rows_key]]
        constant = len(set(counts)) == 1
        for i, o in enumerate(view[rows_key]):
            d, b = o["dangbo"], o["sql"]
            ratio = d["median_s"] / b["median_s"] if b["median_s"] else float("inf")
            why = []
            if ratio > target:
                why.append("ratio")
            if not constant:
                why.append("queries " + " ≠ ".join(str(c) for c in counts))
            if o["differs"]:
                why.append("answers differ")
            out.append(
                _row(
                    (f"{view['label']}: " if i == 0 else "  ") + what(view, o),
                    f"{ms(d['median_s'])} (best {ms(d['best_s'])}) · {d['queries']} q",
                    f"SQL {ms(b['median_s'])} (best {ms(b['best_s'])}) · 1 q",
                    ratio_of(ratio),
                    f"{mb(d['peak_rss_kb'])} / {mb(b['peak_rss_kb'])}",
                    f"≤ {target:g}×, same q",
                    verdict(not why, ", ".join(why)),
                )
            )
            if o["differs"]:
                notes.append(
                    f"ANSWERS DIFFER for {view['label']} on {o['code']} (dangbo, SQL): "
                    + ", ".join(f"{k} {v[0]} vs {v[1]}" for k, v in o["differs"].items())
                )
    return out, notes


def oversight_rows(engine: dict, prep: dict) -> tuple[list, list]:
    ov = engine["oversight"]
    data = ov["data"]
    labels = {
        prep["targets"]["median_province"]["code"]: "median province",
        prep["targets"]["largest_province"]["code"]: "largest province",
    }

    def what(view: dict, p: dict) -> str:
        size = data["provinces"][p["code"]]["sizes"]
        return f"{labels.get(p['code'], '')} {p['code']} ({size['cells']:,} cells)"

    out, notes = _compared_rows(ov["views"], "provinces", OVERSIGHT_RATIO_TARGET, what)
    sizes = []
    for code, info in data["provinces"].items():
        z = info["sizes"]
        made = (
            "reused from an earlier run"
            if info["reused"]
            else f"written in this run in {secs(info['seconds'])}"
        )
        sizes.append(
            f"{code}: {z['cells']:,} cells, {z['members']:,} active members, "
            f"{z['meetings']:,} meetings and {z['attendance']:,} attendance rows up to "
            f"{data['as_of']}, {z['grassroots']:,} grassroots organisations, "
            f"{z['assignments']:,} assignments, {z['visits']:,} visits ({made})"
        )
    notes[:0] = [
        f"Oversight: a year ({data['year']}) of generated data per province, views as of "
        f"{data['as_of']}. " + "; ".join(sizes) + ". Data: for each cell active on 1 January, "
        "12 regular and 4 thematic meetings (~1 % left out), attendance of every active member "
        "at each regular meeting (~4 % absent with reason, ~1 % without, a few members 3 months "
        "without), an assignment per grassroots organisation but ~2 %, visits to ~25 % of the "
        "cells in the first quarter; written with INSERT … SELECT, marked, kept for later runs "
        "(benchmarks/oversight.py). No opinions are generated: the opinion parts of "
        "oversight_stats run on empty tables.",
        "dangbo = the view called as the pages call it, in its own process: median (best) of "
        "the timed calls after 1 warm-up; 'q' = its SQL queries on a warm call "
        "(CaptureQueriesContext), which must be the same for both provinces. Baseline = ONE "
        "hand-written statement, in its own process, giving the same core figures (checked "
        "equal): compliance — cells, meetings by kind, cells short of a monthly / quarterly "
        "meeting, attendance by status and the meetings it covers (COUNT DISTINCT, as dangbo), "
        "members flagged for 3 months without reason; coverage — organisations, uncovered "
        "ones (count and the first 200 by path), assignments, assignments whose holder has no "
        "committee seat; oversight_stats — the "
        "compliance figures plus sub-cells, visits, opinions, assignments and uncovered "
        "grassroots organisations. dangbo also builds the lists it shows by name (≤ 200 rows "
        "each, with related objects). Peak RSS = dangbo / SQL process. The SQL of each view "
        "for each province: oversight-queries-<engine>.txt.",
    ]
    return out, notes


def page_rows(engine: dict, settings: dict) -> tuple[list, list]:
    pages = engine["pages"]
    load = {t["url"]: t for t in pages["load"]["targets"]}
    diag = pages["diag"]
    baseline = next(t for t in pages["targets"] if t.get("baseline"))
    minimal = load[baseline["url"]]
    out = []
    for target in pages["targets"]:
        r = load[target["url"]]
        d = diag.get(target["name"], {})
        queries = f"{d.get('queries', '?')} q"
        cold = d.get("cold")
        cell = (
            f"{r['rps']:,.1f} req/s · p50 {r['p50_ms']:,.0f} / p95 {r['p95_ms']:,.0f} / "
            f"p99 {r['p99_ms']:,.0f} ms · n={r['requests']:,} · {queries}"
        )
        if r.get("late"):
            cell += f" · {r['late']} ended after the window"
        if r["errors"]:
            cell += f" · {r['errors']} ERRORS"
        if target.get("baseline"):
            out.append(
                _row(
                    f"Page: {target['name']}",
                    cell,
                    "—",
                    "1.00",
                    mb(r["server_peak_rss_kb"]),
                    "baseline",
                    "",
                )
            )
            continue
        ratio = r["rps"] / minimal["rps"] if minimal["rps"] else 0.0
        why = []
        if r["p95_ms"] >= P95_TARGET_MS:
            why.append("p95")
        if ratio < PAGE_RATIO_TARGET:
            why.append("throughput")
        if r["errors"]:
            why.append("errors")
        out.append(
            _row(
                f"Page: {target['name']}",
                cell,
                f"minimal {minimal['rps']:,.1f} req/s",
                ratio_of(ratio),
                mb(r["server_peak_rss_kb"]),
                f"p95 < {P95_TARGET_MS} ms, ≥ {PAGE_RATIO_TARGET:.2f}×",
                verdict(not why, ", ".join(why)),
            )
        )
        if cold:
            province = "province" in target["name"]
            out.append(
                _row(
                    "  cold: the same page right after a write elsewhere",
                    f"{ms(cold['seconds'])} · {cold['queries']} q, "
                    f"{ms(cold['sql_seconds'])} in SQL",
                    f"warm {ms(d['seconds'])}",
                    ratio_of(cold["seconds"] / d["seconds"]) if d.get("seconds") else "",
                    "",
                    f"< {COLD_TARGET_S:g} s" if province else "(information)",
                    verdict(cold["seconds"] < COLD_TARGET_S, "cold") if province else "",
                )
            )
    client_cpu = sum(t["client_cpu_s"] for t in pages["load"]["targets"])
    wall = sum(t["seconds"] for t in pages["load"]["targets"])
    notes = [
        f"Pages: dangbo serve (waitress, {settings['threads']} threads, --no-worker, persistent "
        f"database connections) in its own process; {settings['clients']} keep-alive clients in a "
        f"second process, logged in once as a superuser through the login form, "
        f"{settings['duration']:g} s per page after a {settings['warmup']:g} s warm-up. "
        "A request counts when it starts inside the window (n = requests counted); the ones "
        "still running when it closes are awaited and counted ('ended after the window'). "
        "Peak RSS = the server's VmHWM, reset before each page. 'q' = SQL queries of one "
        "request (test client, diagnostic run: a second, warm request). Cold = the same page "
        "requested once more right after an audit entry is written (any change anywhere in "
        "the country moves the data version, so every cached figure and page is stale). Any "
        "status but 200 counts as an error.",
        "Minimal view (/bench/minimal/, benchmarks/bench_urls.py): same server and middleware, "
        "no login (the session and user are not loaded), ONE `SELECT 1` through Django's "
        "connection, a 2-byte text response.",
        f"Server, database and load generator share the machine's CPUs; the load generator "
        f"used {client_cpu:,.1f} CPU-seconds over {wall:,.0f} s of measurement.",
    ]
    per_request = [
        f"{t['name'].split(' (')[0]} {t['server_cpu_s'] * 1000 / t['requests']:,.1f} ms"
        for t in pages["load"]["targets"]
        if t.get("server_cpu_s") is not None and t["requests"]
    ]
    if per_request:
        notes.append(
            "Server process CPU per counted request (Python: Django, templates, the database "
            "driver; SQLite's own work too, PostgreSQL's is in its own processes): "
            + "; ".join(per_request)
            + "."
        )
    notes += processes_notes(pages)
    for target in pages["load"]["targets"]:
        if target.get("first_error"):
            status, body = target["first_error"]
            notes.append(f"First error on {target['url']}: status {status}: {body[:160]!r}")
    if pages.get("server_problems"):
        notes.append(
            f"Server log: {len(pages['server_problems'])} error lines, e.g. "
            f"{pages['server_problems'][0][:160]}"
        )
    return out, notes


def processes_notes(pages: dict) -> list[str]:
    """The pages against 1, 2, 4 … server processes, and which count to run."""
    by = pages.get("by_processes") or {}
    if len(by) < 2:
        return []
    parts, best = [], None
    for count, load in sorted(by.items(), key=lambda kv: int(kv[0])):
        targets = load["targets"]
        minimal = next((t for t in targets if t["url"].startswith("/bench/")), None)
        pages_only = [t for t in targets if t is not minimal]
        if not pages_only:
            continue
        total = sum(t["rps"] for t in pages_only) / len(pages_only)
        worst = max(t["p95_ms"] for t in pages_only)
        errors = sum(t["errors"] for t in targets)
        cache = ", shared Redis cache" if load.get("shared_cache") else ""
        parts.append(
            f"{count} process{'es' if int(count) > 1 else ''}{cache}: pages {total:,.1f} req/s "
            f"on average (minimal {minimal['rps'] if minimal else 0:,.1f}), worst p95 "
            f"{worst:,.0f} ms{f', {errors} errors' if errors else ''}"
        )
        score = (errors == 0 and worst < P95_TARGET_MS, total)
        if best is None or score > best[0]:
            best = (score, count)
    cpus = os.cpu_count() or 1
    advice = (
        f"Recommended on this {cpus}-CPU machine: {best[1]} server process"
        f"{'es' if best and int(best[1]) > 1 else ''} (the most requests with every p95 "
        f"within target); more processes than CPUs only add switching, and several need "
        f"DANGBO_CACHE_URL (docs/operations.md)."
        if best
        else ""
    )
    return ["Server processes, the same pages in turn: " + "; ".join(parts) + ". " + advice]


# -- rendering ---------------------------------------------------------------------------


def header(engine: dict) -> str:
    prep = engine.get("prepare")
    if not prep:
        return f"{engine['label']}"
    ds, load = prep["dataset"], prep["load"]
    version = ds.get("version", "")
    loaded = (
        f"loaded in this run in {load['load_seconds']:.0f} s"
        if load["loaded_now"]
        else "reused from an earlier run"
    )
    return (
        f"{engine['label']} {version} — national world at scale {load['scale']:g}: "
        f"{ds['members_total']:,} members ({prep['targets']['root']['members']:,} active), "
        f"{ds['organisations']:,} organisations, database {ds['db_bytes'] / 1e9:.1f} GB, {loaded}"
    )


def programs_rows(engine: dict, prep: dict) -> tuple[list, list]:
    pr = engine["programs"]
    data = pr["data"]
    z = data["sizes"]
    t = prep["targets"]
    labels = {
        t["median_province"]["code"]: "median province",
        t["largest_province"]["code"]: "largest province",
        t["root"]["code"]: "root",
    }

    def what(view: dict, o: dict) -> str:
        if view["view"] == "tree":
            return f"{z['tasks']:,} tasks as of {data['as_of']}"
        return f"{labels.get(o['code'], '')} {o['code']}"

    out, notes = _compared_rows(pr["views"], "orgs", PROGRAMS_RATIO_TARGET, what)
    made = "reused from an earlier run" if data.get("reused") else "written in this run"
    notes[:0] = [
        f"Programs and indicators (benchmarks/programs.py, {made}): a program of the root "
        f"with {z['tasks']:,} tasks in 4 levels and {z['reports']:,} progress reports (tree "
        f"asked as of {data['as_of']}, later reports left out); {z['units']:,} communes; "
        f"{z['observations']:,} indicator values, {z['assessments']:,} NTM assessments, "
        f"{z['recognitions']:,} recognitions; boards for the world's year {data['year']}. "
        "Baselines: one statement each — the roll-up level by level (latest report with a "
        "percent per task by a window, then weighted means by GROUP BY), the values × "
        "years with targets by GROUP BY, communes × criteria by GROUP BY, the units whose "
        "three administrative-reform parts are 1. dangbo also builds the rows it shows "
        "(names, leads, flags, per-cell targets), which the statements do not. SQL of "
        "each read: programs-queries-<engine>.txt."
    ]
    return out, notes


def reports_rows(engine: dict, prep: dict) -> tuple[list, list]:
    rep = engine["reports"]
    out: list = []
    for i, kind in enumerate(rep["demo"]["kinds"]):
        name = ("Reports, demo tam-duong 2016: " if i == 0 else "  ") + kind["key"]
        if "error" in kind:
            out.append(_row(name, "error", result=verdict(False, kind["error"][:80])))
            continue
        ok = kind["median_s"] <= REPORT_KIND_TARGET_S
        out.append(
            _row(
                f"{name} ({kind['period']})",
                f"{ms(kind['median_s'])} (best {ms(kind['best_s'])})",
                target=f"≤ {REPORT_KIND_TARGET_S:g} s",
                result=verdict(ok, "time"),
            )
        )
    labels = {
        prep["targets"]["median_province"]["code"]: "median province",
        prep["targets"]["largest_province"]["code"]: "largest province",
    }
    notes = [
        "Reports (benchmarks/reports.py): each registered kind built for the Tam Dương demo "
        "(its own database, loaded once) by kinds.get(key).build(…) as a superuser, median after "
        "a warm-up; the statistical tables (thong-ke) of a province for the world's year "
        "against one hand-written GROUP BY per table (13 statements, grouped by the "
        "province's direct child in SQL). dangbo also writes the sensitive-read audit entry "
        "and builds the sheets and the document. SQL: reports-queries-<engine>.txt."
    ]
    for view in rep["views"]:
        for i, o in enumerate(view["provinces"]):
            d, b = o["dangbo"], o["sql"]
            ratio = d["median_s"] / b["median_s"] if b["median_s"] else float("inf")
            why = (["ratio"] if ratio > REPORTS_RATIO_TARGET else []) + (
                ["answers differ"] if o["differs"] else []
            )
            out.append(
                _row(
                    (f"{view['label']}: " if i == 0 else "  ")
                    + f"{labels.get(o['code'], '')} {o['code']}",
                    f"{ms(d['median_s'])} (best {ms(d['best_s'])}) · {d['queries']} q",
                    f"SQL {ms(b['median_s'])} (best {ms(b['best_s'])}) · {b['queries']} q",
                    ratio_of(ratio),
                    f"{mb(d['peak_rss_kb'])} / {mb(b['peak_rss_kb'])}",
                    f"≤ {REPORTS_RATIO_TARGET:g}×",
                    verdict(not why, ", ".join(why)),
                )
            )
            if o["differs"]:
                notes.append(
                    f"ANSWERS DIFFER for {view['label']} on {o['code']} (dangbo, SQL): "
                    + ", ".join(f"{k} {v[0]} vs {v[1]}" for k, v in o["differs"].items())
                )
    return out, notes


def engine_table(engine: dict, settings: dict) -> tuple[str, list, list]:
    rows: list = []
    notes: list = []
    if engine.get("skipped"):
        return f"{engine['label']}: skipped — {engine['skipped']}", [], []
    for key, build in (
        ("import", lambda: import_rows(engine, settings)),
        ("subtree", lambda: subtree_rows(engine, engine["prepare"])),
        ("oversight", lambda: oversight_rows(engine, engine["prepare"])),
        ("programs", lambda: programs_rows(engine, engine["prepare"])),
        ("reports", lambda: reports_rows(engine, engine["prepare"])),
        ("pages", lambda: page_rows(engine, settings)),
    ):
        if key in engine:
            r, n = build()
            rows += r
            notes += n
    prep = engine.get("prepare")
    if prep:
        names, t = prep["names"], prep["targets"]
        notes.append(
            f"Targets: median province {t['median_province']['code']} "
            f"({t['median_province']['members']:,} active members) of {t['provinces']}; largest "
            f"{t['largest_province']['code']} ({t['largest_province']['members']:,}); commune "
            f"{t['commune']['code']}; cell {t['cell']['code']} ({t['cell']['members']} members). "
            f"Search: “{names['common']}” matches {names['common_matches']:,} members; "
            f"“{names['rare']}” {names.get('rare_matches', 1):,} (the rarest full name found)."
        )
        settings_line = prep["dataset"].get("settings")
        if settings_line:
            notes.append(f"Database settings: {settings_line}.")
    phases = engine.get("phase_seconds", {})
    if phases:
        loads = engine.get("phase_load", {})
        notes.append(
            "Phase times (1-minute load average at the end of each): "
            + ", ".join(
                f"{k} {v / 60:.1f} min" + (f" ({loads[k]:.1f})" if k in loads else "")
                for k, v in phases.items()
            )
            + f"; engine total {engine['seconds'] / 60:.1f} min."
        )
    for error in engine.get("errors", []):
        notes.append(f"ERROR: {error}")
    return header(engine), rows, notes


def text_table(rows: list) -> str:
    widths = [max(len(str(r[i])) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(COLUMNS), rule, *(line(r).rstrip() for r in rows)])


def markdown_table(rows: list) -> str:
    esc = lambda s: str(s).replace("|", "\\|")  # noqa: E731
    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def render(results: list, info: dict, settings: dict) -> tuple[str, str]:
    intro = (
        f"dangbo benchmarks — {info['started_at']}, dangbo {info.get('revision', '?')}, "
        f"{info['cpus']} CPUs, {info['mem_gb']} GB, "
        f"Python {info['python']}; load average {info['loadavg_start'][0]:.2f} at start, "
        f"{info['loadavg_end'][0]:.2f} at end; run time {info['seconds'] / 60:.1f} min"
        + (" (--quick)" if settings["quick"] else "")
    )
    text = [intro, ""]
    md = ["# dangbo benchmarks", "", intro, ""]
    for engine in results:
        title, rows, notes = engine_table(engine, settings)
        text += ["=" * len(title), title, "=" * len(title)]
        md += [f"## {title}", ""]
        if rows:
            text.append(text_table(rows))
            md.append(markdown_table(rows))
        text.append("")
        md.append("")
        for note in notes:
            text.append(f"* {note}")
            md.append(f"* {note}")
        text.append("")
        md.append("")
    return "\n".join(text), "\n".join(md)


def main() -> None:
    """Print the tables of a saved run again: ``python -m benchmarks.report latest.json``."""
    import json
    import sys

    with open(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/latest.json") as fh:
        saved = json.load(fh)
    print(render(saved["engines"], saved["machine"], saved["settings"])[0])


if __name__ == "__main__":
    main()
