"""Per-organisation pre-aggregates: members by status and gender, today.

``members.MemberTally`` is kept by database triggers (see its migration); this module reads
it for subtrees and offers the rebuild and the check behind ``dangbo aggregates``. Figures
for an earlier date are not pre-aggregated: they come from the membership intervals.
"""

from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

from dangbo.members.choices import ACTIVE_STATUSES, Gender, Status

TABLE = "members_membertally"
# The tally summed per province (kept by triggers on the tally, migration members 0014): a
# subtree at the top two levels — the root, a province — is read there.
ROLLUP = "members_membertallyrollup"
ROLLUP_DEPTH = 2
# SQLite's full-text index of the folded names (migration members 0015), also kept by
# triggers: a bulk load that drops them (the national loader) rebuilds it here too.
WORDS = "members_member_words"
_EXPECTED = """SELECT m.org_id, o.path, m.status, m.gender, COUNT(*)
    FROM members_member m JOIN orgs_organisation o ON o.id = m.org_id
    GROUP BY m.org_id, o.path, m.status, m.gender"""


def _source(*paths: str) -> tuple[str, str]:
    """The table and column a subtree's range is read from: the per-province roll-up for
    the top two levels (a few hundred rows for the whole country), the tally below."""
    if paths and all(p.count(".") <= ROLLUP_DEPTH for p in paths):
        return ROLLUP, "prefix"
    return TABLE, "path"


def subtree_counts(path: str) -> dict[tuple[str, str], int]:
    """{(status, gender): n} for the organisation with ``path`` and everything below it."""
    upper = path[:-1] + "/"
    table, column = _source(path)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT status, gender, SUM(n) FROM {table} "  # noqa: S608 - constant names
            f"WHERE {column} >= %s AND {column} < %s GROUP BY status, gender",
            [path, upper],
        )
        return {(s, g): int(n) for s, g, n in cur.fetchall() if n}


def member_counts(path: str) -> dict:
    """The four figures of the organisation pages, for today."""
    counts = subtree_counts(path)
    official = sum(n for (s, _g), n in counts.items() if s == Status.OFFICIAL)
    probationary = sum(n for (s, _g), n in counts.items() if s == Status.PROBATIONARY)
    female = sum(n for (s, g), n in counts.items() if s in ACTIVE_STATUSES and g == Gender.FEMALE)
    return {
        "total": official + probationary,
        "official": official,
        "probationary": probationary,
        "female": female,
    }


def active_by_range(ranges: list[tuple[int, str]]) -> dict[int, int]:
    """Active members under each (key, path) in ONE query, however many there are."""
    if not ranges:
        return {}
    values = ", ".join(["(%s, %s, %s)"] * len(ranges))
    params: list = []
    for key, path in ranges:
        params += [key, path, path[:-1] + "/"]
    statuses = ", ".join(["%s"] * len(ACTIVE_STATUSES))
    table, column = _source(*(path for _key, path in ranges))
    sql = (
        f"WITH r(k, lo, hi) AS (VALUES {values}) "  # noqa: S608 - placeholders only
        f"SELECT r.k, SUM(t.n) FROM r JOIN {table} t "
        f"ON t.{column} >= r.lo AND t.{column} < r.hi "
        f"WHERE t.status IN ({statuses}) GROUP BY r.k"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params + [str(s) for s in ACTIVE_STATUSES])
        return {int(k): int(n or 0) for k, n in cur.fetchall()}


def _prefix(path: str) -> str:
    """The roll-up's key of a path: its first two segments."""
    return ".".join(path.split(".")[:ROLLUP_DEPTH]) + "." if path.count(".") > 1 else path


@dataclass
class CheckResult:
    rows: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check(limit: int = 20) -> CheckResult:
    """Compare the tally and its per-province roll-up with a recount from the members
    table (and, on SQLite, the name index with the names)."""
    with connection.cursor() as cur:
        cur.execute(_EXPECTED)
        expected = {(o, s, g): (p, n) for o, p, s, g, n in cur.fetchall()}
        cur.execute(f"SELECT org_id, path, status, gender, n FROM {TABLE}")  # noqa: S608
        actual = {(o, s, g): (p, n) for o, p, s, g, n in cur.fetchall() if n}
        cur.execute(f"SELECT prefix, status, gender, n FROM {ROLLUP}")  # noqa: S608
        rolled = {(p, st, g): n for p, st, g, n in cur.fetchall() if n}
    want_rolled: dict[tuple, int] = {}
    for (_org, status, gender), (path, n) in expected.items():
        key = (_prefix(path), status, gender)
        want_rolled[key] = want_rolled.get(key, 0) + n
    problems = []
    for key in sorted(set(expected) | set(actual), key=str):
        want, have = expected.get(key), actual.get(key)
        if want != have:
            problems.append(
                f"tổ chức #{key[0]}, {key[1]}/{key[2]}: đếm lại {want[1] if want else 0}"
                f"{'' if not want or not have or want[0] == have[0] else ' (đường dẫn khác)'}, "
                f"bảng tổng hợp {have[1] if have else 0}"
            )
    for key in sorted(set(want_rolled) | set(rolled), key=str):
        if want_rolled.get(key, 0) != rolled.get(key, 0):
            problems.append(
                f"tổng theo tỉnh {key[0]}, {key[1]}/{key[2]}: đếm lại {want_rolled.get(key, 0)}, "
                f"bảng tổng hợp {rolled.get(key, 0)}"
            )
    problems += _words_problems()
    return CheckResult(
        rows=len(actual),
        problems=problems[:limit]
        + ([f"… và {len(problems) - limit} chỗ khác"] if len(problems) > limit else []),
    )


def _has_words_index() -> bool:
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [WORDS])
        return cur.fetchone() is not None


def _words_problems() -> list[str]:
    """FTS5's own check of an external-content index against the members table."""
    if not _has_words_index():
        return []
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"INSERT INTO {WORDS}({WORDS}, rank) VALUES ('integrity-check', 1)")  # noqa: S608
    except DatabaseError:
        return ["chỉ mục tìm theo tên (SQLite) không khớp với danh sách đảng viên"]
    return []


@transaction.atomic
def rebuild() -> int:
    """Recount everything from the members table, and rebuild SQLite's name index (the
    triggers keep them right afterwards)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"LOCK TABLE members_member IN SHARE MODE")  # noqa: F541
        cur.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        # Emptied too, so that a wrong roll-up is rebuilt, not just moved by the triggers.
        cur.execute(f"DELETE FROM {ROLLUP}")  # noqa: S608
        cur.execute(
            f"INSERT INTO {TABLE} (org_id, path, status, gender, n) {_EXPECTED}"  # noqa: S608
        )
        if _has_words_index():
            cur.execute(f"INSERT INTO {WORDS}({WORDS}) VALUES ('rebuild')")  # noqa: S608
        cur.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608
        return cur.fetchone()[0]
