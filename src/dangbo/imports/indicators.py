"""Indicator values from the office's spreadsheet (issue 14): commune × indicator.

Two layouts, told apart by the header:

- wide: a unit column ("Đơn vị", "Xã, thị trấn", "Tên đơn vị") and one column per indicator,
  named as offices write it ("Giá trị sản xuất (tỷ đồng)", "Cải cách hành chính / Một cửa"):
  a header matches an indicator by its folded name, code or "name (unit)", else by being a
  run of words of exactly one indicator's name ("Một cửa" → "Bộ phận một cửa hoạt động");
- long: Đơn vị | Chỉ tiêu | Năm | Giá trị, one value a row.

The year comes from a "Năm" column, else the sheet's title block ("… NĂM 2016"), else the
user's option ``year``; without any, the preview asks (the commit waits for the answer).
Units are found by name among the organisations the user may change ("xã Kim Long", "Kim
Long", "Đảng bộ xã Kim Long" are one). Each cell is read by the indicators app's own rule
(``rules.parse_value``) and the commit writes through ``services.record_values``: the same
checks as the entry form, all values of the file in the import's one transaction.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from dangbo.core.text import fold, vn_number
from dangbo.indicators import rules
from dangbo.indicators import services as indicator_services
from dangbo.indicators.models import Indicator, Observation
from dangbo.indicators.services import FIRST_YEAR
from dangbo.orgs.choices import OrgKind
from dangbo.orgs.models import Organisation

from .common import Outcome, ScopeCheck, SheetInfo, lowest_common_path
from .orglists import distinctive, folded
from .schema import IGNORED, INDICATOR_COLUMNS, HeaderMatch, by_key, header_key, match_header

YEAR_QUESTION = "year"
YEAR_RANGE = (1945, 2100)
PREFIX = "ind:"  # position keys of the wide layout's indicator columns
COLUMNS = by_key(INDICATOR_COLUMNS)
# Units are organisations people report figures for: not the cells and groups inside them.
_NOT_UNITS = (OrgKind.SUB_CELL, OrgKind.PARTY_GROUP, OrgKind.BRANCH_COMMITTEE)
_PLACE_WORDS = ("thi tran", "thi xa", "thanh pho", "xa", "phuong", "huyen", "quan", "tp", "tt")
_TOTAL_WORDS = ("tong cong", "tong so", "tong", "cong", "toan huyen", "toan tinh", "chung")
_YEAR_IN_TEXT = re.compile(r"\bnam (\d{4})\b")
_UNIT_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


def _strip_place(words: str) -> str:
    for place in _PLACE_WORDS:
        if words == place:
            return ""
        if words.startswith(place + " "):
            return words[len(place) + 1 :]
    return words


def unit_keys(text: str) -> tuple[str, str, str]:
    """(whole name, without the kind words, without a place word too), folded."""
    whole = folded(text)
    rest = distinctive(text)
    return whole, rest, _strip_place(rest)


def read_year(value) -> int | None:
    """A year as a spreadsheet holds it (2016, 2016.0, "2016", "năm 2016"), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
        year = int(number) if number.is_integer() else None
    else:
        text = fold(str(value)).strip()
        match = _YEAR_IN_TEXT.search(text) or re.fullmatch(r"(\d{4})(?:\.0+)?", text)
        year = int(match.group(1)) if match else None
    if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        return None
    return year


def year_in_title(lines) -> int | None:
    """ "BIỂU TỔNG HỢP CHỈ TIÊU … NĂM 2016" → 2016 (the first year the title block names)."""
    for line in lines:
        match = _YEAR_IN_TEXT.search(folded(line))
        if match and YEAR_RANGE[0] <= int(match.group(1)) <= YEAR_RANGE[1]:
            return int(match.group(1))
    return None


