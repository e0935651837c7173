"""Member rows: parse, check with the rules of the forms, classify, and write in bulk.

Rows are handled in chunks: each chunk is parsed row by row in Python (cell formats, dates,
legacy encodings, rules 7–8), then resolved against the database with one query for its
organisations and one for the members it names, then — when committing — written with the
bulk path. Memory stays flat: nothing is kept across chunks but the organisation cache and
fixed-size bitmaps for duplicate numbers within the file.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from dangbo.core import audit, legacy
from dangbo.core.dates import fmt
from dangbo.core.modelfields import max_length_of
from dangbo.core.text import fold, fold_spaces, name_parts, name_sort_key, vn_number
from dangbo.members import rules
from dangbo.members import services as member_services
from dangbo.members.choices import EventKind, Gender, MembershipKind, PoliticalTheory, Status
from dangbo.members.models import PHONE_DIGITS, SENSITIVE_FIELDS, Member, MemberEvent, Membership
from dangbo.members.services import TEXT_FIELDS, taken_message
from dangbo.orgs.choices import CELL_KINDS
from dangbo.orgs.models import Organisation, valid_code

from . import bulk, cells
from .cellnames import (
    ORG_FIELDS,
    CellResolver,
    OrgInfo,
    heading_text,
    looks_like_cell,
    names_a_cell,
)
from .cells import CellError
from .common import Outcome, ScopeCheck, SheetInfo, lowest_common_path
from .schema import MEMBER_COLUMNS, by_key

COLUMNS = by_key(MEMBER_COLUMNS)
GENDERS = {
    "nam": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "trai": Gender.MALE,
    "nu": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "gai": Gender.FEMALE,
}
GENDER_WORDS = ", ".join(str(label) for label in Gender.labels)  # "Nam, Nữ", as the form
THEORY = {fold(str(label)): value for value, label in PoliticalTheory.choices}
THEORY.update({v: v for v in PoliticalTheory.values if v} | {"khong": "", "chua": ""})
# The abbreviations the forms' column "Lý luận chính trị (CC, TC, SC)" asks for.
THEORY.update(
    {
        "sc": PoliticalTheory.ELEMENTARY.value,
        "tc": PoliticalTheory.INTERMEDIATE.value,
        "cc": PoliticalTheory.ADVANCED.value,
        "cn": PoliticalTheory.BACHELOR.value,
    }
)
# ... and as rolls write them: "TC LLCT", "Cao cấp lý luận chính trị", "-" for none.
THEORY.update(
    {
        f"{level} {suffix}": value
        for level, value in list(THEORY.items())
        if value
        for suffix in ("llct", "ly luan chinh tri", "ly luan", "chinh tri")
    }
    | {"-": "", "chua qua dao tao": "", "khong co": ""}
)
THEORY_WORDS = ", ".join(str(label) for value, label in PoliticalTheory.choices if value)
# The roll's own word for the status, where it has no recognition date to show it.
MEMBER_KINDS = {
    "chinh thuc": Status.OFFICIAL,
    "ct": Status.OFFICIAL,
    "dang vien chinh thuc": Status.OFFICIAL,
    "du bi": Status.PROBATIONARY,
    "db": Status.PROBATIONARY,
    "dang vien du bi": Status.PROBATIONARY,
}
MEMBER_KIND_WORDS = "Chính thức, Dự bị"
DATE_KINDS = {
    "date_of_birth": "birth",
    "admission_decision_date": "event",
    "admission_ceremony_date": "event",
    "admission_vote_date": "event",
    "official_recognition_date": "event",
    "membership_from": "event",
}
# Fields an import may change on an existing member (never its status, cell or admission).
UPDATABLE = (
    *TEXT_FIELDS,
    "gender",
    "date_of_birth",
    "phone",
    "card_number",
    "id_number",
    "political_theory",
)
_MEMBER_COLUMNS = bulk.table_columns(Member)
NAME_PARTS = ("given_name", "family_name", "middle_name")
_MEMBERSHIP_COLUMNS = bulk.table_columns(Membership, with_id=False)
_EVENT_COLUMNS = bulk.table_columns(MemberEvent, with_id=False)
# The staging table of new members (``_write_new``): the member's columns, and what its
# membership and admission event need besides.
STAGE = "dangbo_import_new_members"
_STAGE_EXTRA = {"membership_from": "date", "admitted_data": "text"}
_STAGE_COLUMNS = [*_MEMBER_COLUMNS, *_STAGE_EXTRA]


@dataclass
class Parsed:
    row_no: int
    data: dict
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


# The people met in the file are remembered (to tell a row repeated as is from one that
# disagrees) up to this many, a few MB; beyond, repeats fall back to the fixed-memory
# ``Seen`` (an error on every row of the group), so memory stays flat whatever the file.
IN_FILE_LIMIT = 50_000
# The cells met are remembered for the next chunks up to this many (two chunks' worth), then
# read again: memory stays flat however many cells a file names.
ORG_CACHE_LIMIT = 10_000
RECOGNITION_QUESTION = "unknown_recognition"
RECOGNITION_CHOICES = [
    ["official", "Đảng viên chính thức (chưa rõ ngày công nhận)"],
    ["probationary", "Đảng viên dự bị"],
]


class MemberImporter:
    kind = "members"
    columns = MEMBER_COLUMNS
    text_keys = frozenset(TEXT_FIELDS)

    def __init__(
        self,
        *,
        actor,
        positions: dict[str, int],
        labels: dict[str, str],
        job_id: int,
        file_name: str,
        today: date,
        legacy_columns: dict[str, str] | None = None,
        options: dict | None = None,
        sheet: SheetInfo | None = None,
    ):
        self.actor = actor
        self.options = options or {}  # the job's answers and overrides (ImportJob.options)
        self.sheet = sheet or SheetInfo()  # the sheet read: its name and title block
        self.positions = positions
        self.labels = labels  # column key -> header as written in the file
        self.job_id = job_id
        self.file_name = file_name
        self.today = today
        self.legacy_columns = legacy_columns or {}
        self.scope = ScopeCheck(actor)
        self.orgs: dict[str, OrgInfo | None] = {}
        self.cell_problems: dict[str, str] = {}  # a cell given by name: why it is not found
        self.touched_paths: str | None = None
        self.grace = settings.DANGBO["RECOGNITION_GRACE_DAYS"]
        self.recognition_column = "official_recognition_date" in positions
        # New members admitted over 12 months ago in a file without a recognition date
        # column: how to read them is the user's answer (``questions``), counted here.
        self.unknown_recognition = 0
        # The people met so far in the file (card, ID, or name + birth date + cell) → where
        # and what their row said: a row repeated as is is a "duplicate", not written.
        self.in_file: dict[int, tuple[str, int, int]] = {}  # hash of (kind, value) → ...
        # Bulk (set by the caller for a large file): new members stay staged until
        # ``flush``, once the whole file is checked; ids are handed out from ``_next_id``.
        self.staged = False
        self._next_id = 0
        # The normal path's last chunk, still being written while the next one is read.
        self._background = bulk.Background()
        self._broken: IntegrityError | None = None

    def follow(self, previous: "MemberImporter") -> None:
        """Read the next sheet of the same file: carry what spans the whole file."""
        self.unknown_recognition = previous.unknown_recognition
        self.in_file = previous.in_file
        self.staged, self._next_id = previous.staged, previous._next_id
        self._resolver_share = getattr(previous, "_resolver", None)  # cells read once (N)

    def questions(self) -> list[dict]:
        """What only the user can answer, once the file has been read (ImportJob.questions)."""
        count = self.unknown_recognition
        if not count:
            return []
        return [
            {
                "key": RECOGNITION_QUESTION,
                "text": (
                    f"Tệp không có cột “Ngày chính thức”: {vn_number(count)} đảng viên vào Đảng "
                    "đã hơn 12 tháng. Đọc họ là đảng viên chính thức (chưa rõ ngày công nhận) "
                    "hay đảng viên dự bị?"
                ),
                "choices": [list(c) for c in RECOGNITION_CHOICES],
                "count": count,
            }
        ]

    # -- header-level checks -------------------------------------------------------------
    def header_problems(self) -> list[str]:
        problems = []
        if not self.scope.any_change:
            return ["Bạn không có quyền thêm hay sửa hồ sơ đảng viên."]
        keys = set(self.positions)
        cell_unknown = (
            {"full_name", "date_of_birth"} <= keys
            and not keys & {"card_number", "id_number", "org", "commune"}
            and not getattr(self, "group", "")
            and not self.sheet_cell()
        )
        if cell_unknown:
            return [self._no_cell_problem()]
        if (
            not keys & {"card_number", "id_number"}
            and not {
                "full_name",
                "date_of_birth",
                # a sheet of one cell, or cells given by group headings (N)
                *(
                    ()
                    if keys & {"org", "commune"} or getattr(self, "group", "") or self.sheet_cell()
                    else ("org",)
                ),
            }
            <= keys
        ):
            problems.append(
                "Không nhận ra dòng tiêu đề: cần ít nhất các cột “Họ và tên”, “Ngày sinh”, "
                "“Chi bộ” (tên hoặc mã; đảng viên mới) hoặc “Số thẻ đảng viên” / “Số CCCD” (cập nhật). "
                "Tải mẫu tệp để xem tên các cột."
            )
        sensitive = [self.labels[k] for k in keys if COLUMNS[k].sensitive]
        if sensitive and not self.scope.any_sensitive:
            problems.append(
                f"Cột {', '.join(f'“{s}”' for s in sensitive)}: thông tin nhạy cảm — bạn không "
                "có quyền ghi. Hãy bỏ các cột này khỏi tệp."
            )
        return problems

    def _no_cell_problem(self) -> str:
        """Names and birth dates but nowhere a cell: say what was tried, and the fixes."""
        tried = [f"tên trang “{self.sheet.name[:64]}”"] if self.sheet.name else []
        if self.sheet.title:
            tried.append("tiêu đề trang")
        where = (
            (" lẫn ".join(tried) + " đều không") if len(tried) > 1 else f"{''.join(tried)} không"
        )
        return (
            "Không biết đảng viên sinh hoạt ở chi bộ nào: không có cột “Chi bộ”"
            + (f", và {where} phải tên một chi bộ trong phạm vi của bạn" if tried else "")
            + ". Hãy thêm cột “Chi bộ” (tên hoặc mã chi bộ), hoặc đặt tên trang bằng tên chi bộ."
        )

    def header_notes(self) -> list[str]:
        notes = self.cell_notes()  # where the cell comes from when no column gives it (N)
        if "admission_ceremony_date" not in self.positions and "full_name" in self.positions:
            notes.append("Không có cột “Ngày lễ kết nạp”: lấy bằng ngày vào Đảng.")
        return notes

    def dup_keys(self, cells_: list) -> list[tuple[str, str]]:
        keys = []
        for key, kind in (("card_number", "card"), ("id_number", "id")):
            length = max_length_of(Member, key)
            position = self.positions.get(key)
            if position is None or position >= len(cells_):
                continue
            raw = cells_[position]
            if kind == "card":  # "83.016532 044798": the card, then the record number
                groups = cells.number_groups(raw)
                raw = groups[0] if len(groups) == 2 else raw
            try:
                value = cells.digits(raw, key, length=length)
            except CellError:
                continue
            if value:
                keys.append((kind, value))
        return keys

    def dup_message(self, kind: str, value: str, others: str) -> str:
        if kind == "card":
            return f"{self.labels['card_number']}: {value} trùng với dòng {others} trong tệp."
        return f"{self.labels['id_number']}: trùng với dòng {others} trong tệp."

    # -- one row -------------------------------------------------------------------------
    def parse(self, row_no: int, cells_: list) -> Parsed:
        parsed = Parsed(row_no, {})
        data = parsed.data
        for key, position in self.positions.items():
            value = cells_[position] if position < len(cells_) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            label = self.labels[key]
            if isinstance(value, str) and key not in TEXT_FIELDS and not value.isascii():
                value = legacy.fix(value)[0]  # "N÷" typed in TCVN3 is "Nữ"
            try:
                note = self._parse_cell(key, value, label, data)
            except CellError as exc:
                parsed.errors.append(str(exc))
                continue
            if note:
                parsed.notes.append(note)
        self._cell_of_row(parsed)  # the cell by the commune, the group heading or the sheet
        return parsed

    def _parse_cell(self, key: str, value, label: str, data: dict) -> str | None:
        if key in TEXT_FIELDS:
            data[key], note = cells.text(
                value,
                label,
                max_length=max_length_of(Member, key),
                legacy_encoding=self.legacy_columns.get(key),
            )
            return note
        if key in DATE_KINDS:
            data[key], note = cells.a_date(value, label, kind=DATE_KINDS[key], today=self.today)
            return note
        if key == "commune":  # the commune's committee above a named cell ("Kim Long")
            data[key] = " ".join(str(value).split())
        elif key == "org":  # a code ("kl-thon-1"), or a cell's name as written
            text = " ".join(str(value).split())
            data[key] = text.lower() if valid_code(text.lower()) else text
        elif key == "gender":
            data[key] = cells.choice(value, label, GENDERS, GENDER_WORDS)
        elif key == "political_theory":
            data[key] = cells.choice(value, label, THEORY, THEORY_WORDS)
        elif key == "member_kind":  # "Chính thức" / "Dự bị" ticked or written
            data[key] = cells.choice(value, label, MEMBER_KINDS, MEMBER_KIND_WORDS)
        elif key == "card_number":
            return self._card(value, label, data)
        elif key == "id_number":  # exactly as many digits as the field holds
            try:
                data[key] = cells.digits(value, label, length=max_length_of(Member, key))
            except CellError:
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                old = cells.number_text(str(value).strip(), "-'")
                if not (old.isascii() and old.isdigit() and len(old) == 9):
                    raise
                # An old 9-digit identity card (CMND) is no longer an ID number the record
                # holds (12-digit CCCD): the row goes in without it, and says so.
                return (
                    f"{label}: “{old}” là số CMND cũ (9 chữ số), không phải số CCCD 12 chữ "
                    "số: không ghi."
                )
        elif key == "phone":
            data[key] = self._phone(value, label)
        return None

    def _card(self, value, label: str, data: dict) -> str | None:
        """The card number; a cell holding two numbers ("83.016532 044798" under “Số thẻ
        đảng viên/Số lý lịch”) gives the card and the record number (số lý lịch)."""
        length = max_length_of(Member, "card_number")
        groups = cells.number_groups(value)
        if len(groups) == 2:
            try:
                card = cells.digits(groups[0], label, length=length)
            except CellError:
                card = ""
            if card:
                data["card_number"] = card
                record = " ".join(str(groups[1]).split())
                if "record_number" in self.positions:
                    return (
                        f"{label}: “{fold_spaces(str(value))}”: số thẻ {card}; phần sau "
                        f"“{record}” bỏ qua (tệp đã có cột “{self.labels['record_number']}”)."
                    )
                data["record_number"], _ = cells.text(
                    record, label, max_length=max_length_of(Member, "record_number")
                )
                return (
                    f"{label}: “{fold_spaces(str(value))}” đọc là số thẻ {card} và số lý lịch "
                    f"{data['record_number']}."
                )
        data["card_number"] = cells.digits(value, label, length=length)
        return None

    @staticmethod
    def _phone(value, label: str) -> str:
        if isinstance(value, int | float) and float(value).is_integer():
            text = str(int(value))
            text = "0" + text if len(text) == 9 else text  # Excel dropped the leading 0
        else:
            text = cells.number_text(str(value), "-()")
        try:
            PHONE_DIGITS(text)  # the model field's shape, also for an empty "..."
        except ValidationError as exc:
            raise CellError(f"{label}: {exc.messages[0]}") from None
        return text

    def _header(self, key: str) -> str:
        return self.labels.get(key) or COLUMNS[key].header

    def _person_key(self, data: dict) -> str:
        """Name (folded: NFC/NFD and legacy spellings alike), birth date and cell."""
        org = self.orgs.get(data.get("org") or "")
        name = fold(data.get("full_name") or "")
        dob = data.get("date_of_birth")
        if org is None or not name or dob is None:
            return ""
        return f"{name}|{dob.isoformat()}|{org.id}"

    # -- a chunk against the database ----------------------------------------------------
    def resolve(self, chunk: list[Parsed], seen) -> list[Outcome]:
        if len(self.orgs) > ORG_CACHE_LIMIT:  # a national file meets 300,000 cells
            self.orgs.clear()
            self.cell_problems.clear()
        self._load_orgs({p.data["org"] for p in chunk if p.data.get("org")})
        existing = self._existing(chunk)
        outcomes = []
        for parsed in chunk:
            outcomes.append(self._classify(parsed, existing, seen))
        return outcomes

    def _load_orgs(self, codes: set[str]) -> None:
        """Fill ``self.orgs`` for the chunk's cells: codes in one query, then the rest (names
        as people write them, with the commune when the row gives one) by ``cellnames``."""
        missing = [c for c in codes if c not in self.orgs]
        if not missing:
            return
        for code in missing:
            self.orgs[code] = None
        coded = [c for c in missing if valid_code(c)]
        for start in range(0, len(coded), 500):
            for row in Organisation.objects.filter(code__in=coded[start : start + 500]).values_list(
                *ORG_FIELDS
            ):
                self.orgs[row[1]] = OrgInfo(*row)
        for text in missing:  # not a code: a cell's name ("Chi bộ 02", "Thôn Đồng Bông")
            if self.orgs[text] is None:
                org, problem = self._cells_named().resolve(text)
                self.orgs[text] = org
                if problem:
                    self.cell_problems[text] = problem

    def _cells_named(self) -> CellResolver:
        """The resolver of cells given by name, within the importer's change scope; the
        sheet's title lines and name may name the commune when rows do not."""
        if self._background.running:  # it reads the database: the writes finish first
            try:
                self._background.settle()
            except IntegrityError as exc:
                self._broken = exc  # said by ``settle``, where the caller expects it
        resolver = getattr(self, "_resolver", None)
        if resolver is None:
            context = (*self.sheet.title, self.sheet.name)
            share = getattr(self, "_resolver_share", None)
            resolver = self._resolver = CellResolver(self.actor, context=context, share=share)
        return resolver

    def sheet_cell(self) -> tuple[OrgInfo, str] | None:
        """The one cell a sheet is about, when its title ("DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN
        ĐỒNG BÔNG") or its name ("Thôn Đồng Bông") names it: (cell, where it was read)."""
        if not hasattr(self, "_sheet_cell"):
            found = None
            named = self._cells_named().named_in(self.sheet.title)
            if named is not None:
                found = (named[0], f"tiêu đề “{named[1][:120]}”")
            elif self.sheet.name and names_a_cell(self.sheet.name):
                org, _ = self._cells_named().resolve(self.sheet.name)
                if org is not None:
                    found = (org, f"tên trang “{self.sheet.name[:64]}”")
            self._sheet_cell = found
        return self._sheet_cell

    def cell_notes(self) -> list[str]:
        found = self.sheet_cell() if "org" not in self.positions else None
        if found is None:
            return []
        org, where = found
        return [f"Không có cột “Chi bộ”: mọi dòng thuộc {org.name} (mã {org.code}), theo {where}."]

    def _cell_of_row(self, parsed: Parsed) -> None:
        """The row's cell as a name the resolver understands: the cell column with the
        row's commune ("Chi bộ thôn 1 (Kim Long)"); without a cell value, the group heading
        the row is under (``self.group``, set by the reader), else the sheet's cell."""
        data = parsed.data
        commune = data.pop("commune", "")
        text = data.get("org")
        if text:
            if text.endswith(".0") and text[:-2].isdigit():  # "Chi bộ" typed 2, read 2.0
                text = data["org"] = text[:-2]
            if commune and not (valid_code(text) and "-" in text):  # "02" may be a name
                data["org"] = f"{text} ({commune})"
            return
        if any(e.startswith(self.labels.get("org", "\0")) for e in parsed.errors):
            return
        group = heading_text(getattr(self, "group", ""))
        if group:
            text = f"{group} ({commune})" if commune else group
            org, _ = self._cells_named().resolve(text)
            if org is not None or looks_like_cell(group):  # not "ĐẢNG VIÊN CHÍNH THỨC"
                data["org"] = text
                if "org" in self.positions:  # the column is there, this row left it empty
                    parsed.notes.append(
                        f"{self.labels['org']}: để trống, lấy theo tiêu đề nhóm “{group[:120]}”."
                    )
                noted = self.__dict__.setdefault("_groups_noted", set())
                if org is not None and group not in noted and parsed.row_no:
                    noted.add(group)
                    self.__dict__.setdefault("late_notes", []).append(
                        f"Dòng {parsed.row_no} trở đi: chi bộ theo tiêu đề nhóm “{group[:120]}” "
                        f"({org.name}, mã {org.code})."
                    )
                return
        found = self.sheet_cell()
        if found is not None:
            data["org"] = found[0].code
            if "org" in self.positions:
                parsed.notes.append(
                    f"{self.labels['org']}: để trống, lấy theo {found[1]} ({found[0].name})."
                )
        elif commune and "org" not in self.positions:  # "Đơn vị" holding the cell's name
            org, _ = self._cells_named().resolve(commune)
            if org is not None:
                data["org"] = org.code
                noted = self.__dict__.setdefault("_groups_noted", set())
                if "commune" not in noted and parsed.row_no:
                    noted.add("commune")
                    self.__dict__.setdefault("late_notes", []).append(
                        f"Cột “{self.labels.get('commune', '')}” ghi tên chi bộ (như "
                        f"“{commune[:64]}”): đọc là chi bộ của mỗi dòng."
                    )

    def _existing(self, chunk: list[Parsed]) -> dict:
        cards = {p.data["card_number"] for p in chunk if p.data.get("card_number")}
        ids = {p.data["id_number"] for p in chunk if p.data.get("id_number")}
        fields = (
            "id",
            "org_id",
            "org__path",
            "org__code",
            "org__name",
            "status",
            "search_name",
            "admission_decision_date",
            "admission_ceremony_date",
            "official_recognition_date",
            "recognition_unknown",
            *UPDATABLE,
        )
        by_card: dict[str, dict] = {}
        by_id: dict[str, dict] = {}
        if cards or ids:
            # "<> ''" lets PostgreSQL use the partial unique indexes: it proves their
            # condition for IN lists of at most 100 values only, and a chunk has thousands.
            q = (Q(card_number__in=cards) & ~Q(card_number="")) if cards else Q(pk__in=[])
            if ids:
                q |= Q(id_number__in=ids) & ~Q(id_number="")
            for row in Member.objects.filter(q).values(*fields):
                if row["card_number"]:
                    by_card[row["card_number"]] = row
                if row["id_number"]:
                    by_id[row["id_number"]] = row
        return {"card": by_card, "id": by_id, "name": self._by_names(chunk, fields)}

    def _by_names(self, chunk: list[Parsed], fields: tuple) -> dict[str, list[dict]]:
        """The members named like the chunk's rows (folded name) who may be the same person:
        for a row with a card or ID number, born the same day in its own cell; for a row
        without, born the same day anywhere, or anywhere in its own cell (a birth date one
        typo away). ``_by_name`` decides among them. One query."""
        keys = []  # (folded name, birth date, cell id or None, numbered)
        for p in chunk:
            name, dob = p.data.get("full_name"), p.data.get("date_of_birth")
            if not name or dob is None:
                continue
            org = self.orgs.get(p.data.get("org") or "")
            numbered = _numbered(p.data)
            if numbered and org is None:
                continue  # only its own cell is looked at, and it has none
            keys.append((fold(name), dob, org.id if org is not None else None, numbered))
        if not keys:
            return {}
        found: dict[str, list[dict]] = {}
        for row in Member.objects.filter(id__in=_name_candidates(keys)).values(*fields):
            found.setdefault(row["search_name"], []).append(row)
        for rows in found.values():
            rows.sort(key=lambda r: r["id"])
        return found

    def _classify(self, parsed: Parsed, existing: dict, seen) -> Outcome:
        data = parsed.data
        errors = list(parsed.errors)
        notes = list(parsed.notes)
        label = self._label(data, parsed.row_no)
        before = len(errors)
        match = self._match(data, existing, errors)
        refused = len(errors) > before  # a number held elsewhere: no other matching
        org = self._org(data.get("org"), errors) if data.get("org") else None
        # What the row says; its cell by identity ("Chi bộ thôn Đồng Bông" is "kl-thon-1").
        said = hash(
            tuple(sorted((k, str(v)) for k, v in data.items() if k != "org"))
            + (org.id if org is not None else data.get("org"),)
        )
        repeat = self._repeat(parsed, org, said, seen, label)
        if repeat is not None:
            return repeat
        if match is None and not refused and org is not None:
            match = self._by_name(data, org, existing["name"], notes)
        if match is None:
            return self._new(parsed, org, errors, notes, label)
        return self._update(parsed, match, org, errors, notes, label)

    def _repeat(self, parsed: Parsed, org, said: int, seen, label: str) -> Outcome | None:
        """The same person met earlier in the file: a row repeated as is is a "duplicate"
        (not written). One that disagrees: by card or ID number, left to the file's second
        pass (``Seen``: an error on every row of the group); by name, birth date and cell
        (no number), an error here on the repeat, naming the row above."""
        data = parsed.data
        keys = [
            (k, data[f]) for k, f in (("card", "card_number"), ("id", "id_number")) if data.get(f)
        ]
        if not keys and org is not None:
            person = self._person_key(data)
            keys = [("person", person)] if person else []
        here = (self.sheet.name, parsed.row_no)
        for key in keys:
            first = self.in_file.get(hash(key))
            if first is not None and first[2] == said:
                where = _earlier_row(first, here)
                return Outcome(
                    parsed.row_no,
                    "warning",
                    "duplicate",
                    label,
                    [f"Trùng với {where} (đã có ở trên): bỏ qua."],
                )
        for key in keys:
            first = self.in_file.get(hash(key))
            if first is None and len(self.in_file) < IN_FILE_LIMIT:
                self.in_file[hash(key)] = (*here, said)
            if key[0] != "person":
                seen.add(*key)
            elif first is not None:
                where = _earlier_row(first, here)
                return Outcome(
                    parsed.row_no,
                    "error",
                    "",
                    label,
                    [
                        f"{self._header('full_name')}, {self._header('date_of_birth')}, "
                        f"{self._header('org')}: trùng với {where} (đã có ở trên) nhưng các cột "
                        "khác không giống nhau — sửa cho khớp, hoặc bỏ bớt một dòng."
                    ],
                    error_count=1,
                )
        return None

    def _by_name(self, data: dict, org: OrgInfo, by_name: dict, notes: list[str]):
        """An existing member of the row's cell with the same (folded) name and birth date,
        whose numbers do not contradict the row's: the same person. Near matches (the same
        name and birth date in another cell the user may change, or in the same cell with a
        birth date one typo away) are shown as warnings; the row stays new."""
        name, dob = data.get("full_name"), data.get("date_of_birth")
        if not name or dob is None:
            return None
        rows = by_name.get(fold(name), [])
        same = [r for r in rows if r["date_of_birth"] == dob and r["org_id"] == org.id]
        agreeing = [r for r in same if _numbers_agree(data, r)]
        if agreeing:
            return agreeing[0]
        anywhere = not _numbered(data)  # other cells are looked at for rows without numbers
        near = [
            r
            for r in rows
            if r in same
            or (anywhere and r["date_of_birth"] == dob and self.scope.may_change(r["org__path"]))
            or (anywhere and r["org_id"] == org.id and _typo(r["date_of_birth"], dob))
        ]
        for r in near[:3]:
            card = f", số thẻ {r['card_number']}" if r["card_number"] else ""
            notes.append(
                f"Có thể trùng với {r['full_name']}, sinh {fmt(r['date_of_birth'])}, "
                f"{r['org__name']} (mã {r['org__code']}{card}): nếu là một người, sửa dòng này "
                "cho khớp hồ sơ; nếu không, cứ ghi."
            )
        return None

    def _label(self, data: dict, row_no: int) -> str:
        name = data.get("full_name") or ""
        card = data.get("card_number") or ""
        return f"{name} ({card})" if name and card else name or card or f"Dòng {row_no}"

    def _match(self, data: dict, existing: dict, errors: list[str]):
        by_card = existing["card"].get(data.get("card_number") or "")
        by_id = existing["id"].get(data.get("id_number") or "")
        # A number held outside the caller's scope is refused first, in the same words the
        # form and the API use: nothing about the holder, nor that they are out of scope.
        hidden = [
            key
            for key, row in (("card_number", by_card), ("id_number", by_id))
            if row and not self.scope.may_change(row["org__path"])
        ]
        if hidden:
            errors.extend(taken_message(self.labels[key]) for key in hidden)
            return None
        if by_card and by_id and by_card["id"] != by_id["id"]:
            errors.append(
                f"{self.labels['id_number']}: số thẻ và số CCCD thuộc hai đảng viên khác nhau."
            )
            return None
        return by_card or by_id

    def _org(self, code: str, errors: list[str]) -> OrgInfo | None:
        label = self.labels.get("org") or COLUMNS["org"].header
        org = self.orgs.get(code)
        if org is None and code not in self.orgs:  # not met by ``_load_orgs``
            self._load_orgs({code})
            org = self.orgs.get(code)
        if org is None:
            problem = self.cell_problems.get(code)
            if problem and ("-" not in code or not valid_code(code)):
                errors.append(f"{label}: {problem}")
            else:
                errors.append(f"{label}: không có tổ chức mã “{code[:64]}” trong phạm vi của bạn.")
            return None
        if not self.scope.may_change(org.path):
            errors.append(f"{label}: không có tổ chức mã “{code[:64]}” trong phạm vi của bạn.")
            return None
        if org.kind not in CELL_KINDS:
            errors.append(
                f"{label}: {org.name} không phải là chi bộ (đảng viên sinh hoạt ở chi bộ)."
            )
            return None
        if org.valid_to is not None:
            errors.append(f"{label}: {org.name} đã kết thúc hoạt động ngày {fmt(org.valid_to)}.")
            return None
        return org

    def _check_sensitive(self, data: dict, path: str, errors: list[str]) -> None:
        for key in SENSITIVE_FIELDS:
            if key in data and not self.scope.may_write_sensitive(path):
                errors.append(f"{self.labels[key]}: thông tin nhạy cảm — bạn không có quyền ghi.")

    # -- new members ---------------------------------------------------------------------
    def _new(self, parsed: Parsed, org, errors, notes, label) -> Outcome:
        data = parsed.data
        for key in ("full_name", "gender", "date_of_birth", "org", "admission_decision_date"):
            if key not in data and not any(
                e.startswith(self.labels.get(key, "\0")) for e in errors
            ):
                header = self.labels.get(key) or COLUMNS[key].header
                errors.append(f"{header}: bắt buộc với đảng viên mới.")
        if org is not None:
            self._check_sensitive(data, org.path, errors)
        decision = data.get("admission_decision_date")
        ceremony = data.get("admission_ceremony_date")
        if decision and not ceremony:
            ceremony = data["admission_ceremony_date"] = decision
            if "admission_ceremony_date" in self.positions:
                notes.append(
                    f"{self.labels['admission_ceremony_date']}: để trống, lấy bằng ngày vào Đảng "
                    f"({fmt(decision)})."
                )
        self._check_dates(data, decision, ceremony, errors, notes)
        if org is not None and decision and "membership_from" not in data:
            data["membership_from"] = max(decision, org.valid_from)
        start = data.get("membership_from")
        if org is not None and start and not errors:
            if start < org.valid_from:
                errors.append(
                    f"{self.labels.get('membership_from') or 'Ngày bắt đầu sinh hoạt'}: "
                    f"trước ngày thành lập {org.name} ({fmt(org.valid_from)})."
                )
            elif decision and start < decision:
                errors.append(
                    f"{self.labels.get('membership_from')}: trước ngày vào Đảng ({fmt(decision)})."
                )
        state = "error" if errors else ("warning" if notes else "new")
        return Outcome(
            parsed.row_no,
            state,
            "new" if not errors else "",
            label,
            errors + notes,
            data if not errors else None,
            org,
            error_count=len(errors),
        )

    def _check_dates(self, data, decision, ceremony, errors, notes) -> None:
        today = self.today
        for key in DATE_KINDS:
            value = data.get(key)
            if value is not None and value > today:
                errors.append(f"{self.labels.get(key)}: {fmt(value)} là ngày trong tương lai.")
        if any("tương lai" in e for e in errors):
            return
        dob = data.get("date_of_birth")
        if dob and dob.year < 1890:
            errors.append(f"{self.labels['date_of_birth']}: {fmt(dob)} không hợp lệ.")
            return
        if decision and ceremony and ceremony < decision:
            errors.append(
                f"{self.labels.get('admission_ceremony_date')}: trước ngày vào Đảng ({fmt(decision)})."
            )
            return
        vote = data.get("admission_vote_date")
        if vote and decision and vote > decision:
            errors.append(f"{self.labels.get('admission_vote_date')}: sau ngày quyết định kết nạp.")
        if dob and decision:
            problem = rules.admission_age_error(
                dob, vote or decision, has_provincial_approval=False
            )
            if problem:
                errors.append(f"{self.labels['date_of_birth']}: {problem}")
        official = data.get("official_recognition_date")
        kind = data.get("member_kind")
        if official and kind == Status.PROBATIONARY:
            errors.append(
                f"{self.labels['member_kind']}: ghi “Dự bị” nhưng có ngày chính thức "
                f"{fmt(official)}."
            )
            return
        if official and ceremony:
            problem = rules.recognition_error(ceremony, official)
            if problem:
                errors.append(f"{self.labels['official_recognition_date']}: {problem}")
        elif ceremony and not official and kind:
            self._stated_kind(data, kind, ceremony, errors, notes)
        elif ceremony and not official:
            self._probation(data, ceremony, notes)

    def _stated_kind(self, data: dict, kind: str, ceremony: date, errors, notes) -> None:
        """The roll says the status in words ("Chính thức" / "Dự bị", often ticked) and has no
        recognition date: its word decides, no question is asked of the user."""
        end = rules.probation_end(ceremony)
        if kind == Status.PROBATIONARY:
            if rules.recognition_overdue(ceremony, self.today, self.grace):
                notes.append(
                    f"Đảng viên dự bị đã quá hạn xét công nhận chính thức (hết dự bị ngày "
                    f"{fmt(end)})."
                )
            return
        if end >= self.today:
            errors.append(
                f"{self.labels['member_kind']}: ghi “Chính thức” nhưng đảng viên chưa hết 12 "
                f"tháng dự bị (đến ngày {fmt(end)})."
            )
            return
        data["recognition_unknown"] = True
        notes.append(
            f"Chính thức (theo cột “{self.labels['member_kind']}”), chưa rõ ngày công nhận."
        )

    def _probation(self, data: dict, ceremony: date, notes: list[str]) -> None:
        """A new member without a recognition date. When the file has no such column and
        the probation (12 months) is over, the status is the user's answer, never a guess."""
        end = rules.probation_end(ceremony)
        if not self.recognition_column and end < self.today:
            self.unknown_recognition += 1  # the question stays listed, with its answer
            answer = self.options.get(RECOGNITION_QUESTION)
            if answer == "official":
                data["recognition_unknown"] = True
                notes.append("Chính thức, chưa rõ ngày công nhận (theo lựa chọn khi nhập).")
                return
            if answer != "probationary":
                notes.append(
                    f"Tệp không có cột “Ngày chính thức” và đảng viên đã hết 12 tháng dự bị "
                    f"(ngày {fmt(end)}): tạm đọc là dự bị — hãy chọn ở câu hỏi đầu trang "
                    "(chính thức hay dự bị) trước khi ghi."
                )
                return
        if rules.recognition_overdue(ceremony, self.today, self.grace):
            notes.append(
                f"Đảng viên dự bị đã quá hạn xét công nhận chính thức (hết dự bị ngày {fmt(end)})."
            )

    # -- existing members ----------------------------------------------------------------
    def _update(self, parsed: Parsed, match: dict, org, errors, notes, label) -> Outcome:
        data = parsed.data
        if data.get("org") and org is not None and org.id != match["org_id"]:
            errors.append(
                f"{self.labels['org']}: đảng viên đang sinh hoạt tại {match['org__name']} "
                f"(mã {match['org__code']}); không thể đồng thời ở {org.name}. Muốn chuyển sinh "
                "hoạt, dùng thao tác “Chuyển sinh hoạt” trên trang đảng viên."
            )
        self._check_sensitive(data, match["org__path"], errors)
        completes = self._completes(data, match, notes)
        for key in ("admission_decision_date", "official_recognition_date"):
            if key == "official_recognition_date" and match["recognition_unknown"]:
                continue  # said by ``_completes``
            if data.get(key) and data[key] != match[key]:
                notes.append(
                    f"{self.labels[key]}: khác hồ sơ ({fmt(match[key])}); nhập tệp không sửa "
                    "ngày này, cột được bỏ qua."
                )
        if "date_of_birth" in data and data["date_of_birth"] > self.today:
            errors.append(f"{self.labels['date_of_birth']}: là ngày trong tương lai.")
        changes = {}
        for key in UPDATABLE:
            if key in data and data[key] != (match[key] or ""):
                changes[key] = (match[key], data[key])
        if errors:
            return Outcome(
                parsed.row_no,
                "error",
                "",
                label,
                errors + notes,
                None,
                None,
                error_count=len(errors),
            )
        if changes:
            shown = ", ".join(self.labels.get(k, k) for k in changes)
            notes.insert(0, f"Cập nhật: {shown}.")
        action = "update" if changes or completes else "unchanged"
        state = (
            "warning" if [n for n in notes if not n.startswith(("Cập nhật", "Bổ sung"))] else action
        )
        return Outcome(
            parsed.row_no,
            state,
            action,
            label,
            notes,
            data,
            None,
            member_id=match["id"],
            changes=changes,
            path=match["org__path"],
            status=match["status"],
        )

    def _completes(self, data: dict, match: dict, notes: list[str]) -> bool:
        """An official member whose recognition date was not known (an earlier roll without
        it) gets the date this file gives, with the checks of the member's page."""
        given = data.get("official_recognition_date")
        if not (given and match["recognition_unknown"] and match["status"] == Status.OFFICIAL):
            return False
        label = self.labels["official_recognition_date"]
        problem = (
            "là ngày trong tương lai."
            if given > self.today
            else rules.recognition_error(match["admission_ceremony_date"], given)
        )
        if problem:
            notes.append(f"{label}: {problem} Không bổ sung ngày này.")
            return False
        data["complete_recognition"] = given
        notes.append(f"Bổ sung ngày công nhận chính thức (trước đây chưa rõ): {fmt(given)}.")
        return True

    # -- writing -------------------------------------------------------------------------
    def write(self, outcomes: list[Outcome]) -> None:
        """The chunk's rows, inside a savepoint of their own (an ``IntegrityError`` leaves
        the transaction as it was). On PostgreSQL the new members' inserts may still be
        running when this returns: ``settle`` waits for them (and says how they ended)."""
        self.settle()
        new = [o for o in outcomes if o.action == "new"]
        updates = [o for o in outcomes if o.action == "update"]
        # As the ORM would store it (naive UTC text on SQLite, timestamptz on PostgreSQL).
        now = connection.ops.adapt_datetimefield_value(datetime.now(UTC))
        savepoint = transaction.savepoint()
        try:
            self._write_updates([o for o in updates if o.changes], now)
            for o in updates:  # few: an official member's recognition date, now known
                if o.data and o.data.get("complete_recognition"):
                    member_services.complete_recognition(
                        actor=self.actor,
                        member=Member.objects.get(pk=o.member_id),
                        recognition_date=o.data["complete_recognition"],
                    )
            self._write_new(new, now)
            # The inserts from the staging table come last: in the background where they can
            # run there (the savepoint is then released by ``settle``, once they have run).
            flush = bool(new) and not self.staged
            background = flush and self._background.start(savepoint)
            if flush:
                self.flush(now)
            if not background:
                transaction.savepoint_commit(savepoint)
        except IntegrityError:
            self._background.abandon()
            transaction.savepoint_rollback(savepoint)
            raise
        for o in new:
            self.touched_paths = lowest_common_path(self.touched_paths, o.org.path)
        for o in updates:
            self.touched_paths = lowest_common_path(self.touched_paths, o.path)

    def _write_new(self, new: list[Outcome], now) -> None:
        """New members go through the staging table: their member rows, each with its
        membership's start and its admission event's data, then ``flush`` writes the three
        tables set-wise. A normal import flushes every chunk; in bulk (``staged``) the whole
        file is flushed once, when every row has been checked."""
        if not new:
            return
        ids = bulk.reserve_ids(Member, len(new), start_at=self._next_id)
        self._next_id = ids[-1] + 1
        job = self.job_id
        rows = []
        for member_id, o in zip(ids, new, strict=True):
            d = o.data
            unknown = bool(d.get("recognition_unknown"))  # official, date not known
            official = d.get("official_recognition_date")
            status = Status.OFFICIAL if official or unknown else Status.PROBATIONARY
            values = {
                "id": member_id,
                **{k: d.get(k, "") for k in TEXT_FIELDS},
                "gender": d["gender"],
                "date_of_birth": d["date_of_birth"],
                "phone": d.get("phone", ""),
                "severe_illness": False,
                "political_theory": d.get("political_theory", ""),
                "card_number": d.get("card_number", ""),
                "id_number": d.get("id_number", ""),
                "admission_vote_date": d.get("admission_vote_date"),
                "admission_decision_date": d["admission_decision_date"],
                "admission_ceremony_date": d["admission_ceremony_date"],
                "admission_org_id": None,
                "provincial_approval_doc_id": None,
                "official_recognition_date": official,
                "recognition_unknown": unknown,
                "status": status,
                "exit_date": None,
                "org_id": o.org.id,
                "user_id": None,
                "search_name": fold(d["full_name"]),
                "sort_key": name_sort_key(d["full_name"]),
                **dict(zip(NAME_PARTS, name_parts(d["full_name"]), strict=True)),
                "created_at": now,
                "updated_at": now,
                "membership_from": d["membership_from"],
                # JSON written by hand: json.dumps per row cost a tenth of the whole import.
                "admitted_data": (
                    f'{{"ceremony_date": "{d["admission_ceremony_date"].isoformat()}", '
                    + ('"recognition_unknown": true, ' if unknown else "")
                    + f'"import_job": {job}}}'
                ),
            }
            rows.append([values[c] for c in _STAGE_COLUMNS])
        bulk.create_stage(STAGE, Member._meta.db_table, _STAGE_EXTRA)
        bulk.insert(STAGE, _STAGE_COLUMNS, rows)

    def settle(self) -> None:
        """Wait for the chunk written last; its ``IntegrityError``, if it hit one (its rows
        are then rolled back)."""
        broken, self._broken = self._broken, None
        self._background.settle()
        if broken is not None:
            raise broken

    def abandon(self) -> None:
        """Stop waiting for the last chunk: the import is failing for another reason."""
        self._broken = None
        self._background.abandon()

    def flush(self, now=None) -> None:
        """The staged new members into the member, membership and event tables, three
        ``INSERT … SELECT`` in the caller's transaction; the staging table is emptied."""
        if not bulk.stage_exists(STAGE):
            return
        if now is None:
            now = connection.ops.adapt_datetimefield_value(datetime.now(UTC))
        note = f"Ghi nhận từ tệp “{self.file_name[:120]}” (lần nhập #{self.job_id})"[:500]
        actor_id = getattr(self.actor, "pk", None)
        event = {
            "document_id": None,
            "decision_ref": "",
            "from_org_id": None,
            "to_org_id": None,
            "note": note,
            "recorded_by_id": actor_id,
            "recorded_at": now,
        }
        bulk.insert_from(STAGE, Member, _MEMBER_COLUMNS, {}, order="id")
        bulk.insert_from(
            STAGE,
            Membership,
            _MEMBERSHIP_COLUMNS,
            {
                "member_id": bulk.Col("id"),
                "valid_from": bulk.Col("membership_from"),
                "kind": MembershipKind.OFFICIAL,
                "valid_to": None,
                "planned_end": None,
                "reason": "",
                "register_no": "",
            },
        )
        bulk.insert_from(
            STAGE,
            MemberEvent,
            _EVENT_COLUMNS,
            {
                **event,
                "member_id": bulk.Col("id"),
                "kind": EventKind.ADMITTED,
                "effective_date": bulk.Col("admission_decision_date"),
                "status_after": Status.PROBATIONARY,
                "data": bulk.Json(column="admitted_data"),
            },
        )
        bulk.insert_from(
            STAGE,
            MemberEvent,
            _EVENT_COLUMNS,
            {
                **event,
                "member_id": bulk.Col("id"),
                "kind": EventKind.RECOGNISED,
                "effective_date": bulk.Col("official_recognition_date"),
                "status_after": Status.OFFICIAL,
                "data": bulk.Json(value=f'{{"import_job": {self.job_id}}}'),
            },
            where="official_recognition_date IS NOT NULL",
        )
        bulk.drop_stage(STAGE)

    def _write_updates(self, updates: list[Outcome], now) -> None:
        if not updates:
            return
        groups: dict[tuple, list] = {}
        events = []
        actor_id = getattr(self.actor, "pk", None)
        note = f"Cập nhật từ tệp “{self.file_name[:120]}” (lần nhập #{self.job_id})"
        for o in updates:
            keys = tuple(sorted(o.changes))
            values = [o.changes[k][1] for k in keys]
            extra = ["updated_at"]
            extra_values = [now]
            if "full_name" in o.changes:
                extra += ["search_name", "sort_key", *NAME_PARTS]
                name = o.changes["full_name"][1]
                extra_values += [fold(name), name_sort_key(name), *name_parts(name)]
            groups.setdefault(keys + tuple(extra), []).append([*values, *extra_values, o.member_id])
            shown = {
                k: ("***", "***") if k in SENSITIVE_FIELDS else _plain(o.changes[k]) for k in keys
            }
            event = {"changes": shown, "import_job": self.job_id}
            # The sensitive values themselves, encrypted as the audit log seals them: only a
            # reader with the sensitive grant gets them back (issue 11.4).
            sealed = audit.seal({k: _plain(o.changes[k]) for k in keys if k in SENSITIVE_FIELDS})
            if sealed:
                event["sealed"] = sealed
            data = json.dumps(event, ensure_ascii=False)
            events.append(
                _event_row(
                    o.member_id, EventKind.UPDATED, self.today, o.status, note, actor_id, now, data
                )
            )
        table = Member._meta.db_table
        for columns, rows in groups.items():
            bulk.update(table, columns, rows)
        bulk.insert(MemberEvent._meta.db_table, _EVENT_COLUMNS, events)


