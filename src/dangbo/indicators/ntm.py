"""The new-rural standard (nông thôn mới): which criteria set applies when, which communes
met which criterion in a year, which communes the province recognised and when.

Rules (pure, at the top), then reads, then the services (each one transaction, audited).
A commune is a Party organisation of a commune (sector ``xã``), never a town (thị trấn) or a
ward: those are not assessed against the rural standard. Communes are read from the current
tree (``path``), active on the day asked about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dangbo.core import audit, scope
from dangbo.core.dates import fmt, not_in_future, parse_day, today
from dangbo.core.errors import Problems, invalid
from dangbo.core.models import LegalDocument
from dangbo.core.text import clean_paragraphs, clean_text, fold
from dangbo.core.types import Actor, Viewer
from dangbo.orgs.choices import OrgKind, Sector
from dangbo.orgs.models import Organisation

from .choices import IndicatorAudit
from .models import NtmAssessment, NtmCriterion, NtmRecognition, NtmSet

PROVINCE_PEOPLES_COMMITTEE = "UBND tỉnh Vĩnh Phúc"
FIRST_YEAR = 2009  # QĐ 491/QĐ-TTg, 16/4/2009
MAX_EVIDENCE = 5_000
COMMUNE_KINDS = (
    OrgKind.GRASSROOTS_COMMITTEE,
    OrgKind.GRASSROOTS_CELL,
    OrgKind.COMMUNE_COMMITTEE,
)

# ---------------------------------------------------------------- rules (pure)


def in_force(valid_from: date, valid_to: date | None, day: date) -> bool:
    """Whether an interval (inclusive at both ends, open when ``valid_to`` is None) holds ``day``."""
    return valid_from <= day and (valid_to is None or day <= valid_to)


def overlaps_year(valid_from: date, valid_to: date | None, year: int) -> bool:
    return valid_from <= date(year, 12, 31) and (valid_to is None or valid_to >= date(year, 1, 1))


def year_day(year: int, on: date) -> date:
    """The day a year's board is read on: its last day, or ``on`` (today) for the year under
    way."""
    return min(date(year, 12, 31), on)


def recognised_on_day(recognised_on: date, revoked_on: date | None, day: date) -> bool:
    """A commune recognised on or before ``day`` counts until the day it is revoked."""
    return recognised_on <= day and (revoked_on is None or revoked_on > day)


def is_commune(kind: str, sector: str, parent_kind: str | None = None) -> bool:
    """A commune's Party organisation: before the 2025 reform a grassroots committee (or
    cell) of a commune; since, the commune committee itself — a grassroots committee of a
    residential area under a commune committee is not a commune."""
    if sector != Sector.COMMUNE or kind not in COMMUNE_KINDS:
        return False
    return kind == OrgKind.COMMUNE_COMMITTEE or parent_kind != OrgKind.COMMUNE_COMMITTEE


def totals_label(met: int, communes: int) -> str:
    return f"{met}/{communes} xã đạt chuẩn"


# ---------------------------------------------------------------- reads


def _covering(day: date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def set_on(day: date) -> NtmSet | None:
    """The criteria set in force on ``day``, None before the first one."""
    return NtmSet.objects.filter(_covering(day)).select_related("document").first()


def set_in_force(day: date) -> NtmSet:
    """The criteria set in force on ``day``; a refusal naming the day before the first set."""
    found = set_on(day)
    if found is None:
        raise invalid("day", f"Ngày {fmt(day)}: chưa có bộ tiêu chí quốc gia về nông thôn mới.")
    return found


def sets_in_year(year: int) -> list[NtmSet]:
    """The sets in force on some day of ``year`` (two in a year of change), oldest first."""
    return list(
        NtmSet.objects.filter(valid_from__lte=date(year, 12, 31))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date(year, 1, 1)))
        .select_related("document")
        .order_by("valid_from")
    )


def set_for_year(year: int, code: str = "") -> NtmSet | None:
    """The set a year is assessed under: ``code`` when it was in force that year, otherwise
    the set in force on the year's last day (or today, for the year under way)."""
    sets = sets_in_year(year)
    if code:
        return next((s for s in sets if s.code == code), None)
    day = year_day(year, today())
    return next((s for s in reversed(sets) if in_force(s.valid_from, s.valid_to, day)), None) or (
        sets[-1] if sets else None
    )


