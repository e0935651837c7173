"""Write the demo world "Tam Dương, 2016" into the database — the documented bulk path.

Why not the services? ``admit_member`` and friends lock, validate, append an event and an
audit entry per call; for ~5,800 members with ~16,000 events that is minutes, and the audit
log would drown in demo noise. So the loader:

1. builds the world in memory (``tamduong.build``), where every member is validated with
   the pure rule functions of ``members.rules`` (admission age, probation, badges) and every
   cell with structural rules 1–3 — a violation raises ``DemoDataError``;
2. in ONE transaction, ``bulk_create``s (``batch_size=BATCH``) organisations level by level
   (a level's ids give the next level its ``path`` = parent path + ``"{id}."`` and
   ``depth``), their ``OrgLink`` and ``OrgEvent`` rows, then ``Member`` (with
   ``search_name``/``sort_key`` derived as the services do), ``Membership``,
   ``MemberEvent`` (``status_after`` as the services would have set it), ``Exemption``,
   ``BadgeAward``, ``CommitteeBody`` and ``Position``;
3. creates the demo users and their role grants, then the documents, partner bodies,
   programs with their progress reports, indicator values 2015–2016 and the new-rural
   assessments and recognitions (``demo.programs``, ``demo.indicators``: bulk too);
4. writes ONE audit entry, ``demo.loaded``, for the whole load.

Idempotent: if the organisation ``tam-duong`` exists, nothing is changed.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from dangbo.core import audit
from dangbo.core.choices import Role
from dangbo.core.db import refresh_statistics
from dangbo.core.models import RoleGrant
from dangbo.core.text import fold, name_parts, name_sort_key
from dangbo.members.choices import MembershipKind
from dangbo.members.models import BadgeAward, Exemption, Member, MemberEvent, Membership
from dangbo.orgs.choices import OrgEventKind
from dangbo.orgs.models import CommitteeBody, Organisation, OrgEvent, OrgLink, Position

from . import indicators, oversight, portal, programs, reports, reviews
from .choices import DemoAudit
from .tamduong import AS_OF, World, build, first_village_code

BATCH = 1000
DEMO_PASSWORD = "tamduong2016"  # noqa: S105 - published on purpose: demo logins
DISTRICT_CODE = "tam-duong"
AUDIT_OBJECT_ID = "tam-duong-2016"
GRANTS_FROM = date(2016, 1, 1)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    org_code: str  # "@first-village" is resolved to the first village cell of Kim Long
    can_view_sensitive: bool
    display_name: str


DEMO_USER_SPECS = (
    DemoUser("quantri", Role.ADMIN, "vinh-phuc", True, "Quản trị hệ thống"),
    DemoUser("tochuc", Role.ORG_STAFF, DISTRICT_CODE, True, "Ban Tổ chức Huyện ủy"),
    DemoUser("uyvien", Role.COMMITTEE_MEMBER, DISTRICT_CODE, False, "Huyện ủy viên"),
    DemoUser("thuongvu", Role.COMMITTEE_MEMBER, DISTRICT_CODE, False, "Ủy viên Ban Thường vụ"),
    DemoUser("xakimlong", Role.ORG_STAFF, "kim-long", False, "Văn phòng Đảng ủy xã Kim Long"),
    DemoUser("bithu", Role.CELL_SECRETARY, "@first-village", False, "Bí thư chi bộ"),
    DemoUser("dangvien", Role.MEMBER, "@first-village", False, "Đảng viên"),
    DemoUser("kiemtra", Role.AUDITOR, DISTRICT_CODE, False, "Ủy ban Kiểm tra Huyện ủy"),
)


def demo_users() -> list[tuple[str, str, str]]:
    """(username, role label, scope) for printing; the scope is read from the database."""
    rows = []
    for spec in DEMO_USER_SPECS:
        grant = (
            RoleGrant.objects.filter(user__username=spec.username, role=spec.role)
            .select_related("org")
            .first()
        )
        scope = grant.org.name if grant and grant.org else "—"
        rows.append((spec.username, str(Role(spec.role).label), scope))
    return rows


def is_loaded() -> bool:
    return Organisation.objects.filter(code=DISTRICT_CODE).exists()


def load(*, seed: int | None = None) -> bool:
    """Load the demo world once; True if it was loaded now, False if it was already there."""
    if is_loaded():
        return False
    world = build() if seed is None else build(seed)
    with transaction.atomic():
        if is_loaded():  # a concurrent loader won the race
            return False
        _write(world)
    return True


def _write(world: World) -> None:
    org_ids = _write_orgs(world)
    member_ids = _write_members(world, org_ids)
    counts = _write_committees(world, org_ids, member_ids)
    year = oversight.write(world.seed)
    year["reviews"] = reviews.write(world.seed)
    _write_users(world, org_ids, member_ids)
    # Programs and indicators after the users: their reports name who entered them.
    year["programs"] = programs.write(world.seed)
    year["indicators"] = indicators.write(world.seed)
    # Last: the issued 2016 report counts everything above (with the planner told how much).
    refresh_statistics()
    year["reports"] = reports.write(world.seed)
    # The portal's first post is that report, published as an article.
    year["portal"] = portal.write(world.seed)
    active = sum(1 for m in world.members if m.active)
    audit.record(
        actor=None,
        action=DemoAudit.LOADED,
        object_type="demo",
        object_id=AUDIT_OBJECT_ID,
        summary=(
            f"Nạp dữ liệu mẫu Đảng bộ huyện Tam Dương (31/12/2016): {len(org_ids)} tổ chức, "
            f"{len(world.members)} hồ sơ đảng viên ({active} đang sinh hoạt), "
            f"{counts['bodies']} cơ quan lãnh đạo, {counts['positions']} chức vụ; năm 2016: "
            f"{year['meetings']} buổi sinh hoạt chi bộ, {year['visits']} lượt dự sinh hoạt, "
            f"{year['opinions']} ý kiến; {year['programs']['programs']} chương trình, kế hoạch "
            f"({year['programs']['tasks']} nhiệm vụ), {year['indicators']['observations']} số "
            f"liệu chỉ tiêu 2015–2016, {year['indicators']['ntm_recognitions']} lượt công nhận "
            "xã đạt chuẩn nông thôn mới"
        ),
        after={
            "organisations": len(org_ids),
            "members": len(world.members),
            "active_members": active,
            "as_of": AS_OF.isoformat(),
            "year_2016": year,
        },
    )


def _write_orgs(world: World) -> dict[str, int]:
    """Organisations level by level: each level's ids give the next its path and depth."""
    existing = {o.code: o for o in Organisation.objects.filter(code__in=list(world.orgs))}
    by_code: dict[str, Organisation] = dict(existing)
    created: list[Organisation] = []
    pending = [plan for plan in world.orgs.values() if plan.code not in existing]
    while pending:
        level = [p for p in pending if p.parent is None or p.parent in by_code]
        if not level:
            raise RuntimeError("organisation plan has a cycle or a missing parent")
        rows = []
        for plan in level:
            parent = by_code.get(plan.parent) if plan.parent else None
            rows.append(
                Organisation(
                    code=plan.code,
                    name=plan.name,
                    kind=plan.kind,
                    sector=plan.sector,
                    parent=parent,
                    valid_from=plan.founded,
                    depth=parent.depth + 1 if parent else 0,
                    path="",
                    has_seal=plan.kind not in ("sub_cell", "party_group"),
                )
            )
        Organisation.objects.bulk_create(rows, batch_size=BATCH)
        for row in rows:
            row.path = f"{row.parent.path if row.parent else ''}{row.pk}."
            by_code[row.code] = row
        Organisation.objects.bulk_update(rows, ["path"], batch_size=BATCH)
        created.extend(rows)
        done = {p.code for p in level}
        pending = [p for p in pending if p.code not in done]
    OrgLink.objects.bulk_create(
        [
            OrgLink(
                child=org,
                parent=by_code[world.orgs[org.code].parent],
                valid_from=world.orgs[org.code].link_from,
            )
            for org in created
            if org.parent_id
        ],
        batch_size=BATCH,
    )
    events = OrgEvent.objects.bulk_create(
        [OrgEvent(kind=OrgEventKind.ESTABLISH, effective_date=org.valid_from) for org in created],
        batch_size=BATCH,
    )
    through = OrgEvent.outputs.through
    through.objects.bulk_create(
        [
            through(orgevent_id=event.pk, organisation_id=org.pk)
            for event, org in zip(events, created, strict=True)
        ],
        batch_size=BATCH,
    )
    return {code: org.pk for code, org in by_code.items()}


