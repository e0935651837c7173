"""Find the table in a sheet as offices lay it out.

An office roll has a title block (the committee, "ĐẢNG CỘNG SẢN VIỆT NAM", the list's title, a
date line) above a header of one to three rows (a merged "Ngày sinh" over "Nam" / "Nữ"), a
row of column numbers ("(1) (2) …") under it, members listed under group headings ("I. Chi bộ
thôn Đồng Bông"), sometimes with a subtotal per group, and a footer (totals, "Người lập
biểu", signatures, notes) after the members. Each decision becomes a note the preview shows.

The rows come in as (row number as the user sees it, cells); they are streamed: only the
first rows (for the header) and the rows between a subtotal and the next member are held.
"""

import bisect
import re
import unicodedata
from collections.abc import Iterator

from dangbo.core import legacy
from dangbo.core.text import fold, strip_control

HEAD_ROWS = 20  # the header is looked for within the sheet's first rows
TITLE_LINES = 30  # title lines kept for the importer (a title block is a few rows)
_SPLIT = re.compile(r"[()\[\]*:.,;!?\"'“”/\\_\-–]+")
_FOOTER = re.compile(
    r"^(nguoi lap|ghi chu|xac nhan|ky ghi ro|ky va ghi|ky ten|t m\b|tm\b|k t\b|kt\b|noi nhan"
    r"|thu truong|bi thu$|pho bi thu$|chu tich$|danh sach (nay )?(co|gom)\b)"
    r"|\bky ghi ro ho ten\b|\bky ten\b.{0,10}\bdong dau\b"
    r"|\bngay\b.{0,12}\bthang\b.{0,12}\bnam\b"
)
# Totals, read with their accents: "Cộng" is a total, "Công Văn Bình" a member, "Tống Công
# Minh" too.
_TOTAL = re.compile(r"^(tổng cộng|tổng số|tổng|cộng)(\s|:|$|\d)")
_NUMBER = re.compile(r"^\(?\s*(\d{1,3})\s*\)?$")
_LETTER = re.compile(r"^\(?[A-Z]\)?$")
# A group heading: "I. Chi bộ thôn Đồng Bông", "A - ĐẢNG VIÊN CHÍNH THỨC", "2) Chi bộ số 2".
_ENUMERATOR = re.compile(
    r"^\s*(?:([IVXLC]{1,6}|[ivxlc]{1,6}|[A-Za-z])|\d{1,2})\s*[.):\-–]\s*(?=\S)"
)
_ROMAN = re.compile(r"^(?:[IVXLC]{1,6}|[ivxlc]{1,6}|[A-Z])\.?$")
# Words a group's name starts with (never a surname: not "Tô", "Bàn", "Trương", "Lăng").
_GROUP_WORDS = re.compile(
    r"^(chi bo|dang bo|to dang|thon|xom|ap|khu pho|khu dan cu|khu|to dan pho|bo phan|co quan"
    r"|truong (thpt|thcs|tieu hoc|mam non|trung hoc|dai hoc|cao dang)|dang vien|nhom"
    r"|cong ty|ban chi huy)\b"
)
_NAME_KEYS = {"ho va ten", "ho ten", "ho ten dang dung", "ho va ten dang dung", "ten dang vien"}
_FAMILY_KEYS = {"ho", "ho dem", "ho va dem", "ho va ten dem", "ho va chu dem", "ho ten dem"}
_GIVEN_KEYS = {"ten", "ten goi"}
_ADMISSION_KEYS = {"ngay vao dang", "ngay ket nap", "ngay ket nap dang", "ngay ket nap vao dang"}
_TICK_GENDER = {"nam", "nu"}
_GENDER_KEYS = {"gioi tinh", "gioi", "nam nu", "gender", "sex"}


def key(text: str) -> str:
    return " ".join(_SPLIT.sub(" ", fold(text or "")).split())


