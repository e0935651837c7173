"""Find the table in a sheet as offices lay it out.

An office roll has a title block (the committee, "ĐẢNG CỘNG SẢN VIỆT NAM", the list's title, a
date line) above a header of one to three rows (a merged "Ngày sinh" over "Nam" / "Nữ"), a
row of column numbers ("(1) (2) …") under it, and a footer (totals, "Người lập biểu",
signatures, notes) after the members. Each decision becomes a note the preview shows.
"""

import re
from collections.abc import Iterator

from dangbo.core.text import fold, strip_control

HEAD_ROWS = 20  # the header is looked for within the sheet's first rows
_SPLIT = re.compile(r"[()\[\]*:.,;!?\"'“”/\\_\-–]+")
_FOOTER = re.compile(
    r"^(tong cong|tong so|nguoi lap|ghi chu|xac nhan|ky ghi ro|ky va ghi|ky ten|t m\b)"
    r"|^cong( \d.*)?$"  # "Cộng: 30", not the surname "Công"
    r"|\bky ghi ro ho ten\b|\bngay\b.{0,12}\bthang\b.{0,12}\bnam\b"
)
_NUMBER = re.compile(r"^\(?\s*(\d{1,3})\s*\)?$")
_TICK_GENDER = {"nam", "nu"}
_GENDER_KEYS = {"gioi tinh", "gioi", "nam nu", "gender", "sex"}


def key(text: str) -> str:
    return " ".join(_SPLIT.sub(" ", fold(text or "")).split())


def text_of(value) -> str:
    return "" if value is None else strip_control(str(value)).strip()


def _known() -> set[str]:
    from .schema import IGNORED, MEMBER_COLUMNS, ORG_COLUMNS, header_key

    names = set(IGNORED)
    for column in (*MEMBER_COLUMNS, *ORG_COLUMNS):
        for name in (column.header, column.key.replace("_", " "), *column.aliases):
            names.add(header_key(name))
    return names


def _score(texts: list[str], known: set[str]) -> int:
    return sum(1 for t in texts if t and key(t) in known)


def _is_number_row(row: list) -> bool:
    """ "(1) (2) (3) …" or 1 2 3 …: increasing small integers, at least three."""
    numbers = []
    for cell in row:
        if cell is None or cell == "":
            continue
        if isinstance(cell, bool):
            return False
        if isinstance(cell, int | float) and float(cell).is_integer():
            numbers.append(int(cell))
            continue
        match = _NUMBER.match(text_of(cell))
        if not match:
            return False
        numbers.append(int(match.group(1)))
    return len(numbers) >= 3 and all(b > a for a, b in zip(numbers, numbers[1:], strict=False))


def _is_subheader(rows: list[list], candidate: list, width: int) -> bool:
    """Text cells only under the spans of merged parents (a cell left empty by its merge),
    never under a header that stands alone: a data row fills the columns of those."""
    if any(c not in (None, "") and not isinstance(c, str) for c in candidate):
        return False
    if _is_number_row(candidate):
        return False
    filled = [i for i, c in enumerate(candidate) if text_of(c)]
    if not filled:
        return False
    for column in filled:
        for row in rows:
            here = text_of(row[column]) if column < len(row) else ""
            nxt = text_of(row[column + 1]) if column + 1 < len(row) else ""
            if here and (nxt or column + 1 >= width):
                return False  # a header standing alone over this column
    return True


def is_footer(row: list) -> bool:
    for cell in row[:6]:
        if isinstance(cell, str) and cell.strip():
            return bool(_FOOTER.search(key(cell)))
    return False


def combine(rows: list[list], width: int) -> list[str]:
    """One name per column: a parent carried right over the empty cells of its merge (only
    where a lower header row has a child), then " / " and the child."""
    grid = [[text_of(r[c]) if c < len(r) else "" for c in range(width)] for r in rows]
    for level, line in enumerate(grid[:-1]):
        below = grid[level + 1 :]
        for column in range(1, width):
            if not line[column] and line[column - 1] and any(b[column] for b in below):
                if any(b[column - 1] for b in below):  # the left cell is a parent too
                    line[column] = line[column - 1]
    names = []
    for column in range(width):
        parts: list[str] = []
        for line in grid:
            if line[column] and (not parts or parts[-1] != line[column]):
                parts.append(line[column])
        names.append(" / ".join(parts))
    return names


def _span(first: int, last: int) -> str:
    return f"dòng {first}" if first == last else f"dòng {first}–{last}"