_EVENT_ORDER = {"admitted": 0, "transferred_in": 1, "recognised": 2, "transferred": 3}


def _write_members(world: World, org_ids: dict[str, int]) -> dict[int, int]:
    rows = []
    for m in world.members:
        fields = dict(m.profile)
        rows.append(
            Member(
                full_name=m.full_name,
                gender=m.gender,
                date_of_birth=m.date_of_birth,
                admission_vote_date=m.vote,
                admission_decision_date=m.decision,
                admission_ceremony_date=m.ceremony,
                admission_org_id=org_ids[m.admission_org] if m.admission_org else None,
                official_recognition_date=m.recognition,
                status=m.status,
                exit_date=m.exit_date,
                org_id=org_ids[m.org],
                search_name=fold(m.full_name),
                sort_key=name_sort_key(m.full_name),
                **dict(
                    zip(
                        ("given_name", "family_name", "middle_name"),
                        name_parts(m.full_name),
                        strict=True,
                    )
                ),
                **fields,
            )
        )
    Member.objects.bulk_create(rows, batch_size=BATCH)
    ids = {m.index: row.pk for m, row in zip(world.members, rows, strict=True)}
    Membership.objects.bulk_create(
        [
            Membership(
                member_id=ids[m.index],
                org_id=org_ids[code],
                kind=MembershipKind.OFFICIAL,
                valid_from=start,
                valid_to=end,
            )
            for m in world.members
            for code, start, end in m.memberships
        ],
        batch_size=BATCH,
    )
    events = []
    for m in world.members:
        ordered = sorted(m.events, key=lambda e: (e["date"], _EVENT_ORDER.get(e["kind"], 9)))
        for e in ordered:
            events.append(
                MemberEvent(
                    member_id=ids[m.index],
                    kind=e["kind"],
                    effective_date=e["date"],
                    from_org_id=org_ids[e["from"]] if e.get("from") else None,
                    to_org_id=org_ids[e["to"]] if e.get("to") else None,
                    status_after=e["status"],
                    decision_ref=e.get("ref", ""),
                    data=e.get("data", {}),
                )
            )
    MemberEvent.objects.bulk_create(events, batch_size=BATCH)
    Exemption.objects.bulk_create(
        [
            Exemption(
                member_id=ids[m.index],
                category=category,
                valid_from=start,
                valid_to=end,
                resolution_ref=ref,
            )
            for m in world.members
            for category, start, end, ref in m.exemptions
        ],
        batch_size=BATCH,
    )
    BadgeAward.objects.bulk_create(
        [
            BadgeAward(member_id=ids[m.index], milestone=milestone, award_date=award)
            for m in world.members
            for milestone, award in m.badges
        ],
        batch_size=BATCH,
    )
    return ids