def all_sets() -> list[NtmSet]:
    """Every set with its decision and criteria (the sets page): two queries."""
    return list(
        NtmSet.objects.select_related("document")
        .prefetch_related("criteria")
        .order_by("valid_from")
    )


def communes(org: Organisation, day: date) -> QuerySet[Organisation]:
    """The communes (not towns or wards) in ``org``'s subtree, ``org`` included, active on
    ``day``, by name."""
    return (
        Organisation.objects.filter(org.subtree_q(""))
        .filter(sector=Sector.COMMUNE, kind__in=COMMUNE_KINDS)
        .filter(Q(kind=OrgKind.COMMUNE_COMMITTEE) | ~Q(parent__kind=OrgKind.COMMUNE_COMMITTEE))
        .filter(_covering(day))
        .order_by("name", "pk")
    )


def _standing(day: date) -> QuerySet[NtmRecognition]:
    return NtmRecognition.objects.filter(recognised_on__lte=day).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)
    )


def recognised_as_of(org: Organisation, day: date) -> list[Organisation]:
    """The communes under ``org`` recognised at the standard on or before ``day`` and not
    revoked by then (one query)."""
    standing = _standing(day).filter(org=OuterRef("pk"))
    return list(communes(org, day).filter(Exists(standing)))


def ntm_summary(org: Organisation, day: date) -> dict[str, Any]:
    """``{"communes": n, "met": m, "set": code or None}``: the communes under ``org`` active
    on ``day``, how many of them stood recognised that day, and the set in force (three
    queries) — what a program's indicator "số xã đạt chuẩn nông thôn mới" reads."""
    base = communes(org, day)
    standing = _standing(day).filter(org=OuterRef("pk"))
    ntm_set = set_on(day)
    return {
        "communes": base.count(),
        "met": base.filter(Exists(standing)).count(),
        "set": ntm_set.code if ntm_set is not None else None,
    }


@dataclass
class BoardRow:
    commune: Organisation
    cells: list[bool | None]  # per criterion of the board's set: met, not met, not assessed
    met: int
    recognised_on: date | None
    recognition: NtmRecognition | None = None

    @property
    def short_name(self) -> str:
        """The name without "Đảng bộ xã " (the board's column already says "Xã")."""
        return self.commune.name.removeprefix(self.name_prefix)

    @property
    def name_prefix(self) -> str:
        name = self.commune.name
        return next((p for p in ("Đảng bộ xã ", "Chi bộ xã ") if name.startswith(p)), "")


@dataclass
class Board:
    org: Organisation
    year: int
    day: date  # recognitions are counted as of this day
    ntm_set: NtmSet | None
    sets: list[NtmSet]
    criteria: list[NtmCriterion]
    rows: list[BoardRow] = field(default_factory=list)
    criterion_met: list[int] = field(default_factory=list)  # per criterion: communes meeting

    @property
    def recognised(self) -> int:
        return sum(1 for r in self.rows if r.recognised_on is not None)

    @property
    def totals(self) -> str:
        return totals_label(self.recognised, len(self.rows))


def board(org: Organisation, year: int, code: str = "") -> Board:
    """Communes × criteria for a year (met / not / unknown), each commune's count met and
    its recognition standing at the year's end; five queries whatever the number of
    communes."""
    day = year_day(year, today())
    sets = sets_in_year(year)
    chosen = (
        next((s for s in sets if s.code == code), None) if code else set_for_year(year)
    ) or set_for_year(year)
    criteria = list(chosen.criteria.order_by("number")) if chosen else []
    rows_orgs = list(communes(org, day))
    found: dict[tuple[int, int], bool] = {}
    if criteria and rows_orgs:
        for org_id, crit_id, met in NtmAssessment.objects.filter(
            year=year, criterion__in=criteria, org__in=rows_orgs
        ).values_list("org_id", "criterion_id", "met"):
            found[(org_id, crit_id)] = met
    standing: dict[int, NtmRecognition] = {}
    for rec in _standing(day).filter(org__in=rows_orgs).order_by("recognised_on", "pk"):
        standing[rec.org_id] = rec  # the latest one standing
    result = Board(org=org, year=year, day=day, ntm_set=chosen, sets=sets, criteria=criteria)
    result.criterion_met = [0] * len(criteria)
    for commune in rows_orgs:
        cells = [found.get((commune.pk, c.pk)) for c in criteria]
        for i, cell in enumerate(cells):
            if cell:
                result.criterion_met[i] += 1
        current = standing.get(commune.pk)
        result.rows.append(
            BoardRow(
                commune=commune,
                cells=cells,
                met=sum(1 for c in cells if c),
                recognised_on=current.recognised_on if current else None,
                recognition=current,
            )
        )
    return result


