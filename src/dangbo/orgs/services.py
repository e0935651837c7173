"""Every change to the organisation registry: one function per operation, one transaction,
keyword-only ``actor``, validation first, an audit entry and an ``OrgEvent`` for the history.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from dangbo.core import audit
from dangbo.core import services as core_services
from dangbo.core.dates import fmt, not_in_future
from dangbo.core.errors import collect, invalid, messages_of
from dangbo.core.modelfields import label_of, max_length_of
from dangbo.core.text import clean_text
from dangbo.core.types import Actor

from .choices import (
    ALLOWED_PARENTS,
    BodyType,
    FormedBy,
    OrgAudit,
    OrgEventKind,
    OrgKind,
    PartnerKind,
    Sector,
    Title,
)
from .models import (
    CommitteeBody,
    Organisation,
    OrgEvent,
    OrgLink,
    PartnerBody,
    PartnerLead,
    Position,
    code_problem,
    valid_code,
)
from .rules import OrgOperation, refuse_unless_allowed

# One holder at a time: a second secretary is a mistake, a second committee member is not.
SINGLE_HOLDER_TITLES = (
    Title.SECRETARY,
    Title.PERMANENT_DEPUTY,
    Title.INSPECTION_CHAIR,
    Title.GROUP_LEADER,
)
_SNAPSHOT = ["code", "name", "kind", "sector", "parent", "path", "valid_from", "valid_to"]


def _check_parent(kind: str, parent: Organisation | None, on: date, field: str = "parent"):
    allowed = ALLOWED_PARENTS.get(kind, ())
    if parent is not None:
        # Lock and re-read: a caller's copy may predate a dissolution or a move.
        parent.refresh_from_db(from_queryset=Organisation.objects.select_for_update())
    if parent is None:
        if allowed:
            raise invalid(field, "Tổ chức cấp trên: bắt buộc với loại tổ chức này.")
        return
    if parent.kind not in allowed:
        raise invalid(
            field,
            f"Tổ chức cấp trên: {OrgKind(kind).label} không thể trực thuộc "
            f"{OrgKind(parent.kind).label}.",
        )
    if not parent.is_active(on) or parent.valid_to is not None:
        raise invalid(field, f"Tổ chức cấp trên: {parent.name} không hoạt động vào ngày {fmt(on)}.")


def _set_path(org: Organisation) -> None:
    parent = org.parent
    org.path = f"{parent.path if parent else ''}{org.pk}."
    org.depth = parent.depth + 1 if parent else 0
    Organisation.objects.filter(pk=org.pk).update(path=org.path, depth=org.depth)


@transaction.atomic
def create_org(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    sector: str,
    parent: Organisation | None,
    valid_from: date,
    document: core_services.Document = None,
    admin_unit=None,
    has_seal: bool | None = None,
) -> Organisation:
    document = core_services.resolve_document(actor=actor, document=document)
    errors = {}
    code = (code or "").strip().lower()
    code_label = label_of(Organisation, "code")
    if not valid_code(code):
        errors["code"] = f"{code_label}: {code_problem()}."
    elif Organisation.objects.filter(code=code).exists():
        errors["code"] = f"{code_label}: đã có tổ chức mang mã “{code}”."
    try:
        name = clean_text(
            name, label_of(Organisation, "name"), max_length=max_length_of(Organisation, "name")
        )
    except ValidationError as exc:  # re-raised below as a field error
        errors["name"] = exc.messages[0]
    if kind not in OrgKind.values:
        errors["kind"] = "Loại tổ chức: không hợp lệ."
    if sector not in Sector.values:
        errors["sector"] = "Loại hình: không hợp lệ."
    if valid_from is None:
        errors["valid_from"] = "Ngày thành lập: bắt buộc."
    collect(errors)
    not_in_future(valid_from, "valid_from", "Ngày thành lập")
    _check_parent(kind, parent, valid_from)
    org = Organisation.objects.create(
        code=code,
        name=name,
        kind=kind,
        sector=sector,
        parent=parent,
        valid_from=valid_from,
        admin_unit=admin_unit,
        has_seal=kind not in (OrgKind.SUB_CELL, OrgKind.PARTY_GROUP)
        if has_seal is None
        else has_seal,
    )
    _set_path(org)
    if parent is not None:
        OrgLink.objects.create(child=org, parent=parent, valid_from=valid_from, document=document)
    event = OrgEvent.objects.create(
        kind=OrgEventKind.ESTABLISH, effective_date=valid_from, document=document
    )
    event.outputs.add(org)
    audit.record(
        actor=actor,
        action=OrgAudit.ESTABLISHED,
        obj=org,
        summary=f"Thành lập {org.name} ngày {fmt(valid_from)}",
        after=audit.snapshot(org, _SNAPSHOT),
    )
    return org


@transaction.atomic
def rename_org(
    *,
    actor: Actor,
    org: Organisation,
    name: str,
    effective_date: date,
    document: core_services.Document = None,
) -> Organisation:
    document = core_services.resolve_document(actor=actor, document=document)
    refuse_unless_allowed(OrgOperation.RENAME, org)
    name = clean_text(name, "Tên mới", max_length=max_length_of(Organisation, "name"), field="name")
    not_in_future(effective_date, "effective_date", "Ngày hiệu lực")
    if effective_date < org.valid_from:
        raise invalid("effective_date", "Ngày hiệu lực: trước ngày thành lập tổ chức.")
    if name == org.name:
        raise invalid("name", "Tên mới: trùng với tên hiện tại.")
    last = (
        OrgEvent.objects.filter(kind=OrgEventKind.RENAME, inputs=org)
        .order_by("-effective_date")
        .values_list("effective_date", flat=True)
        .first()
    )
    if last is not None and effective_date <= last:
        raise invalid(
            "effective_date",
            f"Ngày hiệu lực: phải sau lần đổi tên gần nhất ({fmt(last)}); tên ghi theo thứ tự thời gian.",
        )
    before = audit.snapshot(org, _SNAPSHOT)
    old = org.name
    org.name = name
    org.save(update_fields=["name"])
    event = OrgEvent.objects.create(
        kind=OrgEventKind.RENAME,
        effective_date=effective_date,
        document=document,
        data={"old_name": old, "new_name": name},
    )
    event.inputs.add(org)
    event.outputs.add(org)
    audit.record(
        actor=actor,
        action=OrgAudit.RENAMED,
        obj=org,
        summary=f"Đổi tên “{old}” thành “{name}”",
        before=before,
        after=audit.snapshot(org, _SNAPSHOT),
    )
    return org


def _move_subtree(org: Organisation, new_parent: Organisation | None) -> None:
    old_path = org.path
    new_prefix = new_parent.path if new_parent else ""
    new_path = f"{new_prefix}{org.pk}."
    delta = (new_parent.depth + 1 if new_parent else 0) - org.depth
    Organisation.objects.filter(org.subtree_q()).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + delta,
    )
    org.refresh_from_db(fields=["path", "depth", "parent"])


def _close_link(org: Organisation, last_day: date) -> None:
    link = OrgLink.objects.filter(child=org, valid_to__isnull=True).first()
    if link is None:
        return
    if last_day < link.valid_from:
        raise invalid(
            "effective_date",
            f"Ngày hiệu lực: phải sau ngày bắt đầu trực thuộc hiện tại ({fmt(link.valid_from)}).",
        )
    link.valid_to = last_day
    link.save(update_fields=["valid_to"])


@transaction.atomic
def reparent_org(
    *,
    actor: Actor,
    org: Organisation,
    new_parent: Organisation,
    effective_date: date,
    document: core_services.Document = None,
) -> Organisation:
    document = core_services.resolve_document(actor=actor, document=document)
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    refuse_unless_allowed(OrgOperation.REPARENT, org)
    if new_parent is None:
        raise invalid("new_parent", "Tổ chức cấp trên mới: bắt buộc.")
    new_parent.refresh_from_db()
    if new_parent.pk == org.pk or (
        new_parent.path >= org.path and new_parent.path < org.subtree_upper
    ):
        raise invalid(
            "new_parent",
            "Tổ chức cấp trên mới: không thể chuyển một tổ chức vào chính nó hoặc tổ chức cấp "
            "dưới của nó (tạo vòng lặp).",
        )
    if org.parent_id == new_parent.pk:
        raise invalid("new_parent", "Tổ chức cấp trên mới: trùng với cấp trên hiện tại.")
    not_in_future(effective_date, "effective_date", "Ngày hiệu lực")
    if org.valid_to is not None:
        raise invalid("org", f"{org.name} đã kết thúc hoạt động ngày {fmt(org.valid_to)}.")
    if not org.is_active(effective_date):
        raise invalid("effective_date", "Ngày hiệu lực: tổ chức không hoạt động vào ngày này.")
    _check_parent(org.kind, new_parent, effective_date, field="new_parent")
    before = audit.snapshot(org, _SNAPSHOT)
    old_parent = org.parent
    _close_link(org, effective_date - timedelta(days=1))
    OrgLink.objects.create(
        child=org, parent=new_parent, valid_from=effective_date, document=document
    )
    Organisation.objects.filter(pk=org.pk).update(parent=new_parent)
    org.parent = new_parent
    _move_subtree(org, new_parent)
    event = OrgEvent.objects.create(
        kind=OrgEventKind.REPARENT,
        effective_date=effective_date,
        document=document,
        data={
            "old_parent": old_parent.code if old_parent else None,
            "new_parent": new_parent.code,
        },
    )
    event.inputs.add(org)
    event.outputs.add(org)
    audit.record(
        actor=actor,
        action=OrgAudit.REPARENTED,
        obj=org,
        summary=f"Chuyển {org.name} từ {old_parent} sang trực thuộc {new_parent.name}",
        before=before,
        after=audit.snapshot(org, _SNAPSHOT),
    )
    return org


@transaction.atomic
def create_body(
    *,
    actor: Actor,
    org: Organisation,
    body_type: str,
    term_start_year: int,
    term_end_year: int,
    valid_from: date,
    formed_by: str = "elected",
    document: core_services.Document = None,
) -> CommitteeBody:
    document = core_services.resolve_document(actor=actor, document=document)
    refuse_unless_allowed(OrgOperation.CREATE_BODY, org)
    if body_type not in BodyType.values:
        raise invalid("body_type", "Loại cơ quan: không hợp lệ.")
    if body_type == BodyType.CELL and org.kind not in (OrgKind.GRASSROOTS_CELL, OrgKind.SUB_CELL):
        raise invalid("body_type", "Chi ủy chỉ lập ở chi bộ.")
    if not (1930 <= term_start_year < term_end_year <= term_start_year + 10):
        raise invalid(
            "term_end_year", "Nhiệm kỳ: năm kết thúc phải sau năm bắt đầu (tối đa 10 năm)."
        )
    if formed_by not in FormedBy.values:
        raise invalid("formed_by", "Hình thức: chọn bầu hoặc chỉ định.")
    if valid_from is None:
        raise invalid("valid_from", "Ngày bắt đầu: bắt buộc.")
    not_in_future(valid_from, "valid_from", "Ngày bắt đầu")
    org.refresh_from_db(fields=["valid_from", "valid_to"])
    if not org.is_active(valid_from) or org.valid_to is not None:
        raise invalid("valid_from", f"Ngày bắt đầu: {org.name} không hoạt động vào ngày này.")
    if CommitteeBody.objects.filter(
        org=org, body_type=body_type, term_start_year=term_start_year
    ).exists():
        raise invalid("term_start_year", "Nhiệm kỳ: cơ quan này đã có cho nhiệm kỳ đó.")
    body = CommitteeBody.objects.create(
        org=org,
        body_type=body_type,
        term_start_year=term_start_year,
        term_end_year=term_end_year,
        formed_by=formed_by,
        valid_from=valid_from,
        document=document,
    )
    audit.record(actor=actor, action=OrgAudit.BODY_CREATED, obj=body, summary=str(body))
    return body


@transaction.atomic
def end_position(*, actor: Actor, position: Position, valid_to: date) -> Position:
    position = Position.objects.select_for_update().select_related("member").get(pk=position.pk)
    if position.valid_to is not None:
        raise invalid("valid_to", "Chức vụ này đã kết thúc.")
    not_in_future(valid_to, "valid_to", "Ngày thôi giữ chức vụ")
    if valid_to < position.valid_from:
        raise invalid("valid_to", "Ngày thôi giữ chức vụ: trước ngày nhận chức vụ.")
    position.valid_to = valid_to
    position.save(update_fields=["valid_to"])
    audit.record(
        actor=actor,
        action=OrgAudit.POSITION_ENDED,
        obj=position,
        summary=f"{position.member} thôi {position.get_title_display()} ngày {fmt(valid_to)}",
    )
    return position


# ---- partner bodies (issue 14) ----------------------------------------------------------
# A partner (People's Committee, Front, mass organisation…) is reached through the Party
# organisation that leads it; the lead is effective-dated like ``OrgLink``: changing it
# closes the open ``PartnerLead`` the day before and opens the next one.

_PARTNER_SNAPSHOT = ["code", "name", "kind", "parent", "valid_from", "valid_to"]


def _partner_lead_org(org: Organisation | None, on: date, field: str = "lead_org") -> Organisation:
    """The leading Party organisation must exist and be active on ``on``."""
    if org is None:
        raise invalid(field, "Tổ chức đảng lãnh đạo: bắt buộc.")
    org.refresh_from_db(fields=["valid_from", "valid_to", "name"])
    if not org.is_active(on):
        raise invalid(
            field, f"Tổ chức đảng lãnh đạo: {org.name} không hoạt động vào ngày {fmt(on)}."
        )
    return org


def _partner_parent(partner: PartnerBody | None, parent: PartnerBody | None) -> None:
    """A partner cannot sit under itself, directly or through its own subordinates."""
    if parent is None:
        return
    seen: set[int] = set()
    node: PartnerBody | None = parent
    while node is not None and node.pk not in seen:
        if partner is not None and node.pk == partner.pk:
            raise invalid(
                "parent",
                "Trực thuộc: một cơ quan không thể trực thuộc chính nó hoặc cơ quan cấp dưới "
                "của nó.",
            )
        seen.add(node.pk)
        node = node.parent


def _partner_text(name: str, errors: dict) -> str:
    try:
        return clean_text(
            name, label_of(PartnerBody, "name"), max_length=max_length_of(PartnerBody, "name")
        )
    except ValidationError as exc:
        errors["name"] = exc.messages[0]
        return ""


def _open_lead(partner: PartnerBody) -> PartnerLead | None:
    return (
        PartnerLead.objects.select_for_update()
        .select_related("org")
        .filter(partner=partner, valid_to__isnull=True)
        .first()
    )


@transaction.atomic
def create_partner(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    lead_org: Organisation | None,
    valid_from: date | None,
    parent: PartnerBody | None = None,
    admin_unit=None,
    document: core_services.Document = None,
) -> PartnerBody:
    """A new partner body and the Party organisation leading it from ``valid_from``."""
    document = core_services.resolve_document(actor=actor, document=document)
    errors: dict[str, str] = {}
    code = (code or "").strip().lower()
    code_label = label_of(PartnerBody, "code")
    if not valid_code(code):
        errors["code"] = f"{code_label}: {code_problem()}."
    elif PartnerBody.objects.filter(code=code).exists():
        errors["code"] = f"{code_label}: đã có cơ quan mang mã “{code}”."
    name = _partner_text(name, errors)
    if kind not in PartnerKind.values:
        errors["kind"] = "Loại cơ quan: không hợp lệ."
    if valid_from is None:
        errors["valid_from"] = "Ngày thành lập: bắt buộc."
    collect(errors)
    assert valid_from is not None
    not_in_future(valid_from, "valid_from", "Ngày thành lập")
    lead_org = _partner_lead_org(lead_org, valid_from)
    if parent is not None and not parent.is_active(valid_from):
        raise invalid(
            "parent", f"Trực thuộc: {parent.name} không hoạt động vào ngày {fmt(valid_from)}."
        )
    partner = PartnerBody.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        admin_unit=admin_unit,
        valid_from=valid_from,
    )
    PartnerLead.objects.create(
        partner=partner, org=lead_org, valid_from=valid_from, document=document
    )
    audit.record(
        actor=actor,
        action=OrgAudit.PARTNER_CREATED,
        obj=partner,
        summary=f"Thêm {partner.name}, do {lead_org.name} lãnh đạo từ {fmt(valid_from)}",
        after=audit.snapshot(partner, _PARTNER_SNAPSHOT),
        scope_org=lead_org,
    )
    return partner


_KEEP = object()  # "leave as it is" for the optional arguments of edit_partner


@transaction.atomic
def edit_partner(
    *,
    actor: Actor,
    partner: PartnerBody,
    name: str | None = None,
    kind: str | None = None,
    parent=_KEEP,
) -> PartnerBody:
    """Correct a partner's name, kind or superior body (not effective-dated: a record fix)."""
    partner = PartnerBody.objects.select_for_update().get(pk=partner.pk)
    before = audit.snapshot(partner, _PARTNER_SNAPSHOT)
    errors: dict[str, str] = {}
    if name is not None:
        partner.name = _partner_text(name, errors)
    if kind is not None and kind not in PartnerKind.values:
        errors["kind"] = "Loại cơ quan: không hợp lệ."
    collect(errors)
    if kind is not None:
        partner.kind = kind
    if parent is not _KEEP:
        _partner_parent(partner, parent)
        partner.parent = parent
    after = audit.snapshot(partner, _PARTNER_SNAPSHOT)
    if after == before:
        return partner
    partner.save(update_fields=["name", "kind", "parent"])
    lead = PartnerLead.objects.filter(partner=partner).order_by("-valid_from").first()
    audit.record(
        actor=actor,
        action=OrgAudit.PARTNER_CHANGED,
        obj=partner,
        summary=f"Sửa {partner.name}",
        before=before,
        after=after,
        scope_org=lead.org if lead else None,
    )
    return partner


