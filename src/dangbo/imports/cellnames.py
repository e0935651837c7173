"""Cells given by name, as offices write them, resolved within the importer's scope.

A roll names its cell "Chi bộ thôn Đồng Bông", "Thôn Đồng Bông", "Đồng Bông", "CB thôn Đồng
Bông", "Chi bộ 02" (stored "Chi bộ số 2"), often the same name in several communes. Names are
compared on keys (folded words, punctuation dropped, numbers without leading zeros and "số",
abbreviations written out) at three levels, strictest first:

- the whole name ("chi bo thon dong bong"),
- without the kind ("Chi bộ", "Chi bộ cơ sở", "CB"): "thon dong bong",
- without a leading place word too ("thôn", "xóm", "tổ dân phố", "trường"…): "dong bong".

Every cell matching at the loosest level is a candidate; a commune (the row's "Đảng bộ xã"
column, else the sheet's title lines or name) keeps those below it; the strictest level that
still matches decides; several left are reported with their communes and codes, in words
that can be typed back ("Chi bộ thôn 1 (Đảng bộ xã Kim Long, mã kl-thon-1)" is understood).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from dangbo.core import scope, search
from dangbo.core.dates import fmt
from dangbo.core.text import fold
from dangbo.orgs import queries as org_queries
from dangbo.orgs.choices import CELL_KINDS, OrgKind
from dangbo.orgs.models import Organisation, valid_code

LOAD_LIMIT = 5000  # a scope with fewer cells is loaded once; a bigger one is queried per name
QUERY_LIMIT = 500
ORG_FIELDS = ("id", "code", "name", "kind", "path", "valid_from", "valid_to")


@dataclass(frozen=True)
class OrgInfo:
    id: int
    code: str
    name: str
    kind: str
    path: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class Cell:
    org: OrgInfo
    keys: tuple[str, str, str]  # whole name, without the kind, without the place word
    above: str  # the organisation above that people name it by (the commune's committee)
    chain: tuple[str, ...]  # names of the organisations above, nearest first

    @property
    def label(self) -> str:
        """The cell as a person may type it back: "Chi bộ thôn 1 (Đảng bộ xã Kim Long, mã …)"."""
        where = f"{self.above}, " if self.above else ""
        return f"{self.org.name} ({where}mã {self.org.code})"


@dataclass(frozen=True)
class Pick:
    """A cell as the template's drop-down offers it: ``pick`` is what the importer reads
    back as this cell alone."""

    org: OrgInfo
    above: str
    pick: str


def picks(cells: Sequence[Cell]) -> list[Pick]:
    """The cells with the text to pick each: its name, or, for a name shared with another
    listed cell, the name with the organisation above ("Chi bộ thôn 1 (Đảng bộ xã Kim Long)")."""
    counts: dict[str, int] = {}
    for cell in cells:
        counts[cell.keys[0]] = counts.get(cell.keys[0], 0) + 1
    return [
        Pick(
            cell.org,
            cell.above,
            f"{cell.org.name} ({cell.above})"
            if counts[cell.keys[0]] > 1 and cell.above
            else cell.org.name,
        )
        for cell in cells
    ]


# -- keys ------------------------------------------------------------------------------------
_PUNCT = re.compile(r"[^\w\s]+|_")
_ABBREVIATIONS = {  # written out at the start of a name only ("Gia Du" keeps its "du")
    "cb": ("chi", "bo"),
    "cbcs": ("chi", "bo", "co", "so"),
    "db": ("dang", "bo"),
    "dbcs": ("dang", "bo", "co", "so"),
}
_PLACE_ABBREVIATIONS = {  # anywhere: "Chi bộ TDP số 5" is "Chi bộ Tổ dân phố 5"
    "tdp": ("to", "dan", "pho"),
    "kp": ("khu", "pho"),
    "kdc": ("khu", "dan", "cu"),
}
_SPELLED = {  # the other way: the abbreviation is the key ("Trường Tiểu học" = "Trường TH")
    ("trung", "hoc", "co", "so"): "thcs",
    ("trung", "hoc", "pho", "thong"): "thpt",
    ("tieu", "hoc"): "th",
    ("mam", "non"): "mn",
    ("uy", "ban", "nhan", "dan"): "ubnd",
    ("hoi", "dong", "nhan", "dan"): "hdnd",
}
_KINDS = (("chi", "bo", "co", "so"), ("chi", "bo", "truc", "thuoc"), ("chi", "bo"))
_PLACES = (
    ("to", "dan", "pho"),
    ("khu", "dan", "cu"),
    ("khu", "pho"),
    ("khoi", "pho"),
    ("thon",),
    ("xom",),
    ("ban",),
    ("ap",),
    ("lang",),
    ("buon",),
    ("phum",),
    ("soc",),
    ("khu",),
    ("khoi",),
    ("to",),
    ("doi",),
    ("truong",),
)
# Words before the name of the organisation above a cell: "Đảng bộ xã Kim Long" -> "kim long".
_ABOVE = (
    ("dang", "bo", "co", "so"),
    ("dang", "bo"),
    ("dang", "uy"),
    ("chi", "bo", "co", "so"),
    ("co", "so"),
    ("thi", "tran"),
    ("thi", "xa"),
    ("thanh", "pho"),
    ("xa",),
    ("phuong",),
    ("huyen",),
    ("quan",),
    ("tinh",),
    ("db",),
    ("dbcs",),
)
_ABOVE_KINDS = frozenset(
    {
        OrgKind.GRASSROOTS_COMMITTEE,
        OrgKind.COMMUNE_COMMITTEE,
        OrgKind.DISTRICT_COMMITTEE,
        OrgKind.BLOC_COMMITTEE,
        OrgKind.PROVINCE_COMMITTEE,
        OrgKind.CENTRAL,
    }
)


def words_of(text: str) -> list[str]:
    """Folded words, punctuation gone, numbers without leading zeros, "số"/"no" before a
    number dropped, abbreviations written out at the start."""
    raw = _PUNCT.sub(" ", fold(text or "")).split()
    out: list[str] = []
    for i, word in enumerate(raw):
        if word.isdigit():
            out.append(str(int(word)))
        elif word[0].isdigit():  # "01a" -> "1a"
            digits = re.match(r"\d+", word)
            assert digits is not None
            out.append(str(int(digits[0])) + word[digits.end() :])
        elif word in ("so", "no") and i + 1 < len(raw) and raw[i + 1][0].isdigit():
            continue
        elif not out and word in _ABBREVIATIONS:
            out.extend(_ABBREVIATIONS[word])
        elif word in _PLACE_ABBREVIATIONS:
            out.extend(_PLACE_ABBREVIATIONS[word])
        else:
            out.append(word)
    joined = " ".join(out)
    for spelled, short in _SPELLED.items():
        joined = re.sub(rf"\b{' '.join(spelled)}\b", short, joined)
    return joined.split()


def _drop(words: list[str], prefixes: Iterable[tuple[str, ...]], *, repeat: bool) -> list[str]:
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            n = len(prefix)
            if len(words) > n and tuple(words[:n]) == prefix:
                words = words[n:]
                changed = repeat
                break
    return words


def cell_keys(text: str) -> tuple[str, str, str]:
    whole = words_of(text)
    core = _drop(whole, _KINDS, repeat=False)
    bare = _drop(core, _PLACES, repeat=False)
    return " ".join(whole), " ".join(core), " ".join(bare)


def above_key(text: str) -> str:
    """The organisation above as its distinctive words: "Đảng bộ xã Kim Long" -> "kim long"."""
    return " ".join(_drop(words_of(text), _ABOVE, repeat=True))


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return n > 0 and any(
        tuple(haystack[i : i + n]) == tuple(needle) for i in range(len(haystack) - n + 1)
    )


_NUMBER = re.compile(r"(\d+)")


def tree_sort_key(cell: Cell) -> tuple:
    """Tree order by names (the organisations above first), "Chi bộ 2" before "Chi bộ 10"."""

    def natural(name: str) -> tuple:
        return tuple(int(p) if p.isdigit() else p for p in _NUMBER.split(fold(name)))

    return (
        *(natural(n) for n in reversed(cell.chain)),
        natural(cell.org.name),
        natural(cell.org.code),
    )


_TYPED_BACK = re.compile(r"^(?P<name>.*?)\s*\((?P<inside>[^()]*)\)\s*$")
_CODE_INSIDE = re.compile(r"(?:^|[,;]\s*)m[aã]\s*:?\s*(?P<code>[a-z0-9]+(?:-[a-z0-9]+)*)\s*$", re.I)


class _Shared:
    """What the resolvers of one import share: the scope's cells, names above, answers."""

    def __init__(self):
        self.cache: dict[tuple, tuple[OrgInfo | None, str | None]] = {}
        self.loaded: list[Cell] | None = None
        self.by_bare: dict[str, list[Cell]] = {}
        self.ended: list[Cell] = []
        self.big: bool | None = None
        self.names: dict[int, tuple[str, str]] = {}  # id -> (name, kind) of those above