def assessment_of(org: Organisation, year: int, ntm_set: NtmSet) -> dict[int, NtmAssessment]:
    """A commune's assessments for a year under a set, by criterion number (one query)."""
    return {
        a.criterion.number: a
        for a in NtmAssessment.objects.filter(
            org=org, year=year, criterion__set=ntm_set
        ).select_related("criterion")
    }


def recognitions_of(org: Organisation) -> list[NtmRecognition]:
    return list(
        NtmRecognition.objects.filter(org=org)
        .select_related("set", "document")
        .order_by("-recognised_on", "-pk")
    )


# ---------------------------------------------------------------- services


def _actor(actor: Actor) -> Actor:
    return actor if actor is not None and actor.pk else None


def _check_commune(
    actor: Actor, org: Organisation, day: date | None, field_name: str = "org", year: int = 0
) -> None:
    """``org`` must be a commune, active on ``day`` (or on some day of ``year``), in the
    actor's CHANGE scope (the system, ``actor=None``, may change any)."""
    if actor is not None and not scope.covers(actor, scope.CHANGE, org):
        raise invalid(field_name, f"Xã: {org.name} ngoài phạm vi được giao cập nhật.")
    parent_kind = org.parent.kind if org.parent_id and org.parent else None
    if not is_commune(org.kind, org.sector, parent_kind):
        raise invalid(
            field_name,
            f"Xã: {org.name} không phải đảng bộ xã; chỉ xã được đánh giá nông thôn mới "
            "(không áp dụng cho thị trấn, phường).",
        )
    if year and not overlaps_year(org.valid_from, org.valid_to, year):
        raise invalid(field_name, f"Xã: {org.name} không hoạt động trong năm {year}.")
    if day is not None and not in_force(org.valid_from, org.valid_to, day):
        raise invalid(field_name, f"Xã: {org.name} không hoạt động ngày {fmt(day)}.")


def _check_year(year: Any) -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        try:
            year = int(str(year).strip())
        except (TypeError, ValueError):
            raise invalid("year", "Năm: phải là một số, ví dụ 2024.") from None
    if not (FIRST_YEAR <= year <= today().year):
        raise invalid("year", f"Năm: từ {FIRST_YEAR} đến {today().year}.")
    return year


Result = tuple[bool | None, str]


