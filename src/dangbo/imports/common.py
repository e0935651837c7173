"""Pieces shared by the member and organisation importers."""

from dataclasses import dataclass, field

from dangbo.core import scope


@dataclass
class Outcome:
    row_no: int
    state: str  # RowState
    action: str  # new / update / unchanged / "" (error)
    label: str
    messages: list[str]
    data: dict | None = None
    org: object = None
    member_id: int | None = None
    changes: dict = field(default_factory=dict)
    path: str = ""
    status: str = ""
    sheet: str = ""  # the workbook sheet the row is on ("" for CSV and one-sheet files)
    error_count: int = 0  # the first messages that are errors (the rest are warnings)
    inferred: dict = field(default_factory=dict)  # see ImportRow.inferred

    def __post_init__(self) -> None:
        if self.state == "error" and not self.error_count:
            self.error_count = len(self.messages)  # an error row's messages are all errors


@dataclass(frozen=True)
class SheetInfo:
    """The sheet an importer reads: its name and the text of its title block (the lines
    above the header: the committee, the list's title), where a cell or commune may be
    named when the rows do not say it."""

    name: str = ""
    title: tuple[str, ...] = ()


class ScopeCheck:
    """Path-prefix checks in Python: the importer asks about thousands of rows per second,
    so the actor's grants are read once and compared as strings (same rule as
    ``scope.restrict``: a grant covers its organisation's subtree in today's tree)."""

    def __init__(self, actor):
        self.change_all, self.change_paths = self._paths(actor, sensitive=False)
        self.sensitive_all, self.sensitive_paths = self._paths(actor, sensitive=True)

    @staticmethod
    def _paths(actor, *, sensitive: bool) -> tuple[bool, tuple[str, ...]]:
        if actor is None:
            return True, ()
        roots = scope.roots(actor, scope.SENSITIVE if sensitive else scope.CHANGE)
        if roots is None:
            return True, ()
        return False, tuple(root.path for root in roots)

    def may_change(self, path: str) -> bool:
        return self.change_all or path.startswith(self.change_paths)

    def may_write_sensitive(self, path: str) -> bool:
        return self.may_change(path) and (
            self.sensitive_all or path.startswith(self.sensitive_paths)
        )

    @property
    def any_change(self) -> bool:
        return self.change_all or bool(self.change_paths)

    @property
    def any_sensitive(self) -> bool:
        return self.sensitive_all or bool(self.sensitive_paths)


def lowest_common_path(a: str | None, b: str) -> str:
    """The deepest organisation above both (paths are ids joined by '.', ending in '.')."""
    if a is None:
        return b
    common = []
    for x, y in zip(a.split(".")[:-1], b.split(".")[:-1], strict=False):
        if x != y:
            break
        common.append(x)
    return ".".join(common) + "." if common else ""


class Seen:
    """Numbers already met in this file, in fixed memory.

    Card numbers (8 digits) index an exact bitmap of 10^8 bits (12.5 MB). Other keys hash
    into a 2^28-bit map (32 MB): a hit there is only a candidate, confirmed by the caller in
    a second, cheap pass over the file — so memory never grows with the file.
    """

    def __init__(self):
        self.maps: dict[str, bytearray] = {}
        self.hits: dict[str, set[str]] = {}

    def add(self, kind: str, value: str) -> None:
        """Mark ``value``; a repeat (or, for hashed kinds, a collision) becomes a candidate."""
        if kind == "card" and value.isdigit() and len(value) == 8:
            size, index = 10**8, int(value)
        else:
            size = 1 << 28
            index = (int(value) if value.isdigit() else hash(value)) % size
        bitmap = self.maps.get(kind)
        if bitmap is None:
            bitmap = self.maps[kind] = bytearray(size // 8 + 1)
        byte, bit = divmod(index, 8)
        mask = 1 << bit
        if bitmap[byte] & mask:
            self.hits.setdefault(kind, set()).add(value)
        else:
            bitmap[byte] |= mask

    @property
    def candidates(self) -> dict[str, set[str]]:
        return self.hits