@transaction.atomic
def set_partner_lead(
    *,
    actor: Actor,
    partner: PartnerBody,
    org: Organisation | None,
    valid_from: date | None,
    document: core_services.Document = None,
) -> PartnerLead:
    """From ``valid_from`` the partner is led by ``org``: the open lead ends the day before."""
    document = core_services.resolve_document(actor=actor, document=document)
    partner = PartnerBody.objects.select_for_update().get(pk=partner.pk)
    if valid_from is None:
        raise invalid("valid_from", "Từ ngày: bắt buộc.")
    not_in_future(valid_from, "valid_from", "Từ ngày")
    if partner.valid_to is not None:
        raise invalid("valid_from", f"{partner.name} đã kết thúc ngày {fmt(partner.valid_to)}.")
    if valid_from < partner.valid_from:
        raise invalid(
            "valid_from", f"Từ ngày: trước ngày thành lập cơ quan ({fmt(partner.valid_from)})."
        )
    org = _partner_lead_org(org, valid_from, "org")
    current = _open_lead(partner)
    if current is not None:
        if current.org_id == org.pk:
            raise invalid("org", f"Tổ chức đảng lãnh đạo: {org.name} đang lãnh đạo cơ quan này.")
        if valid_from <= current.valid_from:
            raise invalid(
                "valid_from",
                f"Từ ngày: phải sau ngày bắt đầu lãnh đạo hiện tại ({fmt(current.valid_from)}).",
            )
        current.valid_to = valid_from - timedelta(days=1)
        current.save(update_fields=["valid_to"])
    lead = PartnerLead.objects.create(
        partner=partner, org=org, valid_from=valid_from, document=document
    )
    audit.record(
        actor=actor,
        action=OrgAudit.PARTNER_LEAD,
        obj=partner,
        summary=(
            f"{partner.name}: do {org.name} lãnh đạo từ {fmt(valid_from)}"
            + (f" (trước đó: {current.org.name})" if current is not None else "")
        ),
        before={"lead": current.org.code if current is not None else None},
        after={"lead": org.code, "valid_from": valid_from.isoformat()},
        scope_org=org,
    )
    return lead


