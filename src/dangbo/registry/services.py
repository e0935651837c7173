"""Reorganisations that move members (dissolve, merge, split) and positions held by members:
workflows that need both the registry of organisations and the members, so they stand above
both apps. Same rules as every service: one transaction, keyword-only ``actor``, validation
first, an audit entry and an ``OrgEvent`` for the history.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from dangbo.core import audit
from dangbo.core import services as core_services
from dangbo.core.dates import fmt, not_in_future
from dangbo.core.errors import invalid, messages_of
from dangbo.core.types import Actor
from dangbo.members import services as member_services
from dangbo.members.choices import ACTIVE_STATUSES, MembershipKind
from dangbo.members.models import Member, Membership
from dangbo.orgs.choices import OrgEventKind, Title
from dangbo.orgs.models import CommitteeBody, Organisation, OrgEvent, OrgLink, Position
from dangbo.orgs.rules import OrgOperation, refuse_unless_allowed
from dangbo.orgs.services import (
    _SNAPSHOT,
    SINGLE_HOLDER_TITLES,
    create_org,
    reparent_org,
)

from .choices import RegistryAudit


def _active_members(org: Organisation):

    return Member.objects.filter(org=org, status__in=ACTIVE_STATUSES)


@transaction.atomic
def dissolve_org(
    *,
    actor: Actor,
    org: Organisation,
    effective_date: date,
    document: core_services.Document = None,
    successors: Iterable[Organisation] = (),
    kind: str = OrgEventKind.DISSOLVE,
) -> Organisation:
    """End an organisation on ``effective_date`` (its last day). It must be empty by then."""
    document = core_services.resolve_document(actor=actor, document=document)
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    refuse_unless_allowed(OrgOperation.DISSOLVE, org)
    if org.valid_to is not None:
        raise invalid("org", f"{org.name} đã kết thúc hoạt động ngày {fmt(org.valid_to)}.")
    not_in_future(effective_date, "effective_date", "Ngày kết thúc")
    if effective_date < org.valid_from:
        raise invalid("effective_date", "Ngày kết thúc: trước ngày thành lập.")
    if Organisation.objects.filter(parent=org, valid_to__isnull=True).exists():
        raise invalid(
            "org", f"{org.name} còn tổ chức trực thuộc đang hoạt động: chuyển hoặc giải thể trước."
        )
    remaining = _active_members(org).count()
    if remaining:
        raise invalid(
            "org", f"{org.name} còn {remaining} đảng viên đang sinh hoạt: chuyển sinh hoạt trước."
        )

    later = Q(valid_to__isnull=True) | Q(valid_to__gt=effective_date)
    if (
        Membership.objects.filter(later, org=org, kind=MembershipKind.OFFICIAL).exists()
        or OrgLink.objects.filter(later, parent=org).exists()
    ):
        raise invalid(
            "effective_date",
            f"Ngày kết thúc: {org.name} còn đảng viên hoặc tổ chức trực thuộc sau ngày "
            f"{fmt(effective_date)}.",
        )
    hosted = Membership.objects.filter(
        org=org, kind=MembershipKind.TEMPORARY, valid_to__isnull=True
    ).count()
    if hosted:
        raise invalid(
            "org", f"{org.name} còn {hosted} đảng viên sinh hoạt tạm thời: kết thúc trước."
        )
    started_later = (
        Position.objects.filter(
            org=org, valid_to__isnull=True, valid_from__gt=effective_date
        ).exists()
        or CommitteeBody.objects.filter(
            org=org, valid_to__isnull=True, valid_from__gt=effective_date
        ).exists()
    )
    if started_later:
        raise invalid(
            "effective_date",
            f"Ngày kết thúc: {org.name} có cơ quan hoặc chức vụ bắt đầu sau ngày {fmt(effective_date)}.",
        )
    before = audit.snapshot(org, _SNAPSHOT)
    org.valid_to = effective_date
    org.save(update_fields=["valid_to"])
    # The organisation's committees and the posts in them end with it.
    Position.objects.filter(org=org, valid_to__isnull=True).update(valid_to=effective_date)
    CommitteeBody.objects.filter(org=org, valid_to__isnull=True).update(valid_to=effective_date)
    OrgLink.objects.filter(child=org, valid_to__isnull=True).update(valid_to=effective_date)
    event = OrgEvent.objects.create(kind=kind, effective_date=effective_date, document=document)
    event.inputs.add(org)
    successors = list(successors)
    if successors:
        event.outputs.add(*successors)
    audit.record(
        actor=actor,
        action=RegistryAudit.DISSOLVED,
        obj=org,
        summary=f"{org.name} kết thúc hoạt động ngày {fmt(effective_date)}",
        before=before,
        after=audit.snapshot(org, _SNAPSHOT),
    )
    return org


def _merge_into(actor: Actor, sources, target, effective_date, last_day, document) -> None:

    for source in sources:
        for child in Organisation.objects.filter(parent=source, valid_to__isnull=True):
            reparent_org(
                actor=actor,
                org=child,
                new_parent=target,
                effective_date=effective_date,
                document=document,
            )
        for member in _active_members(source):
            member_services.transfer_member(
                actor=actor,
                member=member,
                to_org=target,
                effective_date=effective_date,
                note=f"Hợp nhất {source.name} vào {target.name}",
            )
        dissolve_org(
            actor=actor,
            org=source,
            effective_date=last_day,
            document=document,
            successors=[target],
            kind=OrgEventKind.MERGE,
        )


@transaction.atomic
def merge_orgs(
    *,
    actor: Actor,
    sources: list[Organisation],
    target: Organisation,
    effective_date: date,
    document: core_services.Document = None,
) -> OrgEvent:
    """Merge ``sources`` into ``target`` from ``effective_date``: their members and subordinate
    organisations move to the target, then the sources end the day before."""
    document = core_services.resolve_document(actor=actor, document=document)
    refuse_unless_allowed(OrgOperation.MERGE_INTO, target, "target")
    if not sources:
        raise invalid("sources", "Tổ chức được hợp nhất: chọn ít nhất một tổ chức.")
    if any(s.pk == target.pk for s in sources):
        raise invalid("target", "Tổ chức tiếp nhận: không được nằm trong danh sách hợp nhất.")
    not_in_future(effective_date, "effective_date", "Ngày hiệu lực")
    if not target.is_active(effective_date):
        raise invalid("target", "Tổ chức tiếp nhận: không hoạt động vào ngày hiệu lực.")
    last_day = effective_date - timedelta(days=1)
    try:
        _merge_into(actor, sources, target, effective_date, last_day, document)
    except ValidationError as exc:  # a move or transfer inside: say it about the merge
        raise invalid(
            "sources", " ".join(m for ms in messages_of(exc).values() for m in ms)
        ) from exc
    # Each source's end already wrote its MERGE event (source → target).
    event = OrgEvent.objects.filter(kind=OrgEventKind.MERGE, outputs=target).latest("id")
    audit.record(
        actor=actor,
        action=RegistryAudit.MERGED,
        obj=target,
        summary=f"Hợp nhất {', '.join(s.name for s in sources)} vào {target.name}",
    )
    return event


@transaction.atomic
def split_org(
    *,
    actor: Actor,
    source: Organisation,
    new_orgs: list[dict],
    allocation: dict[int, str],
    effective_date: date,
    document: core_services.Document = None,
    end_source: bool = True,
) -> list[Organisation]:
    """Split ``source`` into new organisations under the same parent; ``allocation`` maps
    member ids to the code of the new organisation they move to."""

    document = core_services.resolve_document(actor=actor, document=document)
    refuse_unless_allowed(OrgOperation.SPLIT, source, "source")
    if not new_orgs:
        raise invalid("new_orgs", "Tổ chức mới: cần ít nhất một tổ chức.")
    source_ids = set(_active_members(source).values_list("pk", flat=True))
    new_codes = {spec["code"] for spec in new_orgs}
    for member_id, wanted in allocation.items():
        if member_id not in source_ids:
            raise invalid(
                "allocation",
                f"Phân bổ đảng viên: đảng viên mã {member_id} không sinh hoạt tại {source.name}.",
            )
        if wanted not in new_codes:
            raise invalid("allocation", f"Phân bổ đảng viên: không có tổ chức mới mã “{wanted}”.")
    created = [
        create_org(
            actor=actor,
            parent=source.parent,
            valid_from=effective_date,
            document=document,
            **{k: spec[k] for k in ("code", "name", "kind", "sector")},
        )
        for spec in new_orgs
    ]
    by_code = {o.code: o for o in created}
    for member in _active_members(source).order_by("pk"):
        code = allocation.get(member.pk)
        if code is None:
            if end_source:
                raise invalid(
                    "allocation", f"Phân bổ đảng viên: chưa chọn tổ chức mới cho {member}."
                )
            continue
        member_services.transfer_member(
            actor=actor,
            member=member,
            to_org=by_code[code],
            effective_date=effective_date,
            note=f"Chia tách {source.name}",
        )
    if end_source:
        dissolve_org(
            actor=actor,
            org=source,
            effective_date=effective_date - timedelta(days=1),
            document=document,
            successors=created,
            kind=OrgEventKind.SPLIT,
        )
    else:
        event = OrgEvent.objects.create(
            kind=OrgEventKind.SPLIT, effective_date=effective_date, document=document
        )
        event.inputs.add(source)
        event.outputs.add(source, *created)
    return created


@transaction.atomic
def assign_position(
    *,
    actor: Actor,
    member,
    org: Organisation,
    title: str,
    valid_from: date,
    body: CommitteeBody | None = None,
    method: str = "elected",
    document: core_services.Document = None,
) -> Position:

    document = core_services.resolve_document(actor=actor, document=document)
    member = Member.objects.select_related("org").get(
        pk=member.pk
    )  # the caller's copy may be stale
    if title not in Title.values:
        raise invalid("title", "Chức vụ: không hợp lệ.")
    not_in_future(valid_from, "valid_from", "Ngày nhận chức vụ")
    if member.status not in ACTIVE_STATUSES:
        raise invalid("member", f"Đảng viên: {member.full_name} không còn trong danh sách.")
    if not (org.path <= member.org.path < org.subtree_upper):
        raise invalid(
            "member",
            f"Đảng viên: {member.full_name} không sinh hoạt trong {org.name} hoặc tổ chức trực thuộc.",
        )
    if org.valid_to is not None:
        raise invalid("org", f"{org.name} đã kết thúc hoạt động.")
    if body is not None and valid_from < body.valid_from:
        raise invalid("valid_from", f"Ngày nhận chức vụ: trước khi {body} bắt đầu.")
    if (
        title in SINGLE_HOLDER_TITLES
        and Position.objects.filter(org=org, title=title, valid_to__isnull=True).exists()
    ):
        raise invalid(
            "title",
            f"Chức vụ: {org.name} đang có người giữ chức {Title(title).label}; cho thôi trước.",
        )
    if body is not None and body.org_id != org.pk:
        raise invalid("body", "Cơ quan: không thuộc tổ chức này.")
    position = Position.objects.create(
        member=member,
        org=org,
        body=body,
        title=title,
        method=method,
        valid_from=valid_from,
        document=document,
    )
    audit.record(
        actor=actor,
        action=RegistryAudit.POSITION_ASSIGNED,
        obj=position,
        summary=f"{member} — {Title(title).label}, {org.name}, từ {fmt(valid_from)}",
    )
    return position