@transaction.atomic
def assess(
    *,
    actor: Actor,
    org: Organisation,
    year: int,
    results: dict[int, Result],
    set_code: str = "",
) -> list[NtmAssessment]:
    """Record which criteria a commune met in ``year`` (``{number: (met, evidence)}``; a
    ``None`` met clears an earlier answer) under the set in force that year (``set_code``
    chooses the other one in a year of change). One audit entry for what changed."""
    year = _check_year(year)
    _check_commune(actor, org, None, year=year)
    sets = sets_in_year(year)
    if set_code:
        ntm_set = next((s for s in sets if s.code == set_code), None)
        if ntm_set is None:
            names = ", ".join(s.name for s in sets) or "không có"
            raise invalid(
                "set",
                f"Bộ tiêu chí: “{set_code}” không áp dụng trong năm {year} (áp dụng: {names}).",
            )
    else:
        ntm_set = set_for_year(year)
        if ntm_set is None:
            raise invalid("year", f"Năm {year}: chưa có bộ tiêu chí nông thôn mới.")
    criteria = {c.number: c for c in ntm_set.criteria.all()}
    problems = Problems()
    cleaned: dict[int, Result] = {}
    if not results:
        raise invalid("results", "Kết quả: chưa đánh giá tiêu chí nào.")
    for number, value in results.items():
        key = f"criterion_{number}"
        with problems.check():
            if number not in criteria:
                raise invalid(
                    key,
                    f"Tiêu chí số {number}: không có trong {ntm_set.name} "
                    f"(áp dụng năm {year}; có {len(criteria)} tiêu chí).",
                )
            try:
                met, evidence = value
            except (TypeError, ValueError):
                raise invalid(
                    key, f"Tiêu chí số {number}: cần đạt/không đạt và minh chứng."
                ) from None
            if met is not None and not isinstance(met, bool):
                raise invalid(key, f"Tiêu chí số {number}: đạt phải là có hoặc không.")
            text = clean_paragraphs(
                evidence,
                f"Minh chứng tiêu chí {number}",
                max_length=MAX_EVIDENCE,
                field=f"evidence_{number}",
            )
            cleaned[number] = (met, text)
    problems.raise_all()
    existing = assessment_of(org, year, ntm_set)
    changed: list[NtmAssessment] = []
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    who = _actor(actor)
    for number, (met, evidence) in sorted(cleaned.items()):
        old = existing.get(number)
        old_state = (old.met, old.evidence) if old else None
        if met is None:
            if old is not None:
                old.delete()
                before[str(number)], after[str(number)] = old_state, None
            continue
        if old_state == (met, evidence):
            continue
        if old is None:
            old = NtmAssessment(org=org, year=year, criterion=criteria[number])
        old.met, old.evidence, old.assessed_by = met, evidence, who
        old.assessed_at = timezone.now()
        old.save()
        changed.append(old)
        before[str(number)], after[str(number)] = old_state, (met, evidence[:200])
    if before or after:
        met_now = NtmAssessment.objects.filter(
            org=org, year=year, criterion__set=ntm_set, met=True
        ).count()
        audit.record(
            actor=actor,
            action=IndicatorAudit.NTM_ASSESSED,
            object_type="indicators.ntmassessment",
            object_id=f"{org.pk}:{year}",
            scope_org=org,
            summary=f"Đánh giá nông thôn mới {year} của {org.name}: {met_now}/{len(criteria)} "
            f"tiêu chí đạt ({ntm_set.code}; {len(before)} tiêu chí thay đổi)",
            before=before,
            after=after,
        )
    return changed


def _document(
    *, number: Any, issuer: Any, issued: Any, title: str, field_prefix: str = "document"
) -> LegalDocument:
    """The province's decision, found by number, issuer and date or recorded (kind QĐ)."""
    problems = Problems()
    clean_number = clean_issuer = ""
    day: date | None = None
    with problems.check():
        clean_number = clean_text(
            number, "Số quyết định", max_length=64, field=f"{field_prefix}_number"
        )
    with problems.check():
        clean_issuer = clean_text(
            issuer or PROVINCE_PEOPLES_COMMITTEE,
            "Cơ quan ban hành",
            max_length=200,
            field=f"{field_prefix}_issuer",
        )
    with problems.check():
        day = _day(issued, f"{field_prefix}_date", "Ngày quyết định")
        not_in_future(day, f"{field_prefix}_date", "Ngày quyết định")
    problems.raise_all()
    assert day is not None
    doc, created = LegalDocument.objects.get_or_create(
        number=clean_number,
        issuer=clean_issuer,
        issue_date=day,
        defaults={
            "kind": "QD",
            "title": title[:500],
            "effective_from": day,
            "search_key": fold(f"{clean_number} {title}")[:700],
            "recorded_at": timezone.now(),
        },
    )
    return doc


def _day(value: Any, field_name: str, label: str) -> date:
    if isinstance(value, date):
        return value
    if value in (None, ""):
        raise invalid(field_name, f"{label}: không được để trống.")
    try:
        return parse_day(str(value), label)
    except Exception as exc:  # a ValidationError keyed by the label: re-key it by field
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise invalid(field_name, " ".join(exc.messages)) from None
        raise