class IndicatorCatalogue:
    """The indicators, looked up by what a header or a cell says."""

    def __init__(self) -> None:
        self.all = list(Indicator.objects.order_by("position", "code"))
        self.exact: dict[str, list[Indicator]] = {}
        for indicator in self.all:
            for text in (indicator.name, indicator.code, f"{indicator.name} ({indicator.unit})"):
                found = self.exact.setdefault(header_key(text), [])
                if indicator not in found:
                    found.append(indicator)
        self.names = [(f" {header_key(i.name)} ", i) for i in self.all]

    def find(self, title: str) -> tuple[Indicator | None, list[Indicator]]:
        """(the indicator, []) or (None, the candidates when several fit)."""
        parts = [p for p in title.split(" / ") if p.strip()]
        texts = [title, *parts[-1:]] if parts else [title]
        texts += [_UNIT_SUFFIX.sub("", t) for t in texts]
        for text in texts:
            found = self.exact.get(header_key(text), [])
            if len(found) == 1:
                return found[0], []
        several: list[Indicator] = []
        for text in texts:  # a run of words of one indicator's name
            words = header_key(text)
            if len(words) < 4:
                continue
            found = [i for name, i in self.names if f" {words} " in name]
            if len(found) == 1:
                return found[0], []
            several = several or found
        return None, several


def match_columns(header: list[str], catalogue: IndicatorCatalogue | None = None) -> HeaderMatch:
    """The unit/indicator/year/value columns, and the wide layout's indicator columns under
    "ind:<code>"; a header that is neither is unknown (listed, ignored)."""
    catalogue = catalogue or IndicatorCatalogue()
    known = match_header(header, INDICATOR_COLUMNS)
    positions = dict(known.positions)
    taken = set(positions.values())
    unknown: list[str] = []
    duplicates = list(known.duplicates)
    for position, title in enumerate(header):
        key = header_key(title)
        if position in taken or not key or key in IGNORED or title in known.duplicates:
            continue
        indicator, _several = catalogue.find(title)
        if indicator is None:
            unknown.append(title)
        elif PREFIX + indicator.code in positions:
            duplicates.append(title)
        else:
            positions[PREFIX + indicator.code] = position
    return HeaderMatch(positions, unknown, duplicates)


@dataclass
class Unit:
    org: Organisation
    keys: tuple[str, str, str]


class UnitResolver:
    """Organisations the actor may change, found by name as offices write it."""

    def __init__(self, actor) -> None:
        check = ScopeCheck(actor)
        query = Organisation.objects.filter(valid_to__isnull=True).exclude(kind__in=_NOT_UNITS)
        orgs = [o for o in query.order_by("path") if check.change_all or check.may_change(o.path)]
        self.units = [Unit(o, unit_keys(o.name)) for o in orgs]
        self.by_code = {u.org.code: u.org for u in self.units}
        self.cache: dict[str, tuple[Organisation | None, str]] = {}

    def resolve(self, text: str) -> tuple[Organisation | None, str]:
        """(the organisation, "") or (None, why not)."""
        if text not in self.cache:
            self.cache[text] = self._resolve(text)
        return self.cache[text]

    def _resolve(self, text: str) -> tuple[Organisation | None, str]:
        code = text.strip().lower()
        if code in self.by_code:
            return self.by_code[code], ""
        wanted = unit_keys(text)
        for level in range(3):
            if not wanted[level]:
                continue
            found = [u.org for u in self.units if u.keys[level] == wanted[level]]
            if len(found) == 1:
                return found[0], ""
            if len(found) > 1:
                names = "; ".join(f"{o.name} (mã {o.code})" for o in found[:5])
                return None, f"“{text}” có thể là nhiều đơn vị: {names}. Ghi đủ tên hoặc mã."
        return None, f"không tìm thấy đơn vị “{text}” trong phạm vi bạn được nhập số liệu."


@dataclass
class Parsed:
    row_no: int
    unit_text: str = ""
    cells: list = field(default_factory=list)


@dataclass
class Value:
    indicator: Indicator
    org: Organisation
    year: int | None
    value: Decimal
    label: str  # the column it came from
    action: str = ""  # new / update / unchanged / duplicate
    before: Decimal | None = None