def _write_committees(
    world: World, org_ids: dict[str, int], member_ids: dict[int, int]
) -> dict[str, int]:
    bodies = [
        CommitteeBody(
            org_id=org_ids[b.org],
            body_type=b.body_type,
            term_start_year=b.term[0],
            term_end_year=b.term[1],
            formed_by="elected",
            valid_from=b.valid_from,
        )
        for b in world.bodies
    ]
    CommitteeBody.objects.bulk_create(bodies, batch_size=BATCH)
    positions = [
        Position(
            member_id=member_ids[idx],
            org_id=org_ids[plan.org],
            body_id=body.pk,
            title=title,
            method=method,
            valid_from=since,
        )
        for plan, body in zip(world.bodies, bodies, strict=True)
        for idx, title, since, method in plan.positions
    ]
    positions += [
        Position(
            member_id=member_ids[idx],
            org_id=org_ids[code],
            title=title,
            method=method,
            valid_from=since,
        )
        for code, idx, title, since, method in world.loose_positions
    ]
    Position.objects.bulk_create(positions, batch_size=BATCH)
    return {"bodies": len(bodies), "positions": len(positions)}


def _write_users(world: World, org_ids: dict[str, int], member_ids: dict[int, int]) -> None:
    """The six demo logins, one password hashed once (hashing is the slow part)."""
    user_model = get_user_model()
    password = make_password(DEMO_PASSWORD)
    village = first_village_code(world)
    for spec in DEMO_USER_SPECS:
        org_code = village if spec.org_code == "@first-village" else spec.org_code
        user, created = user_model.objects.get_or_create(
            username=spec.username,
            defaults={"password": password, "first_name": spec.display_name},
        )
        RoleGrant.objects.create(
            user=user,
            role=spec.role,
            org_id=org_ids[org_code],
            can_view_sensitive=spec.can_view_sensitive,
            valid_from=GRANTS_FROM,
        )
        index = world.users.get(spec.username)
        member_pk = member_ids[index] if index is not None else None
        if spec.username == "thuongvu":
            member_pk = oversight.thuongvu_member()
        if member_pk is not None:
            Member.objects.filter(pk=member_pk).update(user=user)
            if created:
                name = Member.objects.values_list("full_name", flat=True).get(pk=member_pk)
                user_model.objects.filter(pk=user.pk).update(first_name=name[:150])