class Table:
    """The header found in a sheet's first rows and its data rows, with the notes."""

    def __init__(self, rows: Iterator[list], first_row: int):
        self.notes: list[str] = []
        self._rows = rows
        head: list[list] = []
        for row in rows:
            head.append(list(row))
            if len(head) >= HEAD_ROWS:
                break
        if not any(any(text_of(c) for c in r) for r in head):
            raise NoHeader
        known = _known()
        texts = [[text_of(c) for c in r] for r in head]
        scores = [_score(t, known) for t in texts]
        best = max(range(len(head)), key=lambda i: (scores[i], -i))
        if scores[best] == 0:
            best = next(i for i, t in enumerate(texts) if any(t))
        width = max(len(r) for r in head)
        header_rows = [head[best]]
        index = best + 1
        while index < len(head) and len(header_rows) < 3:
            if not _is_subheader(header_rows, head[index], width):
                break
            header_rows.append(head[index])
            index += 1
        names = combine(header_rows, width)
        while names and not names[-1]:
            names.pop()
        self.header = names
        number = first_row + best
        if best > 0 and any(any(t) for t in texts[:best]):
            self.notes.append(f"{_span(first_row, number - 1)}: tiêu đề, bỏ qua")
        last_header = number + len(header_rows) - 1
        if last_header > first_row:  # a plain header on the first row needs no word
            self.notes.append(f"{_span(number, last_header)}: tiêu đề cột")
        if index < len(head) and _is_number_row(head[index]):
            self.notes.append(f"dòng {first_row + index}: số thứ tự cột, bỏ qua")
            index += 1
        self.header_row = last_header
        self.data_first = first_row + index
        self._head = head[index:]
        self._tick_groups: list[tuple[list[int], list[str]]] = []  # "x" under a level
        self._female_column: int | None = None
        self._transform = self._ticks()
        self._footer_at: int | None = None

    def _ticks(self):
        """A "Nam" / "Nữ" pair under one parent: the ticked (or filled) child is the gender;
        under "Ngày sinh" the filled one holds the date."""
        groups: dict[str, list[int]] = {}
        for position, name in enumerate(self.header):
            if " / " in name:
                parent, child = name.rsplit(" / ", 1)
                if key(child) in _TICK_GENDER:
                    groups.setdefault(parent, []).append(position)
        pairs = []
        has_gender = any(key(n) in _GENDER_KEYS for n in self.header)
        for parent, positions in groups.items():
            if len(positions) != 2:
                continue
            male, female = sorted(positions, key=lambda p: key(self.header[p]) != "nam")
            if key(parent) in _GENDER_KEYS:
                self.header[male], self.header[female] = "Giới tính", ""
                pairs.append((male, female, True))
            else:
                self.header[male] = parent
                self.header[female] = "" if has_gender else "Giới tính"
                has_gender = True
                pairs.append((male, female, False))
        female_only = [p for p, n in enumerate(self.header) if key(n) == "nu"]
        if not has_gender and len(female_only) == 1:  # a "Nữ" column ticked "x"
            self._female_column = female_only[0]
            self.header[female_only[0]] = "Giới tính"
        known = _known()
        ticks: dict[str, list[int]] = {}
        for position, name in enumerate(self.header):
            if " / " in name and key(name) not in known:
                parent = name.rsplit(" / ", 1)[0]
                if key(parent) not in known:  # a third level: "Trình độ / Trình độ LLCT"
                    parent = parent.rsplit(" / ", 1)[-1]
                if key(parent) in known and key(parent) not in _GENDER_KEYS:
                    ticks.setdefault(parent, []).append(position)
        for parent, positions in ticks.items():
            if len(positions) < 2 or any(key(self.header[p]) in known for p in positions):
                continue
            children = [self.header[p].rsplit(" / ", 1)[1] for p in positions]
            self._tick_groups.append((positions, children))
            self.header[positions[0]] = parent
            for p in positions[1:]:
                self.header[p] = ""
        return pairs

    def _apply(self, row: list) -> list:
        if self._female_column is not None and self._female_column < len(row):
            ticked = text_of(row[self._female_column])
            row[self._female_column] = "Nữ" if ticked and key(ticked) != "0" else "Nam"
        for positions, children in self._tick_groups:
            if len(row) <= positions[-1]:
                row = [*row, *([None] * (positions[-1] + 1 - len(row)))]
            ticked = [c for p, c in zip(positions, children, strict=True) if text_of(row[p])]
            for p in positions:
                row[p] = None
            row[positions[0]] = ", ".join(ticked) or None
        for male, female, is_gender in self._transform:
            a = row[male] if male < len(row) else None
            b = row[female] if female < len(row) else None
            a = None if a in ("", None) or (isinstance(a, str) and not a.strip()) else a
            b = None if b in ("", None) or (isinstance(b, str) and not b.strip()) else b
            gender = "Nam" if a is not None else "Nữ" if b is not None else None
            if len(row) <= max(male, female):
                row = [*row, *([None] * (max(male, female) + 1 - len(row)))]
            if is_gender:
                row[male], row[female] = gender, None
            else:
                row[male] = a if a is not None else b
                row[female] = gender if self.header[female] else None
        return row

    def rows(self, *, width: int = 0) -> Iterator[tuple[int, list]]:
        """Non-empty data rows with their number, up to the first footer row."""
        number = self.data_first - 1
        source = _chain(self._head, self._rows)
        for row in source:
            number += 1
            row = list(row)
            if not any(c not in ("", None) for c in row):
                continue
            if is_footer(row):
                last = number
                last += _last_filled(source)
                self.notes.append(f"{_span(number, last)}: chân trang, bỏ qua")
                return
            if len(row) < width:
                row = [*row, *([None] * (width - len(row)))]
            yield number, self._apply(row)


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


class NoHeader(Exception):
    """No row of the sheet's first rows holds anything: the reader says so to the user."""


def _last_filled(rows: Iterator) -> int:
    """How far past the current row the last row holding something is."""
    last_filled = 0
    for count, row in enumerate(rows, start=1):
        if any(c not in ("", None) for c in row):
            last_filled = count
    return last_filled


def sheet_notes(first: tuple[str, int], others: list[tuple[str, int, list[list]]]) -> list[str]:
    """Every sheet of a workbook, said: the one read, the other rolls (not read: one roll per
    import), and the sheets that are not rolls."""
    if not others:
        return []
    name, count = first
    notes = [f"Trang “{name}” ({count} dòng): đã đọc."]
    known = _known()
    for name, count, head in others:
        if not any(any(text_of(c) for c in r) for r in head):
            notes.append(f"Trang “{name}”: trống, bỏ qua.")
        elif max(_score([text_of(c) for c in r], known) for r in head) >= 3:
            notes.append(
                f"Trang “{name}” ({count} dòng): cũng là danh sách nhưng chưa được nhập — "
                "hãy nhập trang này trong một tệp riêng."
            )
        else:
            notes.append(f"Trang “{name}” ({count} dòng): không phải danh sách, bỏ qua.")
    return notes
