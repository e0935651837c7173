"""Organisation rows: codes, kinds and parents checked like the "establish" form, then
created through ``orgs.services.create_org`` in file order (a parent may be an earlier row).

Organisation files are small (the whole Party has ~350,000 organisations), so the service
path — one audit entry and one establishment event per organisation — is affordable.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from dangbo.core import legacy
from dangbo.core.dates import fmt
from dangbo.core.modelfields import max_length_of
from dangbo.core.models import LegalDocument
from dangbo.core.services import register_document
from dangbo.core.text import fold
from dangbo.orgs import services as org_services
from dangbo.orgs.choices import ALLOWED_PARENTS, CELL_KINDS, OrgKind, Sector
from dangbo.orgs.models import CODE_RULE, Organisation, code_problem, valid_code

from . import cells, orglists
from .cells import CellError
from .common import Outcome, ScopeCheck, SheetInfo, lowest_common_path
from .schema import ORG_COLUMNS, by_key

COLUMNS = by_key(ORG_COLUMNS)
DOCUMENT_KEYS = ("document_number", "document_issuer", "document_date")
# Lengths of the text columns, as the models define them (the one definition).
TEXT_LENGTHS = {
    "name": max_length_of(Organisation, "name"),
    "document_issuer": max_length_of(LegalDocument, "issuer"),
    "document_number": max_length_of(LegalDocument, "number"),
}
KINDS = {fold(str(label)): value for value, label in OrgKind.choices} | {
    v: v for v in OrgKind.values
}
KINDS.update(
    {
        "chi bo co so": OrgKind.GRASSROOTS_CELL,
        "dang bo co so": OrgKind.GRASSROOTS_COMMITTEE,
        "chi bo": OrgKind.SUB_CELL,
        "dang bo bo phan": OrgKind.BRANCH_COMMITTEE,
        "to dang": OrgKind.PARTY_GROUP,
    }
)
SECTORS = {fold(str(label)): value for value, label in Sector.choices} | {
    v: v for v in Sector.values
}
SECTORS.update(
    {
        "to dan pho": Sector.RESIDENTIAL_GROUP,
        "xom": Sector.VILLAGE,
        "ban": Sector.VILLAGE,
        "lang": Sector.VILLAGE,
    }
)


@dataclass
class Parsed:
    row_no: int
    data: dict
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    group: str = ""  # the group heading the row is listed under ("I. Đảng bộ xã Kim Long")


@dataclass(frozen=True)
class Known:
    code: str
    name: str
    kind: str
    sector: str
    parent_code: str
    path: str
    valid_from: date
    valid_to: date | None
    pending: bool = False  # an earlier row of this file


_FIELDS = ("code", "name", "kind", "sector", "parent__code", "path", "valid_from", "valid_to")
# Organisations a list may sit under (a party group's cell is named by code, not looked up).
_PARENT_KINDS = tuple(k for k in OrgKind.values if k not in CELL_KINDS + (OrgKind.PARTY_GROUP,))
# Headings that group organisations by category, not under one of them.
_CATEGORY_WORDS = ("co so", "truc thuoc", "dang bo", "chi bo", "khoi", "cac", "nong thon", "thuoc")
KIND_CHOICES = ", ".join(str(label) for _, label in OrgKind.choices)
SECTOR_CHOICES = ", ".join(str(label) for _, label in Sector.choices)
NO_PARENT = (
    "Không biết các tổ chức trong danh sách trực thuộc tổ chức nào: hãy chọn “Tổ chức cấp "
    "trên” ở trang xem trước (dòng lệnh: --parent MÃ), hoặc thêm cột “Mã tổ chức cấp trên”."
)


def _known(row) -> Known:
    return Known(*row[:4], row[4] or "", *row[5:])


class OrgImporter:
    kind = "orgs"
    columns = ORG_COLUMNS
    text_keys = frozenset({"name", "document_issuer"})

    def __init__(
        self,
        *,
        actor,
        positions,
        labels,
        job_id,
        file_name,
        today,
        legacy_columns=None,
        options=None,
        sheet: SheetInfo | None = None,
    ):
        self.actor = actor
        self.options = options or {}  # the job's answers and overrides (ImportJob.options)
        self.sheet = sheet or SheetInfo()  # the sheet read: its name and title block
        self.positions = positions
        self.labels = labels
        self.job_id = job_id
        self.today = today
        self.legacy_columns = legacy_columns or {}
        self.scope = ScopeCheck(actor)
        self.known: dict[str, Known | None] = {}
        self.touched_paths: str | None = None
        # Organisation lists: the parents a name may point to, each parent's children by
        # folded name (an organisation already there is "unchanged", never a duplicate),
        # the codes this file has generated, and the parent the sheet's title names.
        self._parents: list[Known] | None = None
        self._index: tuple[dict[str, list[Known]], dict[str, list[Known]]] | None = None
        self._children: dict[str, dict[str, tuple[Known, int | None]]] = {}
        self._generated: set[str] = set()
        # The codes the user typed in the preview are never made for another row.
        overrides = self.options.get("orgs")
        if isinstance(overrides, dict):
            self._generated |= {
                str(v.get("code")).strip().lower()
                for v in overrides.values()
                if isinstance(v, dict) and v.get("code")
            }
        self._sheet_parents: dict[tuple, tuple[str | None, list[str], str]] = {}
        self._groups: dict[str, tuple[str | None, str]] = {}  # heading -> (code, error)
        self.group = ""  # set by the reader before each row: the heading it is listed under

    def follow(self, previous: "OrgImporter") -> None:
        """Read the next sheet of the same file: the organisations of the sheets before are
        known (a parent may be on an earlier sheet), codes stay unique across the file."""
        self.known = previous.known
        self._children = previous._children
        self._generated = previous._generated
        self._parents = previous._parents
        self._index = previous._index
        self.touched_paths = previous.touched_paths

    # ------------------------------------------------------------------ the header
    def header_problems(self) -> list[str]:
        if "name" not in self.positions:
            return [
                "Không nhận ra dòng tiêu đề: cần ít nhất cột tên tổ chức (“Tên tổ chức”, "
                "“Tên chi bộ”, “Tên đảng bộ”, “Tên tổ chức cơ sở đảng” hoặc “Đơn vị”). "
                "Tải mẫu tệp để xem tên các cột."
            ]
        if not self.scope.any_change:
            return ["Bạn không có quyền thêm tổ chức."]
        problems = list(self._sheet_parent()[1])
        if problems and getattr(self, "group", ""):
            problems = []  # rows listed under headings: each heading may name the parent
        if self.options.get("valid_from") not in (None, ""):
            try:
                self._option_valid_from()
            except CellError as exc:
                problems.append(str(exc))
        return problems

    def header_notes(self) -> list[str]:
        notes = []
        code, problems, how = self._sheet_parent()
        if code and not problems:
            parent = self.known[code]
            assert parent is not None
            notes.append(
                f"Cấp trên của các tổ chức trong danh sách: {parent.name} ({code}), {how}."
            )
        missing = [COLUMNS[k].header for k in ("code", "kind", "sector") if k not in self.positions]
        if missing:
            notes.append(
                f"Không có cột {', '.join(f'“{m}”' for m in missing)}: suy từ tên tổ chức "
                "(xem từng dòng; sửa được ở trang xem trước)."
            )
        try:
            chosen = self._option_valid_from()
        except CellError:
            chosen = None  # said by header_problems
        if chosen is not None:
            notes.append(
                f"Ngày thành lập của các tổ chức không ghi ngày: {fmt(chosen)} (theo lựa chọn)."
            )
        if not any(k in self.positions for k in DOCUMENT_KEYS):
            notes.append(
                "Tệp không ghi quyết định thành lập (số, cơ quan, ngày): các tổ chức được "
                "ghi không kèm quyết định."
            )
        return notes

    def _option_valid_from(self) -> date | None:
        value = self.options.get("valid_from")
        if value in (None, ""):
            return None
        if isinstance(value, str) and len(value) == 10 and value[4] == "-":
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        found, _ = cells.a_date(
            value, f"{COLUMNS['valid_from'].header} (đã chọn)", today=self.today
        )
        return found

    def _sheet_parent(self) -> tuple[str | None, list[str], str]:
        """(code of the parent of rows that name none, problems, how it was found)."""
        key = (self.sheet.name, self.sheet.title, self.options.get("parent"))
        if key not in self._sheet_parents:
            self._sheet_parents[key] = self._find_sheet_parent()
        return self._sheet_parents[key]

    def _find_sheet_parent(self) -> tuple[str | None, list[str], str]:
        chosen = self.options.get("parent")
        if chosen:
            code = str(chosen).strip().lower()
            self._load([code])
            parent = self.known.get(code)
            if parent is None or not self.scope.may_change(parent.path):
                return (
                    None,
                    [
                        f"Tổ chức cấp trên đã chọn: không có tổ chức mã “{code}” trong "
                        "phạm vi của bạn."
                    ],
                    "",
                )
            return code, [], "theo lựa chọn"
        code, problems, how = self._title_parent()
        if "parent" in self.positions:  # each row names its parent; the title, when empty
            return (code, [], how) if not problems else (None, [], "")
        return code, problems, how

    def _title_parent(self) -> tuple[str | None, list[str], str]:
        phrases = orglists.title_phrases(self.sheet.title)
        if not phrases:
            return None, [NO_PARENT], ""
        parents = self._parent_orgs()
        for after_word in (True, False):
            lines = [text for after, text in phrases if after == after_word]
            found = {
                p.code: p for p in parents for line in lines if orglists.names_in(line, p.name)
            }
            if not found:
                continue
            deepest = max(found.values(), key=lambda p: len(p.path))
            if all(deepest.path.startswith(p.path) for p in found.values()):
                self.known[deepest.code] = deepest
                return deepest.code, [], "lấy từ tiêu đề của trang"
            names = "; ".join(f"{p.name} ({p.code})" for p in list(found.values())[:6])
            return None, [f"Tiêu đề của trang nêu nhiều tổ chức: {names}. {NO_PARENT}"], ""
        title = " ".join(self.sheet.title)[:200]
        return (
            None,
            [f"Tiêu đề “{title}” không nêu tổ chức nào trong phạm vi của bạn. {NO_PARENT}"],
            "",
        )

    def _parent_orgs(self) -> list[Known]:
        """Active organisations in the actor's scope that a list may sit under."""
        if self._parents is None:
            query = Organisation.objects.filter(valid_to__isnull=True, kind__in=_PARENT_KINDS)
            if not self.scope.change_all:
                within = Q(pk__in=[])
                for path in self.scope.change_paths:
                    within |= Q(path__gte=path, path__lt=path[:-1] + "/")  # its subtree
                query = query.filter(within)
            self._parents = [_known(row) for row in query.values_list(*_FIELDS)]
        return self._parents

    # ------------------------------------------------------------------ rows
    def dup_keys(self, cells_: list) -> list[tuple[str, str]]:
        position = self.positions.get("code")
        if position is not None and position < len(cells_) and cells_[position] not in (None, ""):
            return [("code", str(cells_[position]).strip().lower())]
        return []

    def dup_message(self, kind: str, value: str, others: str) -> str:
        value = value[: max_length_of(Organisation, "code")]
        label = self.labels.get("code", COLUMNS["code"].header)
        return f"{label}: mã “{value}” trùng với dòng {others} trong tệp."

    def parse(self, row_no: int, cells_: list) -> Parsed:
        parsed = Parsed(row_no, {}, group=getattr(self, "group", "") or "")
        for key, position in self.positions.items():
            value = cells_[position] if position < len(cells_) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            label = self.labels[key]
            if isinstance(value, str) and key not in self.text_keys and not value.isascii():
                value = legacy.fix(value)[0]  # "N÷" typed in TCVN3 is "Nữ"
            try:
                if key in ("name", "document_issuer"):
                    parsed.data[key], note = cells.text(
                        value,
                        label,
                        max_length=TEXT_LENGTHS[key],
                        legacy_encoding=self.legacy_columns.get(key),
                    )
                    if note:
                        parsed.notes.append(note)
                elif key in ("valid_from", "document_date"):
                    parsed.data[key], note = cells.a_date(value, label, today=self.today)
                    if note:
                        parsed.notes.append(note)
                elif key == "kind":
                    parsed.data[key] = cells.choice(value, label, KINDS, KIND_CHOICES)
                elif key == "sector":
                    parsed.data[key] = cells.choice(value, label, SECTORS, SECTOR_CHOICES)
                elif key == "document_number":
                    parsed.data[key], _ = cells.text(value, label, max_length=TEXT_LENGTHS[key])
                elif key == "parent":  # a code or a name ("Đảng bộ xã Kim Long")
                    parsed.data["parent_text"], _ = cells.text(
                        value, label, max_length=TEXT_LENGTHS["name"]
                    )
                else:  # code
                    code = str(value).strip().lower()
                    if not valid_code(code):
                        raise CellError(f"{label}: “{str(value)[:40]}” — mã {CODE_RULE}.")
                    parsed.data[key] = code
            except CellError as exc:
                parsed.errors.append(str(exc))
        return parsed

    def _load(self, codes) -> None:
        missing = [c for c in set(codes) if c and c not in self.known]
        for c in missing:
            self.known[c] = None
        for start in range(0, len(missing), 500):
            part = missing[start : start + 500]
            for row in Organisation.objects.filter(code__in=part).values_list(*_FIELDS):
                self.known[row[0]] = _known(row)

    def resolve(self, chunk: list[Parsed], seen) -> list[Outcome]:
        codes = {p.data.get("code") for p in chunk}
        codes |= {p.data.get("parent_text", "").strip().lower() for p in chunk}
        codes |= {str(self._override(p.row_no).get("code") or "").strip().lower() for p in chunk}
        self._load(c for c in codes if c and valid_code(c))
        outcomes = []
        for parsed in chunk:
            if parsed.data.get("code"):
                seen.add("code", parsed.data["code"])
            outcome = self._classify(parsed)
            outcome.sheet = self.sheet.name
            outcomes.append(outcome)
        return outcomes

    def _row_key(self, row_no: int) -> str:
        return f"{self.sheet.name}:{row_no}" if self.sheet.name else str(row_no)

    def _override(self, row_no: int) -> dict:
        overrides = self.options.get("orgs") or {}
        if not isinstance(overrides, dict):
            return {}
        # A one-sheet file's rows may be keyed by row number alone (the row's sheet is "").
        for key in dict.fromkeys((self._row_key(row_no), str(row_no))):
            found = overrides.get(key)
            if isinstance(found, dict):
                return found
        return {}

    def _apply_override(self, parsed: Parsed, errors: list[str]) -> set[str]:
        """The kind, sector and code the user set in the preview, checked again."""
        done = set()
        for key, value in self._override(parsed.row_no).items():
            if key not in ("kind", "sector", "code") or value in (None, ""):
                continue
            label = f"{COLUMNS[key].header} (sửa ở trang xem trước)"
            try:
                if key == "kind":
                    parsed.data[key] = cells.choice(value, label, KINDS, KIND_CHOICES)
                elif key == "sector":
                    parsed.data[key] = cells.choice(value, label, SECTORS, SECTOR_CHOICES)
                else:
                    code = str(value).strip().lower()
                    if not valid_code(code):
                        raise CellError(f"{label}: “{str(value)[:40]}” — mã {code_problem()}.")
                    parsed.data[key] = code
                done.add(key)
            except CellError as exc:
                errors.append(str(exc))
        return done

    def _parent_code(self, parsed: Parsed, errors: list[str]) -> str | None:
        text = parsed.data.pop("parent_text", None)
        if text is None and parsed.group:
            code, error = self._group_parent(parsed.group)
            if error:
                errors.append(error)
            if code or error:
                return code
        if text is None:
            code, problems, _ = self._sheet_parent()
            return code if not problems else None
        label = self.labels["parent"]
        typed = text.strip().lower()
        if valid_code(typed) and self.known.get(typed) is not None:
            return typed
        matches = self._named(text)
        if len(matches) == 1:
            self.known.setdefault(matches[0].code, matches[0])
            return matches[0].code
        if matches:
            names = "; ".join(f"{m.name} ({m.code})" for m in matches[:6])
            errors.append(f"{label}: “{text}” khớp với nhiều tổ chức: {names}. Hãy ghi mã.")
        elif valid_code(typed):
            errors.append(f"{label}: không có tổ chức mã “{typed}”.")
        else:
            errors.append(f"{label}: không có tổ chức “{text[:80]}” trong phạm vi của bạn.")
        return None

    def _group_parent(self, heading: str) -> tuple[str | None, str]:
        """The parent a group heading names ("II. Đảng bộ xã Kim Long"): (code, "") when it
        names one organisation, (None, error) when it reads as an organisation's name that is
        not there, (None, "") for a heading that names none ("Các chi bộ nông thôn")."""
        if heading not in self._groups:
            matches = [m for m in self._named(heading) if m.kind not in CELL_KINDS]
            word, rest = orglists.split_name(heading)
            # "I. ĐẢNG BỘ CƠ SỞ", "Chi bộ trực thuộc", "Các chi bộ thôn": a category
            category = (
                word == "?"
                or not rest
                or any(rest == w or rest.startswith(w + " ") for w in _CATEGORY_WORDS)
            )
            where = f"Tiêu đề nhóm “{heading[:80]}”"
            if len(matches) == 1:
                self.known.setdefault(matches[0].code, matches[0])
                found: tuple[str | None, str] = (matches[0].code, "")
            elif matches:
                names = "; ".join(f"{m.name} ({m.code})" for m in matches[:6])
                found = (None, f"{where}: khớp với nhiều tổ chức: {names}. {NO_PARENT}")
            elif not category and word in ("chi bo", *CELL_KINDS):
                found = (
                    None,
                    f"{where}: một chi bộ không là cấp trên của các dòng dưới nó — nếu đó là "
                    "một dòng của danh sách, hãy ghi số thứ tự (STT) cho dòng ấy.",
                )
            elif not category:
                found = (
                    None,
                    f"{where}: chưa có tổ chức này trong phạm vi của bạn — hãy nhập nó trước "
                    "(hoặc ghi cột “Mã tổ chức cấp trên”).",
                )
            else:
                found = (None, "")
            self._groups[heading] = found
        return self._groups[heading]

    def _named(self, text: str) -> list[Known]:
        """Organisations called ``text`` (folded): exactly, else by their distinctive part
        ("xã Kim Long", "Đảng ủy xã Kim Long" for "Đảng bộ xã Kim Long")."""
        if self._index is None:
            self._index = ({}, {})
            for k in self._parent_orgs():
                self._index[0].setdefault(orglists.folded(k.name), []).append(k)
                rest = orglists.distinctive(k.name)
                if len(rest.split()) >= 2:
                    self._index[1].setdefault(rest, []).append(k)
        by_name, by_rest = self._index
        wanted = orglists.folded(text)
        rest = orglists.distinctive(text)
        pending = [k for k in self.known.values() if k is not None and k.pending]
        exact = {k.code: k for k in by_name.get(wanted, ())}
        exact.update({k.code: k for k in pending if orglists.folded(k.name) == wanted})
        if exact:
            return list(exact.values())
        near = {k.code: k for k in by_rest.get(rest, ())}
        near.update({k.code: k for k in pending if orglists.distinctive(k.name) == rest})
        return list(near.values()) if len(rest.split()) >= 2 else []

    def _children_of(self, parent_code: str) -> dict[str, tuple[Known, int | None]]:
        """The active organisations under a parent by folded name: (known, row of this file
        or None)."""
        if parent_code not in self._children:
            rows = Organisation.objects.filter(
                parent__code=parent_code, valid_to__isnull=True
            ).values_list(*_FIELDS)
            self._children[parent_code] = {
                orglists.folded(row[1]): (_known(row), None) for row in rows
            }
        return self._children[parent_code]

    def _same_child(self, parent_code: str, name: str) -> tuple[Known | None, int | None]:
        """The organisation under the parent that ``name`` names: the same folded name, or
        for a name without its kind word ("Thôn Đồng Bông") the one child whose name says the
        same after it ("Chi bộ thôn Đồng Bông")."""
        children = self._children_of(parent_code)
        found = children.get(orglists.folded(name))
        if found is not None:
            return found
        if orglists.split_name(name)[0] == "?":
            rest = orglists.distinctive(name)
            matches = [v for v in children.values() if orglists.distinctive(v[0].name) == rest]
            if len(matches) == 1:
                return matches[0]
        return None, None

    def _new_code(self, parent_code: str, name: str) -> str:
        length = max_length_of(Organisation, "code")
        parent = self.known.get(parent_code)
        grandparent = parent.parent_code if parent is not None and parent.pending else ""
        base = orglists.base_code(parent_code, name, length, grandparent)
        taken = set(
            Organisation.objects.filter(code__startswith=base).values_list("code", flat=True)
        )
        taken |= {c for c, k in self.known.items() if k is not None} | self._generated
        code = orglists.unique_code(base, taken)
        self._generated.add(code)
        return code

    def _classify(self, parsed: Parsed) -> Outcome:
        data, errors, notes = parsed.data, list(parsed.errors), list(parsed.notes)
        explicit = set(data)  # what the file's columns gave
        overridden = self._apply_override(parsed, errors)
        explicit |= overridden
        taken = self.known.get(data.get("code", "")) if "code" in overridden else None
        if taken is not None and taken.pending:
            errors.append(
                f"{COLUMNS['code'].header} (sửa ở trang xem trước): mã “{data['code']}” đã "
                f"dùng cho “{taken.name}” trong tệp."
            )
        parent_from_row = "parent_text" in data
        parent_code = self._parent_code(parsed, errors)
        parent = self.known.get(parent_code) if parent_code else None
        if parent_code:
            data["parent"] = parent_code
        label = f"{data.get('name', '')} ({data.get('code', '')})"
        existing = self.known.get(data.get("code", ""))
        if existing is not None and not existing.pending:
            return self._existing(parsed, existing, errors, notes, label)
        if (
            parent is not None
            and data.get("name")
            and "code" not in data
            and not parent_from_row
            and orglists.folded(data["name"]) == orglists.folded(parent.name)
            and not parent.pending
        ):  # the list starts with its own committee ("Đảng bộ xã Kim Long", then its cells)
            return Outcome(
                parsed.row_no,
                "unchanged",
                "unchanged",
                f"{parent.name} ({parent.code})",
                [f"{self.labels['name']}: tổ chức cấp trên của danh sách, đã có."],
                sheet=self.sheet.name,
            )
        if parent is not None and data.get("name"):
            same, row = self._same_child(parent.code, data["name"])
            if same is not None and row is not None:
                errors.append(
                    f"{self.labels['name']}: “{data['name']}” đã có ở dòng {row} trong tệp "
                    f"(cùng cấp trên {parent.name})."
                )
            elif same is not None and "code" not in data:
                data["code"] = same.code  # the same organisation: matched by its name
                for key in ("name", "kind", "sector"):
                    if key not in explicit or key == "name":
                        data.pop(key, None)
                label = f"{same.name} ({same.code})"
                return self._existing(parsed, same, errors, notes, label)
            elif same is not None:
                notes.append(
                    f"{self.labels['name']}: đã có “{same.name}” (mã {same.code}) dưới "
                    f"{parent.name}; kiểm tra xem có phải cùng một tổ chức không."
                )
        inferred: dict = {}
        guessed: list[str] = []
        if parent is not None and data.get("name") and not errors:
            guess = orglists.infer(data["name"], parent.kind, parent.sector)
            if "kind" not in data:
                data["kind"] = guess.kind
                guessed.append("kind")
                if not guess.kind_sure:
                    notes.append(
                        f"Chưa chắc loại tổ chức của “{data['name']}” (tên không bắt đầu bằng "
                        f"“Chi bộ”, “Đảng bộ”): tạm ghi {OrgKind(guess.kind).label}; hãy kiểm tra."
                    )
            if "sector" not in data:
                data["sector"] = guess.sector
                guessed.append("sector")
                if not guess.sector_sure:
                    notes.append(
                        f"Chưa chắc loại hình của “{data['name']}”: tạm ghi "
                        f"{Sector(guess.sector).label}; hãy kiểm tra."
                    )
            if "code" not in data:
                data["code"] = self._new_code(parent.code, data["name"])
                guessed.append("code")
            full = orglists.full_name(data["name"], data["kind"])
            if full != data["name"] and len(full) <= TEXT_LENGTHS["name"]:
                notes.append(
                    f"{self.labels['name']}: ghi là “{full}” (tên trong tệp không có chữ "
                    f"“{full[: len(full) - len(data['name']) - 1]}”)."
                )
                data["name"] = full
            label = f"{data['name']} ({data['code']})"
        if "valid_from" not in data and parent is not None and not errors:
            chosen = self._option_valid_from()
            if chosen is not None:
                data["valid_from"] = chosen
            else:
                data["valid_from"] = parent.valid_from
                notes.append(
                    f"Chưa rõ ngày thành lập: lấy ngày của cấp trên ({fmt(parent.valid_from)}, "
                    f"{parent.name}); sửa bằng cột “{COLUMNS['valid_from'].header}”."
                )
        for key in ("code", "name", "kind", "sector", "parent", "valid_from"):
            if key not in data and not any(
                e.startswith(self.labels.get(key, "\0")) for e in errors
            ):
                if key == "parent" and "parent" not in self.positions:
                    if not errors:  # else the heading's or the override's error says it
                        errors.append(NO_PARENT)
                    continue
                if key not in self.positions and parent is None and errors:
                    continue  # inferred once the parent is known: its error says enough
                errors.append(f"{self.labels.get(key) or COLUMNS[key].header}: bắt buộc.")
        doc = [data.get(k) for k in DOCUMENT_KEYS]
        if any(doc) and not all(doc):
            errors.append("Quyết định thành lập: cần ghi đủ số, cơ quan ban hành và ngày.")
        elif not any(doc) and not errors and any(k in self.positions for k in DOCUMENT_KEYS):
            notes.append("Không ghi quyết định thành lập (số, cơ quan, ngày).")
        if parent is not None:
            self._check_parent(data, parent, errors)
        if data.get("valid_from") and data["valid_from"] > self.today:
            errors.append(
                f"{self.labels.get('valid_from', COLUMNS['valid_from'].header)}: "
                f"{fmt(data['valid_from'])} là ngày trong tương lai."
            )
        if guessed or overridden:
            inferred = {
                "key": self._row_key(parsed.row_no),
                "kind": data.get("kind", ""),
                "sector": data.get("sector", ""),
                "code": data.get("code", ""),
            }
        info = []
        if inferred and data.get("kind") and data.get("sector"):
            how = "suy từ tên; sửa được" if guessed else "đã sửa"
            info.append(
                f"Loại: {OrgKind(data['kind']).label}, lĩnh vực: {Sector(data['sector']).label}, "
                f"mã: {data.get('code', '')} ({how})"
            )
        if errors:
            return Outcome(
                parsed.row_no,
                "error",
                "",
                label,
                errors + info + notes,
                error_count=len(errors),
                inferred=inferred,
            )
        assert parent is not None
        self.known[data["code"]] = known = Known(
            data["code"],
            data["name"],
            data["kind"],
            data["sector"],
            data["parent"],
            parent.path,
            data["valid_from"],
            None,
            pending=True,
        )
        self._children_of(parent.code)[orglists.folded(data["name"])] = (known, parsed.row_no)
        state = "warning" if notes else "new"
        return Outcome(
            parsed.row_no,
            state,
            "new",
            label,
            info + notes,
            data,
            path=parent.path,
            inferred=inferred,
        )

    def _check_parent(self, data: dict, parent: Known, errors: list[str]) -> None:
        label = self.labels.get("parent", "Tổ chức cấp trên")
        if not parent.pending and not self.scope.may_change(parent.path):
            errors.append(f"{label}: không có tổ chức mã “{data['parent']}” trong phạm vi của bạn.")
            return
        kind = data.get("kind")
        if kind and parent.kind not in ALLOWED_PARENTS.get(kind, ()):
            errors.append(
                f"{label}: {OrgKind(kind).label} không thể trực thuộc {OrgKind(parent.kind).label}."
            )
        if parent.valid_to is not None:
            errors.append(
                f"{label}: {parent.name} đã kết thúc hoạt động ngày {fmt(parent.valid_to)}."
            )
        elif data.get("valid_from") and data["valid_from"] < parent.valid_from:
            errors.append(
                f"{self.labels.get('valid_from', COLUMNS['valid_from'].header)}: trước ngày "
                f"thành lập tổ chức cấp trên ({fmt(parent.valid_from)})."
            )

    def _existing(self, parsed, existing: Known, errors, notes, label) -> Outcome:
        data = parsed.data
        code_label = self.labels.get("code", COLUMNS["code"].header)
        if not self.scope.may_change(existing.path):
            errors.append(f"{code_label}: mã “{data['code']}” đã được dùng.")
        else:
            differs = [
                self.labels.get(k, COLUMNS[k].header)
                for k, current in (
                    ("name", existing.name),
                    ("kind", existing.kind),
                    ("sector", existing.sector),
                    ("parent", existing.parent_code),
                )
                if k in data and data[k] != current
            ]
            if differs:
                errors.append(
                    f"{code_label}: tổ chức “{existing.name}” đã có, khác ở "
                    f"{', '.join(differs)}. Đổi tên, chuyển trực thuộc làm bằng thao tác trên "
                    "trang tổ chức (có quyết định kèm theo)."
                )
        if errors:
            return Outcome(parsed.row_no, "error", "", label, errors, error_count=len(errors))
        notes = [n for n in notes if not n.startswith("Không ghi quyết định")]
        return Outcome(
            parsed.row_no, "warning" if notes else "unchanged", "unchanged", label, notes
        )

    def write(self, outcomes: list[Outcome]) -> None:
        for o in outcomes:
            if o.action != "new":
                continue
            d = o.data
            document = None
            if d.get("document_number"):
                document = register_document(
                    actor=self.actor,
                    number=d["document_number"],
                    issuer=d["document_issuer"],
                    issue_date=d["document_date"],
                )
            parent = Organisation.objects.get(code=d["parent"])
            org = org_services.create_org(
                actor=self.actor,
                code=d["code"],
                name=d["name"],
                kind=d["kind"],
                sector=d["sector"],
                parent=parent,
                valid_from=d["valid_from"],
                document=document,
            )
            self.touched_paths = lowest_common_path(self.touched_paths, org.path)