@transaction.atomic
def recognise(
    *,
    actor: Actor,
    org: Organisation,
    set: NtmSet | None = None,  # noqa: A002 - the name the models use
    document: LegalDocument | dict[str, Any],
    recognised_on: date | None = None,
) -> NtmRecognition:
    """Record the province's decision recognising a commune at the standard. ``document``
    is a recorded decision or ``{"number", "issuer" (UBND tỉnh Vĩnh Phúc), "date"}``;
    ``recognised_on`` defaults to the decision's date, ``set`` to the set in force then."""
    if isinstance(document, LegalDocument):
        doc = document
    else:
        doc = _document(
            number=document.get("number"),
            issuer=document.get("issuer"),
            issued=document.get("date"),
            title=f"Công nhận {org.name.removeprefix('Đảng bộ ')} đạt chuẩn nông thôn mới",
        )
    day = recognised_on or doc.issue_date
    day = _day(day, "recognised_on", "Ngày công nhận")
    not_in_future(day, "recognised_on", "Ngày công nhận")
    _check_commune(actor, org, day)
    if set is None:
        set = set_on(day)  # noqa: A001
        if set is None:
            raise invalid(
                "recognised_on",
                f"Ngày công nhận {fmt(day)}: chưa có bộ tiêu chí nông thôn mới.",
            )
    elif day < set.valid_from:
        raise invalid(
            "set",
            f"Bộ tiêu chí: {set.name} áp dụng từ {fmt(set.valid_from)}, sau ngày công nhận "
            f"{fmt(day)}.",
        )
    standing = _standing(day).filter(org=org).first()
    if standing is not None:
        raise invalid(
            "org",
            f"Xã: {org.name} đã được công nhận đạt chuẩn ngày {fmt(standing.recognised_on)} "
            "và chưa bị thu hồi.",
        )
    later = NtmRecognition.objects.filter(org=org, recognised_on__gt=day).first()
    if later is not None:
        raise invalid(
            "recognised_on",
            f"Ngày công nhận: {org.name} đã có quyết định công nhận sau đó "
            f"({fmt(later.recognised_on)}).",
        )
    rec = NtmRecognition.objects.create(
        org=org, set=set, document=doc, recognised_on=day, recorded_by=_actor(actor)
    )
    audit.record(
        actor=actor,
        action=IndicatorAudit.NTM_RECOGNISED,
        obj=rec,
        scope_org=org,
        summary=f"Công nhận {org.name} đạt chuẩn nông thôn mới ngày {fmt(day)} "
        f"({doc.number}, {doc.issuer}; {set.code})",
        after={"recognised_on": day.isoformat(), "set": set.code, "document": doc.number},
    )
    return rec


@transaction.atomic
def revoke(
    *, actor: Actor, recognition: NtmRecognition, revoked_on: date | str, reason: str = ""
) -> NtmRecognition:
    """Take a recognition back from a day on (the commune no longer counts from then)."""
    rec = (
        NtmRecognition.objects.select_for_update()
        .select_related("org", "set")
        .get(pk=recognition.pk)
    )
    day = _day(revoked_on, "revoked_on", "Ngày thu hồi")
    not_in_future(day, "revoked_on", "Ngày thu hồi")
    _check_commune(actor, rec.org, rec.recognised_on)
    if rec.revoked_on is not None:
        raise invalid("revoked_on", f"Ngày thu hồi: đã thu hồi từ {fmt(rec.revoked_on)}.")
    if day < rec.recognised_on:
        raise invalid(
            "revoked_on",
            f"Ngày thu hồi: trước ngày công nhận ({fmt(rec.recognised_on)}).",
        )
    why = clean_paragraphs(reason, "Lý do thu hồi", max_length=MAX_EVIDENCE, field="reason")
    rec.revoked_on = day
    rec.save(update_fields=["revoked_on"])
    audit.record(
        actor=actor,
        action=IndicatorAudit.NTM_REVOKED,
        obj=rec,
        scope_org=rec.org,
        summary=f"Thu hồi công nhận đạt chuẩn nông thôn mới của {rec.org.name} từ {fmt(day)}"
        + (f": {why[:200]}" if why else ""),
        before={"revoked_on": None},
        after={"revoked_on": day.isoformat()},
    )
    return rec


# ---------------------------------------------------------------- a new set, from a file