def text_of(value) -> str:
    """A cell as text, without invisible characters — but the soft hyphen stays: it is
    TCVN3's "ư" ("D\xad¬ng" is "Dương")."""
    if value is None:
        return ""
    text = str(value)
    if "\xad" in text:
        return strip_control(text.replace("\xad", "\ue000")).replace("\ue000", "\xad").strip()
    return strip_control(text).strip()


def readable(text: str, encoding: str | None = None) -> str:
    """Text typed in a legacy font (TCVN3, VNI) read as Unicode; other text as is.
    ``encoding``: the one its neighbours showed (decides a cell like "Chi bé")."""
    if not text or text.isascii():
        return text
    if encoding:
        converted = legacy.convert_in_column(text, encoding)
        if converted is not None:
            return converted
    return legacy.fix(text)[0]


def rows_encoding(rows: list[list]) -> str | None:
    """The legacy encoding the text cells of these rows show together, or None."""
    values = [text_of(c) for r in rows for c in r if isinstance(c, str)]
    return legacy.detect_column([v for v in values if v and not v.isascii()]) or None


def _known() -> set[str]:
    from .schema import IGNORED, INDICATOR_COLUMNS, MEMBER_COLUMNS, ORG_COLUMNS, header_key

    names = set(IGNORED)
    for column in (*MEMBER_COLUMNS, *ORG_COLUMNS, *INDICATOR_COLUMNS):
        for name in (column.header, column.key.replace("_", " "), *column.aliases):
            names.add(header_key(name))
    return names


def _known_reading(name: str, known: set[str]) -> str:
    """A header the legacy fonts left unclear ("Chi bé": a Unicode word, or TCVN3 "Chi bộ")
    read in the encoding that makes it a known column name."""
    if not name or name.isascii() or key(name) in known:
        return name
    parts = name.split(" / ")
    last = parts[-1]
    for encoding in ("tcvn3", "vni"):
        converted = legacy.to_unicode(last, encoding)
        if converted != last and key(converted) in known:
            return " / ".join([*parts[:-1], converted])
    return name


def _score(texts: list[str], known: set[str]) -> int:
    return sum(1 for t in texts if t and (key(t) in known or key(readable(t)) in known))


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _is_number_row(row: list) -> bool:
    """ "(1) (2) (3) …", 1 2 3 …, or a statistics form's "A B 1 2 3 …": increasing small
    integers (after letters in order), at least three cells."""
    numbers: list[int] = []
    letters: list[str] = []
    for cell in row:
        if not _filled(cell):
            continue
        if isinstance(cell, bool):
            return False
        if isinstance(cell, int | float) and float(cell).is_integer():
            numbers.append(int(cell))
            continue
        text = text_of(cell)
        match = _NUMBER.match(text)
        if match:
            numbers.append(int(match.group(1)))
        elif _LETTER.match(text) and not numbers:
            letters.append(text.strip("()"))
        else:
            return False
    if letters and [ord(x) for x in letters] != list(
        range(ord(letters[0]), ord(letters[0]) + len(letters))
    ):
        return False
    return len(numbers) + len(letters) >= 3 and all(
        b > a for a, b in zip(numbers, numbers[1:], strict=False)
    )


def _is_subheader(rows: list[list], candidate: list, width: int) -> bool:
    """Text cells only under the spans of merged parents (a cell left empty by its merge),
    never under a header that stands alone: a data row fills the columns of those."""
    if any(_filled(c) and not isinstance(c, str) for c in candidate):
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


def _first_text(row: list) -> str:
    for cell in row[:6]:
        if isinstance(cell, str) and cell.strip():
            return cell
    return ""


def is_total(row: list) -> bool:
    """ "Cộng", "Tổng cộng: 45 đảng viên", "Tổng số" (not the surname "Công", nor "Tống")."""
    text = _first_text(row)
    if not text:
        return False
    lower = unicodedata.normalize("NFC", readable(text.strip())).lower()
    return bool(_TOTAL.match(lower))


def is_footer(row: list) -> bool:
    text = _first_text(row)
    if not text:
        return False
    return is_total(row) or bool(_FOOTER.search(key(readable(text))))