def _name_candidates(keys: list[tuple]):
    """The ids ``_by_names`` reads, as a subquery. PostgreSQL joins the rows' keys to the
    (name, birth date) index and to the cells' index, one probe per row (0.03-0.2 s per 5,000
    rows at national scale, where a list of names and cells read every member of the cells:
    0.2-1 s). The cell's members are compared by name after the probe (``|| ''``): asking the
    name index too makes the planner intersect every holder of a common name."""
    names, dobs, orgs, numbered = (list(column) for column in zip(*keys, strict=True))
    if connection.vendor == "postgresql":
        return RawSQL(
            """WITH k AS (
                SELECT * FROM unnest(%s::text[], %s::date[], %s::int[], %s::bool[])
                AS k(name, dob, org_id, numbered))
            SELECT m.id FROM k JOIN members_member m
                ON m.search_name = k.name AND m.date_of_birth = k.dob
                AND (NOT k.numbered OR m.org_id = k.org_id)
            UNION
            SELECT m.id FROM k JOIN members_member m
                ON m.org_id = k.org_id AND m.search_name || '' = k.name
            WHERE NOT k.numbered""",
            [names, dobs, orgs, numbered],
        )
    plain = {(n, d, o) for n, d, o, numb in keys if not numb}
    q = Q(pk__in=[])
    if plain:
        q |= Q(date_of_birth__in={d for _, d, _ in plain}) | Q(
            org_id__in={o for _, _, o in plain if o is not None}
        )
    cells = [(d, o) for _, d, o, numb in keys if numb]
    if cells:
        q |= Q(org_id__in={o for _, o in cells}, date_of_birth__in={d for d, _ in cells})
    return Member.objects.filter(Q(search_name__in=set(names)) & q).values("id")