class CellResolver:
    """Cells of the actor's change scope by name; one lookup per distinct name and commune.

    ``context``: text lines that may name the commune when a row does not (the sheet's title
    block and its name). ``share``: the resolver of the file's previous sheet — the cells
    loaded and the answers found are the file's, read once per import."""

    def __init__(
        self,
        actor,
        *,
        context: Iterable[str] = (),
        load_limit: int = LOAD_LIMIT,
        share: "CellResolver | None" = None,
    ):
        self.actor = actor
        self.context = [words_of(line) for line in context if line and line.strip()]
        self.load_limit = load_limit
        self.context_key = tuple(" ".join(line) for line in self.context)
        same = share is not None and share.actor == actor and share.load_limit == load_limit
        self.s = share.s if share is not None and same else _Shared()

    # -- the scope -----------------------------------------------------------------------
    def _scoped(self):
        qs = Organisation.objects.filter(kind__in=CELL_KINDS)
        return qs if self.actor is None else scope.restrict(qs, self.actor, scope.CHANGE)

    def _ensure_loaded(self) -> None:
        if self.s.big is not None:
            return
        qs = self._scoped()
        self.s.big = qs.filter(valid_to__isnull=True).count() >= self.load_limit
        if self.s.big:
            return
        rows = [OrgInfo(*row) for row in qs.values_list(*ORG_FIELDS)]
        cells = self._cells(rows)
        self.s.loaded = [c for c in cells if c.org.valid_to is None]
        self.s.ended = [c for c in cells if c.org.valid_to is not None]
        for cell in self.s.loaded:
            self.s.by_bare.setdefault(cell.keys[2], []).append(cell)

    def _cells(self, rows: list[OrgInfo]) -> list[Cell]:
        above_ids = {int(i) for o in rows for i in o.path.split(".")[:-2] if i}
        missing = sorted(above_ids - set(self.s.names))
        for start in range(0, len(missing), 500):
            for pk, name, kind in Organisation.objects.filter(
                pk__in=missing[start : start + 500]
            ).values_list("id", "name", "kind"):
                self.s.names[pk] = (name, kind)
        cells = []
        for o in rows:
            ids = [int(i) for i in o.path.split(".")[:-2] if i]
            chain = tuple(self.s.names[i] for i in reversed(ids) if i in self.s.names)
            above = next((name for name, kind in chain if kind in _ABOVE_KINDS), "")
            if not above and chain:
                above = chain[0][0]
            cells.append(Cell(o, cell_keys(o.name), above, tuple(name for name, _ in chain)))
        return cells

    def count(self) -> int:
        """How many current cells the scope holds."""
        return self._scoped().filter(valid_to__isnull=True).count()

    def cells(self, limit: int | None = None) -> list[Cell]:
        """The current cells of the scope in tree order (for the template), at most ``limit``
        (whole subtrees first: the database's path order decides which are cut)."""
        qs = self._scoped().filter(valid_to__isnull=True).order_by("path")
        rows = [OrgInfo(*row) for row in qs.values_list(*ORG_FIELDS)[: limit or None]]
        return sorted(self._cells(rows), key=tree_sort_key)

    def _named(self, bare: str) -> tuple[list[Cell], list[Cell]]:
        """(current, ended) cells whose loosest key is ``bare``."""
        self._ensure_loaded()
        if self.s.loaded is not None:
            return (
                list(self.s.by_bare.get(bare, ())),
                [c for c in self.s.ended if c.keys[2] == bare],
            )
        t = search.terms(bare)
        if t is None:
            return [], []
        qs = org_queries.named_like(self._scoped(), t)
        rows = [OrgInfo(*row) for row in qs.values_list(*ORG_FIELDS)[:QUERY_LIMIT]]
        found = [c for c in self._cells([r for r in rows]) if c.keys[2] == bare]
        return (
            [c for c in found if c.org.valid_to is None],
            [c for c in found if c.org.valid_to is not None],
        )

    def _by_code(self, code: str) -> Cell | None:
        self._ensure_loaded()
        if self.s.loaded is not None:
            return next((c for c in self.s.loaded if c.org.code == code), None)
        rows = [
            OrgInfo(*row)
            for row in self._scoped()
            .filter(code=code, valid_to__isnull=True)
            .values_list(*ORG_FIELDS)
        ]
        return self._cells(rows)[0] if rows else None

    def _close(self, bare: str) -> list[Cell]:
        words = {w for w in bare.split() if len(w) > 1 and not w.isdigit()}
        if not words:
            return []
        if self.s.loaded is not None:
            pool = self.s.loaded
        else:
            longest = max(words, key=len)
            t = search.terms(longest)
            if t is None:
                return []
            qs = org_queries.named_like(self._scoped().filter(valid_to__isnull=True), t)
            pool = self._cells([OrgInfo(*row) for row in qs.values_list(*ORG_FIELDS)[:50]])
        scored = [(len(words & set(c.keys[2].split())), c) for c in pool]
        scored = [(s, c) for s, c in scored if 2 * s > len(words)]  # most of the words
        scored.sort(key=lambda sc: (-sc[0], tree_sort_key(sc[1])))
        return [c for _, c in scored[:3]]

    # -- communes ------------------------------------------------------------------------
    @staticmethod
    def _under(cell: Cell, lines: list[list[str]]) -> tuple[int, int]:
        """How closely ``lines`` name an organisation above ``cell``: (the depth of the
        deepest one named, the length of its distinctive name); (0, 0) when none is. A title
        naming the district and the commune ("ĐẢNG BỘ HUYỆN TAM DƯƠNG", "ĐẢNG ỦY XÃ KIM
        LONG") picks the cells of that commune, not every cell of the district."""
        for index, name in enumerate(cell.chain):  # nearest first
            key = above_key(name).split()
            if any(_contains(line, key) for line in lines):
                return len(cell.chain) - index, len(key)
        return 0, 0

    @classmethod
    def _narrow(cls, found: list[Cell], lines: list[list[str]]) -> list[Cell]:
        scores = [(cls._under(c, lines), c) for c in found]
        top = max((s for s, _ in scores), default=(0, 0))
        return [c for s, c in scores if s == top] if top[0] else []

    # -- the question --------------------------------------------------------------------
    def resolve(self, text: str, commune: str | None = None) -> tuple[OrgInfo | None, str | None]:
        """The current cell of the scope that ``text`` names (the commune, when given, as the
        row's "Đảng bộ xã" column says it), or None and the reason in Vietnamese."""
        text = " ".join(str(text or "").split())
        commune = " ".join(str(commune or "").split())
        key = (self.context_key, text, commune)
        cache = self.s.cache
        if key not in cache:
            cache[key] = self._resolve(text, commune)
        return cache[key]

    def _resolve(self, text: str, commune: str) -> tuple[OrgInfo | None, str | None]:
        shown = text[:64]
        if valid_code(text.lower()):
            cell = self._by_code(text.lower())
            if cell is not None:
                return cell.org, None
        inner = None  # why "Name (Commune)" was not found, said if the whole text is not either
        typed = _TYPED_BACK.match(text)
        if typed and not commune:  # "Chi bộ thôn 1 (Đảng bộ xã Kim Long, mã kl-thon-1)"
            code = _CODE_INSIDE.search(typed["inside"])
            if code:
                cell = self._by_code(code["code"].lower())
                if cell is not None:
                    return cell.org, None
            inside = _CODE_INSIDE.sub("", typed["inside"]).strip(" ,;")
            org, inner = self.resolve(typed["name"], inside)
            if org is not None:
                return org, None
        keys = cell_keys(text)
        if not keys[2]:
            return None, f"không có chi bộ “{shown}” trong phạm vi của bạn."
        found, ended = self._named(keys[2])
        if commune and len(found) > 1:
            under = self._narrow(found, [words_of(commune)])
            if not under:
                listed = "; ".join(c.label for c in sorted(found, key=tree_sort_key)[:5])
                return None, (
                    f"không có chi bộ “{shown}” thuộc “{commune[:64]}” trong phạm vi của bạn; "
                    f"có: {listed}."
                )
            found = under
        elif len(found) > 1 and self.context:
            found = self._narrow(found, self.context) or found
        if len(found) > 1:
            for level in (0, 1):
                exact = [c for c in found if c.keys[level] == keys[level]]
                if exact:
                    found = exact
                    break
        if len(found) == 1:
            return found[0].org, None
        if found:
            found.sort(key=tree_sort_key)
            listed = "; ".join(c.label for c in found[:5])
            more = f" và {len(found) - 5} chi bộ khác" if len(found) > 5 else ""
            return None, (
                f"có {len(found)} chi bộ tên “{shown}”: {listed}{more}. Hãy ghi tên kèm đảng bộ "
                "cấp trên như trên (hoặc cột “Đảng bộ xã”), hoặc mã chi bộ."
            )
        parts = re.split(r"\s+[-–—]\s+|\s*,\s*", text, maxsplit=1)
        if len(parts) == 2 and not commune and all(parts):  # "Thôn Đồng Bông - Kim Long"
            org, _ = self.resolve(parts[0], parts[1])
            if org is not None:
                return org, None
        if inner and not ended:
            return None, inner
        if ended:
            last = max(ended, key=lambda c: c.org.valid_to or date.min)
            return None, (
                f"{last.org.name} (mã {last.org.code}) đã kết thúc hoạt động ngày "
                f"{fmt(last.org.valid_to)}."
            )
        message = f"không có chi bộ “{shown}” trong phạm vi của bạn."
        close = self._close(keys[2])
        if close:
            message += " Tên gần giống: " + "; ".join(c.label for c in close) + "."
        return None, message

    # -- a cell named by the sheet -------------------------------------------------------
    def named_in(self, lines: Iterable[str]) -> tuple[OrgInfo, str] | None:
        """The one cell that a title line names after "Chi bộ" ("DANH SÁCH ĐẢNG VIÊN CHI BỘ
        THÔN ĐỒNG BÔNG, ĐẢNG BỘ XÃ KIM LONG"), with the line; None when none or several."""
        for line in lines:
            for part in re.split(r"[,;()\-–—|/]", line or ""):  # "Chi bộ: Thôn …" is one
                words = words_of(part)
                starts = [i for i in range(len(words) - 2) if words[i : i + 2] == ["chi", "bo"]]
                for start in starts:
                    tail = words[start:]
                    for i in range(2, len(tail)):
                        after = tail[i + 1] if i + 1 < len(tail) else ""
                        if tail[i] in ("dang", "danh") or (
                            tail[i] in ("nam", "ngay", "thang", "tinh", "den")
                            and (after.isdigit() or after == "den")
                        ):
                            tail = tail[:i]
                            break
                    for end in range(len(tail), 2, -1):
                        org, _ = self.resolve(" ".join(tail[:end]))
                        if org is not None:
                            return org, line.strip()
        return None


