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
from dangbo.orgs.choices import ALLOWED_PARENTS, OrgKind, Sector
from dangbo.orgs.models import CODE_RULE, Organisation, valid_code

from . import cells
from .cells import CellError
from .common import Outcome, ScopeCheck, SheetInfo, lowest_common_path
from .schema import ORG_COLUMNS, by_key

COLUMNS = by_key(ORG_COLUMNS)
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

    def header_problems(self) -> list[str]:
        if not {"code", "name", "kind", "parent"} <= set(self.positions):
            return [
                "Không nhận ra dòng tiêu đề: cần ít nhất các cột “Mã tổ chức”, “Tên tổ chức”, "
                "“Loại tổ chức”, “Mã tổ chức cấp trên”. Tải mẫu tệp để xem tên các cột."
            ]
        if not self.scope.any_change:
            return ["Bạn không có quyền thêm tổ chức."]
        return []

    def dup_keys(self, cells_: list) -> list[tuple[str, str]]:
        position = self.positions["code"]
        if position < len(cells_) and cells_[position] not in (None, ""):
            return [("code", str(cells_[position]).strip().lower())]
        return []

    def dup_message(self, kind: str, value: str, others: str) -> str:
        value = value[: max_length_of(Organisation, "code")]
        return f"{self.labels['code']}: mã “{value}” trùng với dòng {others} trong tệp."

    def parse(self, row_no: int, cells_: list) -> Parsed:
        parsed = Parsed(row_no, {})
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
                    parsed.data[key] = cells.choice(value, label, KINDS)
                elif key == "sector":
                    parsed.data[key] = cells.choice(value, label, SECTORS)
                elif key == "document_number":
                    parsed.data[key], _ = cells.text(value, label, max_length=TEXT_LENGTHS[key])
                else:  # code, parent
                    code = str(value).strip().lower()
                    if not valid_code(code):
                        raise CellError(f"{label}: “{str(value)[:40]}” — mã {CODE_RULE}.")
                    parsed.data[key] = code
            except CellError as exc:
                parsed.errors.append(str(exc))
        return parsed

    def resolve(self, chunk: list[Parsed], seen) -> list[Outcome]:
        codes = {p.data.get(k) for p in chunk for k in ("code", "parent")} - {None}
        missing = [c for c in codes if c not in self.known]
        for c in missing:
            self.known[c] = None
        fields = (
            "code",
            "name",
            "kind",
            "sector",
            "parent__code",
            "path",
            "valid_from",
            "valid_to",
        )
        for start in range(0, len(missing), 500):
            part = missing[start : start + 500]
            for row in Organisation.objects.filter(Q(code__in=part)).values_list(*fields):
                self.known[row[0]] = Known(*row[:4], row[4] or "", *row[5:])
        outcomes = []
        for parsed in chunk:
            if parsed.data.get("code"):
                seen.add("code", parsed.data["code"])
            outcomes.append(self._classify(parsed))
        return outcomes

    def _classify(self, parsed: Parsed) -> Outcome:
        data, errors, notes = parsed.data, list(parsed.errors), list(parsed.notes)
        label = f"{data.get('name', '')} ({data.get('code', '')})"
        for key in ("code", "name", "kind", "sector", "parent", "valid_from"):
            if key not in data and not any(
                e.startswith(self.labels.get(key, "\0")) for e in errors
            ):
                errors.append(f"{self.labels.get(key) or COLUMNS[key].header}: bắt buộc.")
        doc = [data.get(k) for k in ("document_number", "document_issuer", "document_date")]
        if any(doc) and not all(doc):
            errors.append("Quyết định thành lập: cần ghi đủ số, cơ quan ban hành và ngày.")
        elif not any(doc) and not errors:
            notes.append("Không ghi quyết định thành lập (số, cơ quan, ngày).")
        existing = self.known.get(data.get("code", ""))
        if existing is not None and not existing.pending:
            return self._existing(parsed, existing, errors, notes, label)
        parent = self.known.get(data.get("parent", "")) if data.get("parent") else None
        if data.get("parent") and parent is None:
            errors.append(f"{self.labels['parent']}: không có tổ chức mã “{data['parent']}”.")
        elif parent is not None:
            self._check_parent(data, parent, errors)
        if data.get("valid_from") and data["valid_from"] > self.today:
            errors.append(
                f"{self.labels['valid_from']}: {fmt(data['valid_from'])} là ngày trong tương lai."
            )
        if errors:
            return Outcome(parsed.row_no, "error", "", label, errors + notes)
        self.known[data["code"]] = Known(
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
        state = "warning" if notes else "new"
        return Outcome(parsed.row_no, state, "new", label, notes, data, path=parent.path)

    def _check_parent(self, data: dict, parent: Known, errors: list[str]) -> None:
        label = self.labels["parent"]
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
                f"{self.labels['valid_from']}: trước ngày thành lập tổ chức cấp trên "
                f"({fmt(parent.valid_from)})."
            )

    def _existing(self, parsed, existing: Known, errors, notes, label) -> Outcome:
        data = parsed.data
        if not self.scope.may_change(existing.path):
            errors.append(f"{self.labels['code']}: mã “{data['code']}” đã được dùng.")
        else:
            differs = [
                self.labels.get(k, k)
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
                    f"{self.labels['code']}: tổ chức “{existing.name}” đã có, khác ở "
                    f"{', '.join(differs)}. Đổi tên, chuyển trực thuộc làm bằng thao tác trên "
                    "trang tổ chức (có quyết định kèm theo)."
                )
        if errors:
            return Outcome(parsed.row_no, "error", "", label, errors)
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