def _numbered(data: dict) -> bool:
    return bool(data.get("card_number") or data.get("id_number"))


def _numbers_agree(data: dict, row: dict) -> bool:
    """No card or ID number of the row contradicts the member's."""
    return all(
        not data.get(key) or not row[key] or data[key] == row[key]
        for key in ("card_number", "id_number")
    )


def _typo(a: date | None, b: date) -> bool:
    """Two birth dates one slip apart: day and month swapped in the same year, or one digit
    typed wrong."""
    if a is None or a == b:
        return False
    if a.year == b.year and (a.day, a.month) == (b.month, b.day):
        return True
    x, y = a.strftime("%d%m%Y"), b.strftime("%d%m%Y")
    return sum(c != d for c, d in zip(x, y, strict=True)) == 1


def _plain(pair: tuple) -> list:
    return [v.isoformat() if isinstance(v, date) else v for v in pair]


def _row(columns: list[str], **values) -> list:
    return [values[c] for c in columns]


def _event_row(member_id, kind, effective, status_after, note, actor_id, now, data) -> list:
    return _row(
        _EVENT_COLUMNS,
        member_id=member_id,
        kind=kind,
        effective_date=effective,
        document_id=None,
        decision_ref="",
        from_org_id=None,
        to_org_id=None,
        status_after=status_after,
        note=note[:500],
        data=data,
        recorded_by_id=actor_id,
        recorded_at=now,
    )


def _earlier_row(first: tuple, here: tuple) -> str:
    """ "dòng N", with "(trang “X”)" when the earlier row is on another sheet."""
    sheet, row_no = first[0], first[1]
    return f"dòng {row_no}" + (f" (trang “{sheet}”)" if sheet != here[0] else "")