_GENERIC_SHEET = re.compile(r"^(sheet|trang tinh|bang tinh|data|du lieu|danh sach)( \d+)?$")


def names_a_cell(text: str) -> bool:
    """Whether a sheet's name may be a cell's ("Thôn Đồng Bông", "Chi bộ 2"), not "Sheet1",
    "2" or "Dữ liệu"."""
    whole, _, bare = cell_keys(text)
    if not whole or _GENERIC_SHEET.match(whole):
        return False
    return whole.startswith("chi bo ") or any(len(w) > 1 and w.isalpha() for w in bare.split())


_ENUMERATOR = re.compile(r"^\s*(?:[IVXLC]+|[A-Za-z]|\d+)\s*[.)\-–:/]\s+")


def heading_text(text: str | None) -> str:
    """A group heading without its enumerator: "I. Chi bộ thôn Đồng Bông" -> "Chi bộ…"."""
    return _ENUMERATOR.sub("", " ".join(str(text or "").split()), count=1)


def looks_like_cell(text: str) -> bool:
    """Whether a heading names a cell ("Chi bộ …", "Thôn …", "Tổ dân phố …"), not a status
    or other grouping ("ĐẢNG VIÊN CHÍNH THỨC")."""
    whole = words_of(text)
    return tuple(whole[:2]) == ("chi", "bo") or any(
        tuple(whole[: len(p)]) == p and len(whole) > len(p) for p in _PLACES
    )
