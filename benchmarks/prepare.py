"""Make the benchmark database ready and choose what the other phases measure.

    BENCH_PASSWORD=... python -m benchmarks.prepare --scale S [--strict-scale]

Migrates, loads the national world once (``load_national`` returns at once when ``dcsvn``
exists), creates or updates the superuser ``bench`` with the password given in the
environment, and prints the targets: the median and the largest province by members, the
root, a commune and a cell for the page benchmark, and a common and a rare name to search.
The scale actually loaded is read back from the loader's audit entry, so that a database
loaded at another scale is reported as such (``--strict-scale`` refuses it instead).
"""

import argparse
import os
import sys
import time

from benchmarks import child

BENCH_USER = "bench"
COMMON_NAME = "nguyen van"  # folded, as a person types it without accents
PG_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "max_parallel_workers_per_gather",
    "jit",
    "max_wal_size",
    "checkpoint_timeout",
    "synchronous_commit",
)


def loaded_scale() -> float | None:
    from dangbo.core.models import AuditEntry
    from dangbo.demo import national

    entry = (
        AuditEntry.objects.filter(action="demo.loaded", object_id=national.AUDIT_OBJECT_ID)
        .order_by("-id")
        .first()
    )
    return float(entry.after.get("scale")) if entry and entry.after else None


def ensure_loaded(scale: float, strict: bool) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from dangbo.demo import national

    call_command("migrate", interactive=False, verbosity=0)
    if national.is_loaded():
        found = loaded_scale()
        if strict and found is not None and abs(found - scale) > 1e-9:
            sys.exit(
                f"the benchmark database holds the national world at scale {found:g}, not "
                f"{scale:g}: run with --fresh to reload it, or without --scale to use it"
            )
        child.say(f"national world already loaded (scale {found:g}), reused")
        return {"scale": found, "loaded_now": False, "load_seconds": None}
    child.say(f"loading the national world at scale {scale:g} (once; reused by later runs)…")
    started = time.perf_counter()
    national.load_national(scale=scale, progress=child.say)
    seconds = time.perf_counter() - started
    vacuum = 0.0
    if connection.vendor == "postgresql":
        # What autovacuum does soon after any big load; done now so that it does not run
        # in the middle of a measurement (and so that plans see real statistics).
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("VACUUM (ANALYZE)")
        vacuum = time.perf_counter() - started
        child.say(f"VACUUM ANALYZE after the load: {vacuum:.1f} s")
    return {"scale": scale, "loaded_now": True, "load_seconds": seconds, "vacuum_seconds": vacuum}


def ensure_user(password: str) -> None:
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(password)
    user.save()


def _active_under(ranges: list[tuple[int, str]]) -> dict[int, int]:
    from dangbo.members import aggregates

    return aggregates.active_by_range(ranges)