def group_heading(row: list, *, words: bool = True) -> str | None:
    """The heading of a group of members ("I. Chi bộ thôn Đồng Bông", "Chi bộ thôn 2"): one
    text cell alone in its row (a merged cell spanning the width), or a roman numeral / letter
    in the first column and one text; without the enumerator."""
    filled = [c for c in row if _filled(c)]
    if not filled or len(filled) > 2 or not all(isinstance(c, str) for c in filled):
        return None
    if len(filled) == 2:
        mark = text_of(filled[0])
        if not _ROMAN.match(mark):
            return None
        text = text_of(filled[1])
    else:
        text = text_of(filled[0])
    text = readable(text)
    enumerated = _ENUMERATOR.match(text)
    plain = _ENUMERATOR.sub("", text).strip()
    if not plain or _NUMBER.match(plain) or not any(ch.isalpha() for ch in plain):
        return None
    if (
        len(filled) == 2
        or (enumerated and enumerated.group(1))  # "I.", "A -": a heading's enumerator
        or (words and _GROUP_WORDS.match(key(plain)))
    ):
        return plain
    return None


def combine(rows: list[list], width: int, *, encoding: str | None = None) -> list[str]:
    """One name per column: a parent carried right over the empty cells of its merge (only
    where a lower header row has a child), then " / " and the child."""
    encoding = encoding or rows_encoding(rows)
    grid = [
        [readable(text_of(r[c]), encoding) if c < len(r) else "" for c in range(width)]
        for r in rows
    ]
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


def span(first: int, last: int) -> str:
    return f"dòng {first}" if first == last else f"dòng {first}–{last}"


def _spans(numbers: list[int]) -> str:
    """12, 30, 41–43: row numbers as the notes say them."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


class NoHeader(Exception):
    """No row of the sheet's first rows holds anything: the reader says so to the user."""


class OutsideSheet(Exception):
    """An override names a row the sheet does not have; the message is for the user."""