@transaction.atomic
def add_set(*, actor: Actor, data: dict[str, Any]) -> NtmSet:
    """A national set from data (``dangbo ntm add-set FILE``): its decision, interval,
    commune groups and criteria. The open set before it is closed the day before; a set
    overlapping another is refused."""
    if not isinstance(data, dict):
        raise invalid("set", "Bộ tiêu chí: tệp phải là một đối tượng (code, name, …).")
    problems = Problems()
    code = name = note = ""
    valid_from: date | None = None
    valid_to: date | None = None
    groups = 1
    criteria: list[tuple[int, str, str, bool]] = []
    with problems.check():
        code = clean_text(data.get("code"), "Mã bộ tiêu chí", max_length=40, field="code")
        if not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
            raise invalid("code", "Mã bộ tiêu chí: chỉ chữ không dấu, số, '-' và '_'.")
        if NtmSet.objects.filter(code=code).exists():
            raise invalid("code", f"Mã bộ tiêu chí: “{code}” đã có.")
    with problems.check():
        name = clean_text(data.get("name"), "Tên bộ tiêu chí", max_length=300, field="name")
    with problems.check():
        note = clean_paragraphs(data.get("note"), "Ghi chú", max_length=MAX_EVIDENCE, field="note")
    with problems.check():
        valid_from = _day(data.get("valid_from"), "valid_from", "Áp dụng từ ngày")
    with problems.check():
        if data.get("valid_to"):
            valid_to = _day(data.get("valid_to"), "valid_to", "Áp dụng đến ngày")
    with problems.check():
        groups = data.get("commune_groups", 1)
        if isinstance(groups, bool) or not isinstance(groups, int) or not 1 <= groups <= 9:
            raise invalid("commune_groups", "Số nhóm xã: một số từ 1 đến 9.")
    with problems.check():
        rows = data.get("criteria")
        if not isinstance(rows, list) or not rows:
            raise invalid("criteria", "Tiêu chí: cần danh sách các tiêu chí (number, name).")
        seen: set[int] = set()
        for i, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise invalid("criteria", f"Tiêu chí thứ {i}: cần number và name.")
            number = row.get("number", i)
            if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                raise invalid("criteria", f"Tiêu chí thứ {i}: số thứ tự phải là số nguyên dương.")
            if number in seen:
                raise invalid("criteria", f"Tiêu chí số {number}: trùng.")
            seen.add(number)
            criteria.append(
                (
                    number,
                    clean_text(
                        row.get("name"), f"Tên tiêu chí {number}", max_length=200, field="criteria"
                    ),
                    clean_text(
                        row.get("group"),
                        f"Nhóm tiêu chí {number}",
                        max_length=200,
                        required=False,
                        field="criteria",
                    ),
                    bool(row.get("verified", True)),
                )
            )
    doc_data = data.get("document") or {}
    doc: LegalDocument | None = None
    with problems.check():
        if not isinstance(doc_data, dict):
            raise invalid("document_number", "Quyết định: cần number, issuer, date.")
        doc = _document(
            number=doc_data.get("number"),
            issuer=doc_data.get("issuer") or "Thủ tướng Chính phủ",
            issued=doc_data.get("date"),
            title=str(doc_data.get("title") or name),
        )
    problems.raise_all()
    assert valid_from is not None and doc is not None
    if valid_to is not None and valid_to < valid_from:
        raise invalid("valid_to", "Áp dụng đến ngày: trước ngày bắt đầu áp dụng.")
    open_before = NtmSet.objects.filter(valid_to__isnull=True, valid_from__lt=valid_from).first()
    if open_before is not None:
        open_before.valid_to = valid_from - timedelta(days=1)
        open_before.save(update_fields=["valid_to"])
    clash = NtmSet.objects.filter(valid_from__lte=valid_to or date.max).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    if clash.exists():
        raise invalid(
            "valid_from",
            f"Áp dụng từ ngày: trùng thời gian với {clash.first()} — mỗi ngày chỉ một bộ tiêu chí.",
        )
    ntm_set = NtmSet.objects.create(
        code=code,
        name=name,
        document=doc,
        valid_from=valid_from,
        valid_to=valid_to,
        commune_groups=groups,
        verified=bool(data.get("verified", True)),
        note=note,
    )
    NtmCriterion.objects.bulk_create(
        NtmCriterion(set=ntm_set, number=n, name=nm, group_name=g, verified=v)
        for n, nm, g, v in criteria
    )
    audit.record(
        actor=actor,
        action=IndicatorAudit.NTM_SET_ADDED,
        obj=ntm_set,
        summary=f"Thêm bộ tiêu chí nông thôn mới {name} ({len(criteria)} tiêu chí, áp dụng "
        f"từ {fmt(valid_from)})"
        + (f"; bộ {open_before.code} kết thúc {fmt(open_before.valid_to)}" if open_before else ""),
    )
    return ntm_set


def can_change(user: Viewer, org: Organisation) -> bool:
    return scope.covers(user, scope.CHANGE, org)