def _median(items: list, key) -> object:
    """The lower median: with 34 provinces, the 17th smallest."""
    ordered = sorted(items, key=key)
    return ordered[(len(ordered) - 1) // 2]


def _org(o, members: int) -> dict:
    return {"code": o.code, "name": o.name, "kind": o.kind, "path": o.path, "members": members}


def choose_targets() -> dict:
    from dangbo.demo import national
    from dangbo.orgs.choices import CELL_KINDS, OrgKind
    from dangbo.orgs.models import Organisation

    root = Organisation.objects.get(code=national.ROOT_CODE)
    provinces = list(Organisation.objects.filter(kind=OrgKind.PROVINCE_COMMITTEE, parent=root))
    counts = _active_under([(p.pk, p.path) for p in provinces])
    largest = max(provinces, key=lambda p: counts.get(p.pk, 0))
    median = _median(provinces, key=lambda p: counts.get(p.pk, 0))
    root_count = _active_under([(root.pk, root.path)])[root.pk]
    # A typical commune: the median commune committee of the largest province; its cell:
    # the biggest one in it (the cell page lists its members).
    communes = list(
        Organisation.objects.filter(
            largest.subtree_q(), kind=OrgKind.COMMUNE_COMMITTEE, valid_to__isnull=True
        )
    )
    commune_counts = _active_under([(c.pk, c.path) for c in communes])
    commune = _median(communes, key=lambda c: commune_counts.get(c.pk, 0))
    cells = list(
        Organisation.objects.filter(commune.subtree_q(), kind__in=CELL_KINDS, valid_to__isnull=True)
    )
    cell_counts = _active_under([(c.pk, c.path) for c in cells])
    cell = max(cells, key=lambda c: (cell_counts.get(c.pk, 0), -c.pk))
    return {
        "root": _org(root, root_count),
        "largest_province": _org(largest, counts[largest.pk]),
        "median_province": _org(median, counts[median.pk]),
        "commune": _org(commune, commune_counts.get(commune.pk, 0)),
        "cell": _org(cell, cell_counts.get(cell.pk, 0)),
        "provinces": len(provinces),
    }


def choose_names() -> dict:
    """A common folded name, and the rarest full name found by probing members at fixed
    places of the id range (the equality count uses the name index); at national scale a
    full name borne by one member only may not exist among the probes."""
    from django.db.models import Max, Min

    from dangbo.members.models import Member

    bounds = Member.objects.aggregate(lo=Min("id"), hi=Max("id"))
    lo, hi = bounds["lo"], bounds["hi"]
    rare, rare_matches = None, None
    for step in range(1, 300):
        probe = lo + (hi - lo) * ((step * 0.6180339887) % 1)
        member = (
            Member.objects.filter(pk__gte=int(probe))
            .order_by("pk")
            .only("full_name", "search_name")
            .first()
        )
        if member is None or len(member.full_name.split()) < 3:
            continue
        matches = Member.objects.filter(search_name=member.search_name).count()
        if rare_matches is None or matches < rare_matches:
            rare, rare_matches = member.full_name, matches
            if matches == 1:
                break
    common = Member.objects.all()
    for word in COMMON_NAME.split():  # as the search page filters: every word
        common = common.filter(search_name__contains=word)
    return {
        "common": COMMON_NAME,
        "common_matches": common.count(),
        "rare": rare,
        "rare_matches": rare_matches,
    }


def dataset_info() -> dict:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM members_member")
        members = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM orgs_organisation")
        orgs = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM members_memberevent")
        events = cur.fetchone()[0]
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_database_size(current_database())")
            size = cur.fetchone()[0]
            cur.execute("SHOW server_version")
            version = cur.fetchone()[0].split()[0]
            shown = []
            for name in PG_SETTINGS:
                cur.execute(f"SHOW {name}")
                shown.append(f"{name}={cur.fetchone()[0]}")
            settings_line = ", ".join(shown)
        else:
            cur.execute("SELECT sqlite_version()")
            version = cur.fetchone()[0]
            cur.execute("PRAGMA journal_mode")
            settings_line = f"journal_mode={cur.fetchone()[0]}, synchronous=NORMAL"
            name = settings.DATABASES["default"]["NAME"]
            size = sum(
                os.path.getsize(f"{name}{suffix}")
                for suffix in ("", "-wal", "-shm")
                if os.path.exists(f"{name}{suffix}")
            )
    return {
        "vendor": connection.vendor,
        "members_total": members,
        "organisations": orgs,
        "member_events": events,
        "db_bytes": size,
        "version": version,
        "settings": settings_line,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, required=True)
    parser.add_argument("--strict-scale", action="store_true")
    args = parser.parse_args()
    password = os.environ.get("BENCH_PASSWORD")
    if not password:
        sys.exit("BENCH_PASSWORD is not set")
    child.setup_django()
    load = ensure_loaded(args.scale, args.strict_scale)
    ensure_user(password)
    seconds, targets = child.timed(choose_targets)
    child.say(f"targets chosen in {seconds:.1f} s")
    seconds, names = child.timed(choose_names)
    child.say(f"search names chosen in {seconds:.1f} s (rare: {names['rare']})")
    child.emit({"load": load, "targets": targets, "names": names, "dataset": dataset_info()})


if __name__ == "__main__":
    main()