class Table:
    """The header found in a sheet's first rows and its data rows, with the notes.

    ``header_row``: the user's choice of the first header row (the rows above are the title
    block); ``last_row``: rows after it are not read (no footer detection before it)."""

    def __init__(
        self,
        rows: Iterator[tuple[int, list]],
        *,
        header_row: int | None = None,
        last_row: int | None = None,
        merges=None,
        fonts=None,
    ):
        self.notes: list[str] = []
        # Whether a lone "Chi bộ thôn 2" is a group heading (a roll of members) or a row (a
        # list of organisations, where such names are the data): set before reading rows.
        self.group_words = True
        # Cells merged down over several rows (a cell's name beside its members): the value
        # of the first row is each row's. A list of (first row, first column, last row, last
        # column), or a function giving it (called only when the rows are read).
        self._merges = merges
        self._down: dict[int, list[tuple[int, int]]] = {}
        self._rows = rows
        self.last_row = last_row
        self.title: tuple[str, ...] = ()
        self.footer: list[int] | None = None
        self.data_last: int | None = None
        self.count = 0  # data rows yielded
        self.seen_last = 0  # the last row number met
        self.groups: list[tuple[int, str]] = []  # (row, heading) in order
        self.subtotals: list[int] = []
        self.repeats: list[int] = []  # number rows repeated inside the data
        title_rows: list[tuple[int, list]] = []
        head: list[tuple[int, list]] = []
        if header_row is None:
            for number, row in rows:
                self.seen_last = number
                head.append((number, list(row)))
                if len(head) >= HEAD_ROWS:
                    break
        else:
            for number, row in rows:
                self.seen_last = number
                if number < header_row:
                    if any(_filled(c) for c in row) and len(title_rows) < TITLE_LINES:
                        title_rows.append((number, list(row)))
                    continue
                head.append((number, list(row)))
                if len(head) >= 5:
                    break
            if not head or head[0][0] != header_row or not any(_filled(c) for c in head[0][1]):
                last = self.seen_last
                raise OutsideSheet(
                    f"dòng tiêu đề bạn chọn (dòng {header_row}) "
                    + (
                        f"nằm ngoài trang (trang có {last} dòng)."
                        if not head or head[0][0] != header_row
                        else "để trống."
                    )
                )
        if not any(any(text_of(c) for c in r) for _, r in head):
            raise NoHeader
        if last_row is not None and last_row < head[0][0] and header_row is not None:
            raise OutsideSheet(f"dòng cuối bạn chọn (dòng {last_row}) ở trên dòng tiêu đề.")
        texts = [[text_of(c) for c in r] for _, r in head]
        known = _known()
        if header_row is None:
            scores = [_score(t, known) for t in texts]
            best = max(range(len(head)), key=lambda i: (scores[i], -i))
            if scores[best] == 0:
                best = next(i for i, t in enumerate(texts) if any(t))
            title_rows = [(n, r) for n, r in head[:best] if any(_filled(c) for c in r)]
        else:
            best = 0
        width = max(len(r) for _, r in head)
        header_rows = [head[best][1]]
        index = best + 1
        while index < len(head) and len(header_rows) < 3:
            if not _is_subheader(header_rows, head[index][1], width):
                break
            header_rows.append(head[index][1])
            index += 1
        # The font of the header rows decides their encoding (".VnTimeH": capitals), when
        # the format keeps fonts (``fonts(first row, last row)``); else their text does.
        header_font = fonts(head[best][0], head[index - 1][0]) if fonts else None
        names = [
            _known_reading(n, known) for n in combine(header_rows, width, encoding=header_font)
        ]
        while names and not names[-1]:
            names.pop()
        self.header = names
        self.header_first = head[best][0]
        self.header_count = len(header_rows)
        self.header_last = head[index - 1][0]
        first_row = head[0][0] if header_row is None else 1
        if title_rows:
            self.notes.append(f"{span(first_row, self.header_first - 1)}: tiêu đề, bỏ qua")
        elif header_row is not None and header_row > 1:
            self.notes.append(f"{span(1, header_row - 1)}: trống, bỏ qua")
        encoding = None
        if fonts and title_rows:
            encoding = fonts(title_rows[0][0], title_rows[-1][0])
        encoding = encoding or rows_encoding([r for _, r in title_rows])
        self.title = tuple(
            "; ".join(readable(t, encoding) for t in (text_of(c) for c in r) if t)
            for _, r in title_rows
        )
        if self.header_last > self.header_first or self.header_first > 1:
            self.notes.append(f"{span(self.header_first, self.header_last)}: tiêu đề cột")
        self.number_row: int | None = None
        if index < len(head) and _is_number_row(head[index][1]):
            self.number_row = head[index][0]
            self.notes.append(f"dòng {self.number_row}: số thứ tự cột, bỏ qua")
            index += 1
        self.data_first = head[index][0] if index < len(head) else self.header_last + 1
        if last_row is not None and last_row < self.data_first - 1:
            raise OutsideSheet(f"dòng cuối bạn chọn (dòng {last_row}) ở trên dòng tiêu đề.")
        # The header again further down (each cell's list pasted under the previous one,
        # or a printed page's header): {column: folded text} of the first header row, and
        # the texts of the rows under it.
        self._header_keys = {c: key(t) for c, t in enumerate(texts[best]) if t}
        self._sub_keys = {key(t) for r in texts[best + 1 : best + len(header_rows)] for t in r if t}
        self.hints: list[int] = []
        self.header_repeats: list[int] = []
        self.footers: list[list[int]] = []
        if index < len(head) and _is_hint_row(head[index][1]):
            self.hints.append(head[index][0])
            self.notes.append(f"dòng {head[index][0]}: hướng dẫn cách ghi, bỏ qua")
            index += 1
            if index < len(head) and _is_number_row(head[index][1]) and self.number_row is None:
                self.number_row = head[index][0]
                self.notes.append(f"dòng {self.number_row}: số thứ tự cột, bỏ qua")
                index += 1
            self.data_first = head[index][0] if index < len(head) else self.data_first
        self._head = head[index:]
        self._tick_groups: list[tuple[list[int], list[str]]] = []  # "x" under a level
        self._female_column: int | None = None
        self._transform = self._ticks()
        self._group_rows: list[int] = []  # rows at which a group starts (for group_for)
        self._group_names: list[str] = []

    def _names(self) -> None:
        """The name in two columns (family and middle names, then the given name): under one
        "Họ và tên" (two children, or one header cell merged over both, the second header
        left empty) or side by side ("Họ đệm" | "Tên"): read as one. And "Ngày vào Đảng"
        over "Dự bị" / "Chính thức": the admission and the recognition dates."""
        header = self.header
        for position, name in enumerate(header):
            if " / " not in name:
                continue
            parent, child = name.rsplit(" / ", 1)
            if key(parent) in _ADMISSION_KEYS:
                if key(child) == "du bi":
                    header[position] = parent
                elif key(child) == "chinh thuc":
                    header[position] = "Ngày chính thức"
        for position in range(len(header) - 1):
            this, nxt = key(header[position]), key(header[position + 1])
            parent = header[position].rsplit(" / ", 1)[0] if " / " in header[position] else ""
            pair = (
                parent
                and key(parent) in _NAME_KEYS
                and header[position + 1].startswith(parent + " / ")
                and key(header[position + 1].rsplit(" / ", 1)[1]) in _GIVEN_KEYS
            )
            alone = this in _NAME_KEYS and not nxt and position + 1 < len(header)
            side = this in _FAMILY_KEYS and nxt in _GIVEN_KEYS
            if pair or alone or side:
                header[position] = parent if pair else "Họ và tên" if side else header[position]
                header[position + 1] = ""
                self._name_join = position
                return

    def _ticks(self):
        """A "Nam" / "Nữ" pair under one parent: the ticked (or filled) child is the gender;
        under "Ngày sinh" the filled one holds the date."""
        self._name_join: int | None = None
        self._names()
        self._dates: list[tuple[int, int, int]] = []  # a date in three columns
        for position in range(len(self.header) - 2):
            names = self.header[position : position + 3]
            if not all(" / " in n for n in names):
                continue
            parents = {n.rsplit(" / ", 1)[0] for n in names}
            children = [key(n.rsplit(" / ", 1)[1]) for n in names]
            if len(parents) == 1 and children == ["ngay", "thang", "nam"]:
                self._dates.append((position, position + 1, position + 2))
                self.header[position] = parents.pop()
                self.header[position + 1] = self.header[position + 2] = ""
        # "Đảng viên" over "Chính thức" / "Dự bị" ticked: the member's status, one column
        # "Loại đảng viên" holding the ticked word (no date: not the recognition date).
        status: dict[str, list[int]] = {}
        for position, name in enumerate(self.header):
            if " / " in name and key(name.rsplit(" / ", 1)[1]) in ("chinh thuc", "du bi"):
                status.setdefault(name.rsplit(" / ", 1)[0], []).append(position)
        for parent, positions in status.items():
            if len(positions) == 2 and key(parent) not in _ADMISSION_KEYS:
                children = [self.header[p].rsplit(" / ", 1)[1] for p in positions]
                self._tick_groups.append((positions, children))
                self.header[positions[0]], self.header[positions[1]] = "Loại đảng viên", ""
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
        for day, month, year in self._dates:
            if len(row) <= year:
                row = [*row, *([None] * (year + 1 - len(row)))]
            parts = [_whole(row[p]) for p in (day, month, year)]
            row[month] = row[year] = None
            filled = [p for p in parts if p]
            if len(filled) == 3:
                row[day] = "/".join(parts)
            else:  # a year alone ("1960") or an odd cell: as typed, the importer says
                row[day] = " ".join(filled) or None
        join = self._name_join
        if join is not None and join + 1 < len(row):
            first, second = row[join], row[join + 1]
            if isinstance(second, str) and second.strip():
                row[join] = f"{'' if first is None else str(first).strip()} {second.strip()}"
                row[join] = row[join].strip()
                row[join + 1] = None
        if self._female_column is not None and self._female_column < len(row):
            ticked = text_of(row[self._female_column])
            row[self._female_column] = "Nữ" if ticked and key(ticked) != "0" else "Nam"
        for positions, children in self._tick_groups:
            if len(row) <= positions[-1]:
                row = [*row, *([None] * (positions[-1] + 1 - len(row)))]
            chosen = [c for p, c in zip(positions, children, strict=True) if text_of(row[p])]
            for p in positions:
                row[p] = None
            row[positions[0]] = ", ".join(chosen) or None
        for male, female, is_gender in self._transform:
            a = row[male] if male < len(row) else None
            b = row[female] if female < len(row) else None
            a = a if _filled(a) else None
            b = b if _filled(b) else None
            gender = "Nam" if a is not None else "Nữ" if b is not None else None
            if len(row) <= max(male, female):
                row = [*row, *([None] * (max(male, female) + 1 - len(row)))]
            if is_gender:
                row[male], row[female] = gender, None
            else:
                row[male] = a if a is not None else b
                row[female] = gender if self.header[female] else None
        return row

    def group_for(self, row_no: int) -> str:
        """The heading of the group the row is in ("" before any heading)."""
        at = bisect.bisect_right(self._group_rows, row_no) - 1
        return self._group_names[at] if at >= 0 else ""

    def _is_header_again(self, row: list) -> bool:
        keys = self._header_keys
        if len(keys) < 2:
            return False
        first = next(iter(keys))
        cell = row[first] if first < len(row) else None
        if not isinstance(cell, str) or key(cell) != keys[first]:
            return False
        same = sum(
            1
            for c, k in keys.items()
            if c < len(row) and isinstance(row[c], str) and key(row[c]) == k
        )
        return same >= max(2, (len(keys) * 3 + 4) // 5)

    def _is_sub_again(self, row: list) -> bool:
        texts = [c for c in row if _filled(c)]
        return bool(texts) and all(isinstance(c, str) and key(c) in self._sub_keys for c in texts)

    def rows(self, *, width: int = 0) -> Iterator[tuple[int, list]]:
        """Non-empty data rows with their number, up to the first footer row (or the last
        row the user chose); after a footer, the same header again starts another block."""
        source = _Pushback(_chain(self._head, self._rows))
        merges = self._merges() if callable(self._merges) else self._merges
        for r1, c1, r2, _c2 in merges or ():
            if r2 > r1:
                self._down.setdefault(r1, []).append((c1, r2))
        down: dict[int, tuple[object, int]] = {}  # column -> (value, last row of its merge)
        footer: list[int] | None = None  # the footer being read: [first, last filled]
        after_header = False
        for number, row in source:
            self.seen_last = max(self.seen_last, number)
            if self.last_row is not None and number > self.last_row:
                last = number if any(_filled(c) for c in row) else 0
                last = max(last, _last_filled(source))
                if last:
                    self.notes.append(
                        f"{span(self.last_row + 1, last)}: sau dòng cuối bạn chọn, bỏ qua"
                    )
                break
            if self._down and number >= self.data_first:
                row = self._fill_down(number, list(row), down)
            row = list(row)
            if not any(_filled(c) for c in row):
                continue
            if footer is not None:
                if self._is_header_again(row):
                    self.footers.append(footer)
                    footer = None
                    self.header_repeats.append(number)
                    after_header = True
                else:
                    footer[1] = number
                continue
            if after_header and self._is_sub_again(row):
                self.header_repeats.append(number)
                continue
            after_header = False
            if _is_number_row(row):
                self.repeats.append(number)
                continue
            if self.count == 0 and _is_hint_row(row):
                self.hints.append(number)
                continue
            if self._is_header_again(row):
                self.header_repeats.append(number)
                after_header = True
                continue
            if self.last_row is None and is_footer(row):
                if is_total(row) and _more_data(source):
                    self.subtotals.append(number)
                    continue
                footer = [number, number]
                continue
            heading = group_heading(row, words=self.group_words)
            if heading is not None:
                self.groups.append((number, heading))
                self._group_rows.append(number)
                self._group_names.append(heading)
                continue
            if len(row) < width:
                row = [*row, *([None] * (width - len(row)))]
            self.count += 1
            self.data_last = number
            yield number, self._apply(row)
        if footer is not None:
            self.footers.append(footer)
        self.footer = self.footers[-1] if self.footers else None
        self.notes.extend(self.closing_notes())

    def _fill_down(self, number: int, row: list, down: dict) -> list:
        for column, last in self._down.get(number, ()):
            if column < len(row) and _filled(row[column]):
                down[column] = (row[column], last)
        for column, (value, last) in list(down.items()):
            if number > last:
                del down[column]
            elif number > 0:
                if column >= len(row):
                    row = [*row, *([None] * (column + 1 - len(row)))]
                if not _filled(row[column]):
                    row[column] = value
        return row

    def closing_notes(self) -> list[str]:
        """What was skipped among and after the members: said once the rows are read."""
        notes = []
        if self.groups:
            notes.append(
                "dòng "
                + _spans([n for n, _ in self.groups])
                + (
                    ": tên nhóm (chi bộ), không phải đảng viên"
                    if self.group_words
                    else ": tên nhóm, không phải một dòng của danh sách"
                )
            )
        if self.subtotals:
            notes.append("dòng " + _spans(self.subtotals) + ": dòng cộng, bỏ qua")
        if self.repeats:
            notes.append("dòng " + _spans(self.repeats) + ": số thứ tự cột, bỏ qua")
        if self.hints[1:] or (self.hints and self.hints[0] >= self.data_first):
            notes.append("dòng " + _spans(self.hints) + ": hướng dẫn cách ghi, bỏ qua")
        if self.header_repeats:
            notes.append("dòng " + _spans(self.header_repeats) + ": tiêu đề cột lặp lại, bỏ qua")
        if self.footers:
            spans = ", ".join(span(a, b).removeprefix("dòng ") for a, b in self.footers)
            notes.append(f"dòng {spans}: chân trang, bỏ qua")
        return notes

    def summary(self) -> dict:
        """What ImportJob.sheets says of a sheet read (the rows counted once read)."""
        return {
            "header_row": self.header_first,
            "header_rows": self.header_count,
            "data_first": self.data_first,
            "data_last": self.data_last,
            "footer": self.footer,
            "columns": [n for n in self.header if n],
            "count": self.count,
        }


class _Pushback:
    """An iterator that can take back the rows it looked ahead at."""

    def __init__(self, rows: Iterator):
        self.rows = rows
        self.back: list = []

    def __iter__(self):
        return self

    def __next__(self):
        if self.back:
            return self.back.pop()
        return next(self.rows)


def _more_data(source: _Pushback) -> bool:
    """After a total: whether members follow (a subtotal of a group) — the next row holding
    something is a group heading or a numbered row. The rows looked at are put back."""
    taken = []
    found = False
    for item in source:
        taken.append(item)
        row = list(item[1])
        if not any(_filled(c) for c in row):
            if len(taken) > 50:
                break
            continue
        first = next(c for c in row if _filled(c))
        numbered = (isinstance(first, int | float) and not isinstance(first, bool)) or bool(
            isinstance(first, str) and first.strip().isdigit()
        )
        found = not is_footer(row) and (
            group_heading(row) is not None or (numbered and sum(1 for c in row if _filled(c)) >= 3)
        )
        break
    source.back.extend(reversed(taken))
    return found


def _whole(value) -> str:
    """A day, month or year cell as text: 5.0 is "5"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return text_of(value)


def _is_hint_row(row: list) -> bool:
    """A row of hints under the header: "(ghi đầy đủ, có dấu)", "(ngày/tháng/năm)"."""
    texts = [c for c in row if _filled(c)]
    return len(texts) >= 2 and all(
        isinstance(c, str) and c.strip().startswith("(") and c.strip().endswith(")") for c in texts
    )


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _last_filled(rows: Iterator) -> int:
    """The number of the last row holding something (0 if none)."""
    last = 0
    for number, row in rows:
        if any(_filled(c) for c in row):
            last = number
    return last