class IndicatorImporter:
    kind = "indicators"
    columns = INDICATOR_COLUMNS
    text_keys = frozenset({"org", "indicator"})

    def __init__(
        self,
        *,
        actor,
        positions: dict[str, int],
        labels: dict[str, str],
        job_id: int | None = None,
        file_name: str = "",
        today=None,
        legacy_columns: dict[str, str] | None = None,
        options: dict | None = None,
        sheet: SheetInfo | None = None,
    ) -> None:
        self.actor = actor
        self.positions = positions
        self.labels = labels
        self.file_name = file_name
        self.today = today
        self.options = options or {}
        self.sheet = sheet or SheetInfo()
        self.group = ""
        self.scope = ScopeCheck(actor)
        self.catalogue = IndicatorCatalogue()
        codes = {i.code: i for i in self.catalogue.all}
        self.columns_of: list[tuple[int, Indicator, str]] = []  # wide layout
        self.computed: list[str] = []
        for key, position in sorted(positions.items(), key=lambda kv: kv[1]):
            if not key.startswith(PREFIX):
                continue
            indicator = codes[key[len(PREFIX) :]]
            label = labels.get(key, indicator.name)
            if indicator.computed:
                self.computed.append(label)
            else:
                self.columns_of.append((position, indicator, label))
        self.long = {"indicator", "value"} <= set(positions)
        self.units = UnitResolver(actor)
        self.file_year = self._file_year()
        self.no_year_rows = 0
        self.seen: dict[tuple[int, int, int], tuple[int, Decimal]] = {}
        self.totals = {"new": 0, "update": 0, "unchanged": 0}
        self.touched_paths: str | None = None

    @classmethod
    def match(cls, header: list[str]) -> HeaderMatch:
        return match_columns(header)

    # -- the sheet ---------------------------------------------------------------------
    def _label(self, key: str) -> str:
        return self.labels.get(key) or COLUMNS[key].header

    def _file_year(self) -> int | None:
        if "year" in self.positions:
            return None  # each row says it
        return (
            year_in_title(self.sheet.title)
            or year_in_title([self.sheet.name])
            or read_year(self.options.get(YEAR_QUESTION))
        )

    def _year_problem(self, year: int) -> str:
        last = self.today.year if self.today else YEAR_RANGE[1]
        if FIRST_YEAR <= year <= last:
            return ""
        return f"năm {year} nằm ngoài khoảng nhập số liệu ({FIRST_YEAR}–{last})."

    def header_problems(self) -> list[str]:
        if not self.scope.any_change:
            return ["Bạn không có quyền nhập số liệu chỉ tiêu."]
        problems = []
        if self.file_year is not None and self._year_problem(self.file_year):
            problems.append(f"Năm của số liệu: {self._year_problem(self.file_year)}")
        if "org" not in self.positions:
            problems.append(
                "Không có cột đơn vị (“Đơn vị”, “Xã, thị trấn”, “Tên đơn vị”): mỗi dòng phải "
                "ghi số liệu của đơn vị nào."
            )
        if not self.long and not self.columns_of:
            if self.computed:
                problems.append(
                    "Các cột chỉ tiêu của tệp đều là chỉ tiêu tính tự động ("
                    + ", ".join(f"“{c}”" for c in self.computed)
                    + "): không nhập tay."
                )
            else:
                shown = ", ".join(f"“{i.name}”" for i in self.catalogue.all if not i.computed)
                problems.append(
                    "Không có cột chỉ tiêu nào: tên cột phải là tên hoặc mã của một chỉ tiêu "
                    f"({shown}), hoặc tệp có các cột “Chỉ tiêu” và “Giá trị”."
                )
        return problems

    def header_notes(self) -> list[str]:
        notes = []
        if self.columns_of:
            notes.append(
                "Các cột chỉ tiêu: "
                + "; ".join(f"“{label}” → {i.name} ({i.unit})" for _p, i, label in self.columns_of)
                + "."
            )
        if self.computed:
            notes.append(
                "Cột chỉ tiêu tính tự động, bỏ qua: "
                + ", ".join(f"“{c}”" for c in self.computed)
                + "."
            )
        if "year" not in self.positions:
            if self.file_year is not None:
                how = (
                    "theo lựa chọn"
                    if self.options.get(YEAR_QUESTION)
                    and not year_in_title(self.sheet.title)
                    and not year_in_title([self.sheet.name])
                    else "lấy từ tiêu đề"
                )
                notes.append(f"Năm của số liệu: {self.file_year} ({how}).")
        return notes

    # -- rows --------------------------------------------------------------------------
    def dup_keys(self, cells_: list) -> list[tuple[str, str]]:
        return []  # repeats are found in memory (a file holds units × indicators values)

    def dup_message(self, kind: str, value: str, others: str) -> str:  # pragma: no cover
        return f"Trùng với dòng {others}."

    def parse(self, row_no: int, cells_: list) -> Parsed:
        position = self.positions.get("org")
        unit = cells_[position] if position is not None and position < len(cells_) else None
        return Parsed(row_no, str(unit).strip() if unit not in (None, "") else "", list(cells_))

    def _cell(self, cells_: list, position: int):
        return cells_[position] if position < len(cells_) else None

    def resolve(self, chunk: list[Parsed], seen) -> list[Outcome]:
        read = [self._read(parsed) for parsed in chunk]
        values = [v for _p, vs, errors, _t in read if not errors for v in vs]
        self._compare(values)
        return [self._outcome(*item) for item in read]

    def _read(self, parsed: Parsed) -> tuple[Parsed, list[Value], list[str], bool]:
        """(row, its values, errors, whether it is a total row)."""
        errors: list[str] = []
        unit_label = self._label("org")
        where = f"(dòng {parsed.row_no})"
        if not parsed.unit_text:
            filled = any(c not in (None, "") for c in parsed.cells)
            if filled:
                errors.append(f"Cột “{unit_label}” {where}: trống — dòng này của đơn vị nào?")
            return parsed, [], errors, not filled
        if folded(parsed.unit_text) in _TOTAL_WORDS or folded(parsed.unit_text).startswith(
            ("tong cong", "toan huyen")
        ):
            return parsed, [], [], True
        org, why = self.units.resolve(parsed.unit_text)
        if org is None:
            errors.append(f"Cột “{unit_label}” {where}: {why}")
        year = self.file_year
        if "year" in self.positions:
            raw = self._cell(parsed.cells, self.positions["year"])
            year = read_year(raw)
            if year is None:
                errors.append(
                    f"Cột “{self._label('year')}” {where}: “{'' if raw is None else raw}” "
                    "không phải là một năm (ví dụ 2016)."
                )
            elif self._year_problem(year):
                errors.append(f"Cột “{self._label('year')}” {where}: {self._year_problem(year)}")
                year = None
        values: list[Value] = []
        cells_ = parsed.cells
        if self.long:
            raw_name = self._cell(cells_, self.positions["indicator"])
            indicator, several = self.catalogue.find(str(raw_name or "").strip())
            label = self._label("indicator")
            value_label = self._label("value")
            if indicator is None:
                said = str(raw_name or "").strip()
                if several:
                    names = "; ".join(i.name for i in several[:5])
                    errors.append(f"Cột “{label}” {where}: “{said}” có thể là {names}.")
                else:
                    errors.append(f"Cột “{label}” {where}: không có chỉ tiêu “{said}”.")
            elif indicator.computed:
                errors.append(
                    f"Cột “{label}” {where}: “{indicator.name}” là chỉ tiêu tính tự động, "
                    "không nhập tay."
                )
            else:
                raw = self._cell(cells_, self.positions["value"])
                self._value(values, errors, indicator, org, year, raw, value_label, where)
        else:
            for position, indicator, label in self.columns_of:
                raw = self._cell(cells_, position)
                if raw in (None, "") and indicator.value_type != "boolean":
                    continue  # no figure for this unit
                self._value(values, errors, indicator, org, year, raw, label, where)
        return parsed, values, errors, False

    def _value(self, values, errors, indicator, org, year, raw, label, where) -> None:
        """One cell read by the indicator's rule; its error names the column and the row."""
        if isinstance(raw, str):
            raw = raw.strip()
        try:
            value = rules.parse_value(indicator, raw)
        except ValueError as exc:
            shown = "" if raw is None else str(raw)
            errors.append(f"Cột “{label}” {where}: “{shown}” {exc}.")
            return
        if org is not None:
            values.append(Value(indicator, org, year, value, label))

    def _compare(self, values: list[Value]) -> None:
        """Each value new, changed or unchanged against the database (and this file)."""
        dated = [v for v in values if v.year is not None]
        existing: dict[tuple[int, int, int], Decimal] = {}
        if dated:
            existing = {
                (o.indicator_id, o.org_id, o.year): o.value
                for o in Observation.objects.filter(
                    indicator_id__in={v.indicator.pk for v in dated},
                    org_id__in={v.org.pk for v in dated},
                    year__in={v.year for v in dated},
                ).only("indicator_id", "org_id", "year", "value")
            }
        for v in values:
            if v.year is None:
                v.action = "new"
                continue
            before = existing.get((v.indicator.pk, v.org.pk, v.year))
            v.before = before
            if before is None:
                v.action = "new"
            elif before == v.value:
                v.action = "unchanged"
            else:
                v.action = "update"

    def _outcome(
        self, parsed: Parsed, values: list[Value], errors: list[str], total: bool
    ) -> Outcome:
        label = parsed.unit_text[:80] or f"Dòng {parsed.row_no}"
        if total:
            return Outcome(
                parsed.row_no, "unchanged", "unchanged", f"{label}: dòng tổng, bỏ qua", []
            )
        for v in values:  # the same value twice in the file
            if v.year is None:
                continue
            key = (v.indicator.pk, v.org.pk, v.year)
            first = self.seen.get(key)
            if first is None:
                self.seen[key] = (parsed.row_no, v.value)
            elif first[1] != v.value:
                errors.append(
                    f"Cột “{v.label}” (dòng {parsed.row_no}): {v.indicator.name} của "
                    f"{v.org.name} năm {v.year} đã có ở dòng {first[0]} với giá trị khác "
                    f"({rules.fmt_value(first[1], v.indicator.decimals)})."
                )
            else:
                v.action = "duplicate"
        if errors:
            return Outcome(parsed.row_no, "error", "", label, errors, error_count=len(errors))
        if not values:
            return Outcome(
                parsed.row_no, "unchanged", "unchanged", f"{label}: không có số liệu", []
            )
        org = values[0].org
        year = values[0].year
        messages: list[str] = []
        if year is None:
            self.no_year_rows += 1
            messages.append("Năm: tệp không ghi năm của số liệu — trả lời câu hỏi về năm.")
        for v in values:
            if v.action in self.totals:
                self.totals[v.action] += 1
        counted = {a: sum(1 for v in values if v.action == a) for a in ("new", "update")}
        changed = [
            f"{v.indicator.name} {rules.fmt_value(v.before, v.indicator.decimals)} → "
            f"{rules.fmt_value(v.value, v.indicator.decimals)}"
            for v in values
            if v.action == "update"
        ]
        parts = [f"{org.name}" + (f", năm {year}" if year else "")]
        if counted["new"]:
            parts.append(f"{counted['new']} giá trị mới")
        if changed:
            parts.append("cập nhật: " + "; ".join(changed))
        same = len(values) - counted["new"] - counted["update"]
        if same:
            parts.append(f"{same} không đổi")
        action = "update" if counted["update"] else "new" if counted["new"] else "unchanged"
        state = "warning" if messages else action
        return Outcome(
            parsed.row_no,
            state,
            action,
            " · ".join(parts),
            messages,
            data={"values": [v for v in values if v.action in ("new", "update")]},
        )

    def questions(self) -> list[dict]:
        if not self.no_year_rows:
            return []
        year = (self.today.year if self.today else 2016) or 2016
        return [
            {
                "key": YEAR_QUESTION,
                "text": (
                    f"Tệp không ghi năm của số liệu (không có cột “Năm”, tiêu đề không ghi "
                    f"“năm …”): {vn_number(self.no_year_rows)} dòng. Số liệu này của năm nào?"
                ),
                # Any year may be typed on the command line and in the API; the page offers
                # the last fifteen (offices import the years they report on).
                "choices": [
                    [str(y), str(y)] for y in range(year, max(FIRST_YEAR, year - 15) - 1, -1)
                ],
                "count": self.no_year_rows,
            }
        ]

    @property
    def late_notes(self) -> list[str]:
        """Said once the sheet is read: how many values are new, changed, unchanged."""
        t = self.totals
        return [
            f"Giá trị chỉ tiêu: {vn_number(t['new'])} mới, {vn_number(t['update'])} cập nhật, "
            f"{vn_number(t['unchanged'])} không đổi."
        ]

    def write(self, outcomes: list[Outcome]) -> None:
        """Through the indicators' service, inside the import's transaction. Values without
        a year are never written: the commit waits for the answer (and is rolled back)."""
        rows = []
        for o in outcomes:
            for v in (o.data or {}).get("values", []):
                if v.year is None:
                    return
                rows.append((v.indicator, v.org, v.year, v.value))
                self.touched_paths = lowest_common_path(self.touched_paths, v.org.path)
        if rows:
            indicator_services.record_values(
                actor=self.actor, rows=rows, source=f"Nhập từ tệp “{self.file_name}”"[:300]
            )