@transaction.atomic
def end_partner(*, actor: Actor, partner: PartnerBody, valid_to: date | None) -> PartnerBody:
    """The partner ends on ``valid_to`` (inclusive); so does the lead over it."""
    partner = PartnerBody.objects.select_for_update().get(pk=partner.pk)
    if valid_to is None:
        raise invalid("valid_to", "Ngày kết thúc: bắt buộc.")
    if partner.valid_to is not None:
        raise invalid("valid_to", f"{partner.name} đã kết thúc ngày {fmt(partner.valid_to)}.")
    not_in_future(valid_to, "valid_to", "Ngày kết thúc")
    if valid_to < partner.valid_from:
        raise invalid(
            "valid_to", f"Ngày kết thúc: trước ngày thành lập ({fmt(partner.valid_from)})."
        )
    current = _open_lead(partner)
    if current is not None:
        if valid_to < current.valid_from:
            raise invalid(
                "valid_to",
                f"Ngày kết thúc: trước ngày bắt đầu lãnh đạo hiện tại ({fmt(current.valid_from)}).",
            )
        current.valid_to = valid_to
        current.save(update_fields=["valid_to"])
    before = audit.snapshot(partner, _PARTNER_SNAPSHOT)
    partner.valid_to = valid_to
    partner.save(update_fields=["valid_to"])
    audit.record(
        actor=actor,
        action=OrgAudit.PARTNER_ENDED,
        obj=partner,
        summary=f"{partner.name} kết thúc ngày {fmt(valid_to)}",
        before=before,
        after=audit.snapshot(partner, _PARTNER_SNAPSHOT),
        scope_org=current.org if current is not None else None,
    )
    return partner


@transaction.atomic
def update_partner(
    *,
    actor: Actor,
    partner: PartnerBody,
    name: str,
    kind: str,
    parent: PartnerBody | None,
    lead_org: Organisation | None = None,
    lead_from: date | None = None,
    valid_to: date | None = None,
) -> PartnerBody:
    """The edit page's one operation: correct the record, then (when given) change the lead
    from a date and end the partner; all of it or nothing."""
    partner = edit_partner(actor=actor, partner=partner, name=name, kind=kind, parent=parent)
    if lead_org is not None or lead_from is not None:
        try:
            set_partner_lead(actor=actor, partner=partner, org=lead_org, valid_from=lead_from)
        except ValidationError as exc:  # named as the edit page names its fields
            names = {"org": "lead_org", "valid_from": "lead_from"}
            raise ValidationError(
                {names.get(k, k): v for k, v in messages_of(exc).items()}
            ) from exc
    if valid_to is not None:
        end_partner(actor=actor, partner=partner, valid_to=valid_to)
    partner.refresh_from_db()
    return partner
