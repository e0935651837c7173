"""The permission matrices' shared half: who holds what where (written out here, not read
from ``core.scope``, so that a widened role fails the matrices), and one world with an
object of every kind on each side of the scope line, built once per module.

In scope ("in"): Tam Dương (the cell kl-thon-1, the commune kim-long, the district).
Out of scope ("out"): Vĩnh Tường (vt-thon, vt-xa, vinh-tuong), seen only by the outsider
and root.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings

from dangbo.core.dates import today
from dangbo.core.models import ApiToken, AuditEntry, LegalDocument, RoleGrant, StoredFile
from dangbo.imports.models import ImportJob
from dangbo.indicators.models import (
    Indicator,
    NtmAssessment,
    NtmRecognition,
    Observation,
    Target,
)
from dangbo.meetings.models import Attendance, Meeting, Vote
from dangbo.members.models import Member, MemberEvent, Membership
from dangbo.orgs.models import (
    CommitteeBody,
    Organisation,
    OrgEvent,
    PartnerBody,
    PartnerLead,
    Position,
)
from dangbo.oversight.models import Opinion as OpinionRow
from dangbo.oversight.models import (
    OpinionStep,
    OversightAssignment,
    Visit,
    WorkingGroup,
)
from dangbo.portal.models import Article, ArticleImage, Comment, Image, Petition
from dangbo.privacy.models import Breach, ConsentRecord, DataRequest
from dangbo.programs.models import Program, ProgressReport, Task, TaskCoordinator
from dangbo.reports.models import IssuedReport, ReportPhrase, ReportRun
from dangbo.reviews.models import Evaluation, EvaluationStep, Remedy, RemedyGroup, ReviewCycle
from tests.conftest import ROLE_SCOPES, World, build_world
from tests.support import FAST_HASHERS, counts, executive_committee, seat

IN, OUT, ANYWHERE = "in", "out", "-"
ANONYMOUS = "anonymous"
ROLES = (
    "root",
    "admin",
    "staff",
    "committee",
    "secretary",
    "auditor",
    "sensitive_staff",
    "outsider",
    "member",
    "nobody",
)

VIEW, CHANGE, EXPORT, AUDIT = "view", "change", "export", "audit"
MEETINGS, OVERSEE, MANAGE_USERS = "meetings", "oversee", "manage_users"
ALL = frozenset({VIEW, CHANGE, EXPORT, AUDIT, MEETINGS, OVERSEE, MANAGE_USERS})
STAFF = frozenset({VIEW, CHANGE, EXPORT, MEETINGS, OVERSEE})
# What each role of ROLE_SCOPES may do on its organisation's subtree (ARCHITECTURE.md's
# table); the member grant reads its own record only, ``nobody`` holds nothing.
ROLE_PERMS = {
    "admin": ALL,
    "org_staff": STAFF,
    "committee_member": frozenset({VIEW, EXPORT, OVERSEE}),
    "cell_secretary": frozenset({VIEW, EXPORT, MEETINGS}),
    "auditor": frozenset({VIEW, EXPORT, AUDIT}),
}

# Every table a refused request must leave as it was (with the audit log).
WATCHED = (
    AuditEntry,
    RoleGrant,
    ApiToken,
    Organisation,
    OrgEvent,
    CommitteeBody,
    Position,
    Member,
    MemberEvent,
    Membership,
    Meeting,
    Attendance,
    Vote,
    OversightAssignment,
    WorkingGroup,
    Visit,
    OpinionRow,
    OpinionStep,
    ReviewCycle,
    Evaluation,
    EvaluationStep,
    RemedyGroup,
    Remedy,
    ImportJob,
    LegalDocument,
    StoredFile,
    PartnerBody,
    PartnerLead,
    Program,
    Task,
    TaskCoordinator,
    ProgressReport,
    Indicator,
    Target,
    Observation,
    NtmAssessment,
    NtmRecognition,
    IssuedReport,
    ReportRun,
    ReportPhrase,
    Article,
    ArticleImage,
    Image,
    Comment,
    Petition,
    ConsentRecord,
    DataRequest,
    Breach,
)


def written() -> dict[str, int]:
    """Row counts of every watched table, and the user table."""
    return {**counts(*WATCHED), "User": get_user_model().objects.count()}


# ---------------------------------------------------------------- who may what, where


# The world's tree (tests/conftest.py), child -> parent: the expectations are computed at
# collection time, before any database exists.
PARENT = {
    "vinh-phuc": "central",
    "tam-duong": "vinh-phuc",
    "kim-long": "tam-duong",
    "kl-thon-1": "kim-long",
    "kl-thon-2": "kim-long",
    "hop-hoa": "tam-duong",
    "hh-tdp-1": "hop-hoa",
    "cb-toa-an": "tam-duong",
    "vinh-tuong": "vinh-phuc",
    "vt-xa": "vinh-tuong",
    "vt-thon": "vt-xa",
}


def _within(code: str, top: str) -> bool:
    while code is not None:
        if code == top:
            return True
        code = PARENT.get(code)
    return False


def may(role: str, perm: str, *codes: str) -> bool:
    """Whether ``role`` may ``perm`` on any of the organisations ``codes``."""
    if role == "root":
        return True
    if role not in ROLE_SCOPES:
        return False
    kind, top, _sensitive = ROLE_SCOPES[role]
    return perm in ROLE_PERMS[kind] and any(_within(code, top) for code in codes)


def has_any(role: str, perm: str) -> bool:
    if role == "root":
        return True
    return role in ROLE_SCOPES and perm in ROLE_PERMS[ROLE_SCOPES[role][0]]


@dataclass
class Matrix:
    """The world, the objects on each side, and (for the API) a token per user."""

    world: World
    things: dict[str, dict[str, object]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session cookie

    client: Client = field(default_factory=Client)

    def client_as(self, role: str) -> Client:
        """The module's one test client, logged in as ``role`` with the session made once for
        the module (anonymous: no cookie). One client for all: each new one loads the
        middleware again, and WhiteNoise's scan of the static files would cost more than
        the request."""
        self.client.cookies.clear()
        if role != ANONYMOUS:
            self.client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return self.client

    def thing(self, kind: str, side: str):
        return self.things[kind][side]


# An expectation: (role, side) -> allowed?
Rule = Callable[[str, str], bool]


def on(perm: str, inside: tuple[str, ...] | str, outside: tuple[str, ...] | str) -> Rule:
    """Allowed where ``perm`` covers the side's organisation (any of them)."""
    codes = {
        IN: (inside,) if isinstance(inside, str) else inside,
        OUT: (outside,) if isinstance(outside, str) else outside,
    }
    return lambda role, side: may(role, perm, *codes[side])


def anywhere(perm: str) -> Rule:
    """A page without an object: allowed to whoever holds ``perm`` somewhere."""
    return lambda role, side: has_any(role, perm)


def anyone(role: str, side: str) -> bool:
    return True


def either(*rules: Rule) -> Rule:
    return lambda role, side: any(rule(role, side) for rule in rules)


def both(*rules: Rule) -> Rule:
    return lambda role, side: all(rule(role, side) for rule in rules)


def job_owner(role: str, side: str) -> bool:
    """An import job is its creator's ("staff" in scope, "outsider" out of scope), and root's."""
    return role == "root" or (role, side) in {("staff", IN), ("outsider", OUT)}


def run_owner(role: str, side: str) -> bool:
    """A background run of a report is followed by the one who asked for it only (not even
    root: ``reports.queries.run_of``): "staff" in scope, "outsider" out of scope."""
    return (role, side) in {("staff", IN), ("outsider", OUT)}


def own_record(role: str, side: str) -> bool:
    """The member grant reads huong's own record (the in-scope member)."""
    return role == "member" and side == IN


# ---------------------------------------------------------------- the objects

DAY = date(2024, 5, 10)


def upload() -> io.BytesIO:
    """A one-row members file, as an upload."""
    from tests.imports.files import MEMBER_HEADER, csv_bytes

    data = io.BytesIO(
        csv_bytes(
            [
                MEMBER_HEADER,
                [
                    "",
                    "Ngô Văn Mới",
                    "Nam",
                    "01/01/1990",
                    "kl-thon-2",
                    "87654321",
                    "01/02/2015",
                    "01/02/2016",
                    "",
                ],
            ]
        )
    )
    data.name = "dv.csv"
    return data


def build_things(w: World) -> dict[str, dict[str, object]]:
    """One object of each kind in Tam Dương (in) and in Vĩnh Tường (out), made by the
    services as the suites of each app make them."""
    from dangbo.imports import services as imports
    from dangbo.meetings import services as meetings
    from dangbo.oversight import services as oversight
    from dangbo.oversight.models import OpinionTopic
    from dangbo.reviews import services as reviews

    things: dict[str, dict[str, object]] = {}
    sides = {
        IN: {
            "cell": "kl-thon-1",
            "commune": "kim-long",
            "district": "tam-duong",
            "member": "huong",
            "overseer": "khanh",
            "user": "staff",
        },
        OUT: {
            "cell": "vt-thon",
            "commune": "vt-xa",
            "district": "vinh-tuong",
            "member": "tien",
            "overseer": "tien",
            "user": "outsider",
        },
    }
    topic = OpinionTopic.objects.order_by("pk").first()
    start = today() - timedelta(days=30)
    for side, s in sides.items():
        cell, commune, district = (w.org(s[k]) for k in ("cell", "commune", "district"))
        put = lambda kind, obj, side=side: things.setdefault(kind, {}).__setitem__(side, obj)  # noqa: E731
        body = executive_committee(w, s["district"])
        put("position", seat(w, s["overseer"], org=s["district"], body=body))
        put("org", cell)
        put("member", w.members[s["member"]])
        put("user", w.users[s["user"]])
        put("grant", RoleGrant.objects.get(user=w.users[s["user"]]))
        meeting = meetings.record_meeting(
            actor=None, org=cell, day=DAY, data={"kind": "regular"}, attendance={}
        )
        put("meeting", meeting)
        put(
            "assignment",
            oversight.assign_oversight(
                actor=None,
                member=w.members[s["overseer"]],
                committee=district,
                target=cell,
                valid_from=date(2016, 1, 1),
            ),
        )
        put(
            "group",
            oversight.create_working_group(
                actor=None,
                committee=district,
                name="Tổ công tác số 1",
                period_start=start,
                period_end=today() + timedelta(days=30),
                leader=w.members[s["overseer"]],
            ),
        )
        put(
            "visit",
            oversight.record_visit(
                actor=None,
                cell=cell,
                day=today() - timedelta(days=3),
                attendees=[w.members[s["overseer"]]],
                received_by=district,
            ),
        )
        opinion = oversight.record_opinion(
            actor=None,
            received_on=today() - timedelta(days=5),
            source="citizen",
            channel="staff",
            text="Đường liên thôn xuống cấp.",
            topic=topic,
            org=cell,
            received_by=district,
        )
        put(
            "opinion",
            oversight.assign_opinion(
                actor=None, opinion=opinion, to_org=commune, deadline=today() + timedelta(days=20)
            ),
        )
        cycle = reviews.open_cycle(
            actor=None,
            org=commune,
            year=2016,
            opens_on=today() - timedelta(days=10),
            closes_on=today() + timedelta(days=20),
        )
        put("cycle", cycle)
        put(
            "evaluation",
            reviews.self_assess(
                actor=None, cycle=cycle, level="dtc_htt", member=w.members[s["member"]]
            ),
        )
        group = reviews.add_remedy_group(
            actor=None,
            cycle=cycle,
            org=commune,
            title="Nâng cao chất lượng sinh hoạt",
            shortcomings=["Sinh hoạt còn hình thức"],
            remedies=[
                {"text": "Đổi mới nội dung", "owner": "Bí thư", "deadline": date(2017, 6, 30)}
            ],
        )
        put("remedy", group.remedies.get())
        put(
            "job",
            imports.create_job(
                actor=w.users[s["user"]], kind="members", source=upload(), original_name="dv.csv"
            ),
        )
    return things


PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
INDICATOR_CODE = "matrix-gia-tri-san-xuat"
NTM_YEAR = 2024  # a year with a criteria set in force (QĐ 318/QĐ-TTg)


def _pdf(name: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(PDF_BYTES), name


def build_direction_things(w: World, things: dict[str, dict[str, object]]) -> None:
    """Issue 14's objects on each side: a document issued by the district (with a file), a
    partner body it leads, its program with a task led by the commune (a report with
    evidence), the commune's NTM recognition; one indicator (not scoped: the same on both
    sides, read for the side's organisation)."""
    from dangbo.indicators import ntm
    from dangbo.indicators import services as indicators
    from dangbo.orgs import services as orgs
    from dangbo.programs import documents
    from dangbo.programs import services as programs

    indicator = indicators.define_indicator(
        actor=None, code=INDICATOR_CODE, name="Giá trị sản xuất (ma trận)", unit="tỷ đồng"
    )
    sides = {
        IN: ("tam-duong", "kim-long", "Huyện ủy Tam Dương", "td", 101),
        OUT: ("vinh-tuong", "vt-xa", "Huyện ủy Vĩnh Tường", "vt", 102),
    }
    for side, (district_code, commune_code, issuer, short, decision) in sides.items():
        district, commune = w.org(district_code), w.org(commune_code)
        put = lambda kind, obj, side=side: things.setdefault(kind, {}).__setitem__(side, obj)  # noqa: E731
        put("indicator", indicator)
        doc = documents.register(
            actor=None,
            number=f"12-CTr/HU-{short}",
            kind="CTR",
            issue_date=date(2016, 3, 1),
            issuer=issuer,
            title="Chương trình hành động thực hiện Kết luận 64",
            body=district,
            uploads=[_pdf("ctr.pdf")],
        )
        put("document", doc)
        put("document_file", doc.files.get())
        partner = orgs.create_partner(
            actor=None,
            code=f"matrix-hnd-{short}",
            name=f"Hội Nông dân huyện ({short})",
            kind="hoi_nong_dan",
            lead_org=district,
            valid_from=date(2016, 1, 1),
        )
        put("partner", partner)
        program = programs.create_program(
            actor=None,
            org=district,
            kind="action",
            title="Chương trình hành động (ma trận)",
            start=date(2016, 1, 1),
            end=date(2030, 12, 31),
            document=doc,
        )
        put("program", program)
        task = programs.add_task(
            actor=None,
            program=program,
            title="Cải cách thủ tục hành chính ở xã",
            lead_org=commune,
            start=date(2016, 1, 1),
            deadline=date(2030, 6, 30),
            coordinators=[partner],
        )
        put("task", task)
        report = programs.report_progress(
            actor=w.users[{IN: "staff", OUT: "outsider"}[side]],
            task=task,
            period_end=date(2016, 6, 30),
            status="in_progress",
            percent=40,
            text="Đã triển khai một cửa.",
            files=[_pdf("bien-ban.pdf")],
        )
        put("report", report)
        put("evidence", report.evidence.get())
        put(
            "recognition",
            ntm.recognise(
                actor=None,
                org=commune,
                document={
                    "number": f"{decision}/QĐ-UBND",
                    "issuer": "UBND tỉnh Vĩnh Phúc",
                    "date": date(NTM_YEAR, 3, 20),
                },
            ),
        )


# Issue 15: the report the matrices build, issue and run on each side (a kind that every
# organisation has and that builds fast on the small world).
REPORT_KIND = "thong-ke"
REPORT_YEAR = 2016


def build_report_things(w: World, things: dict[str, dict[str, object]]) -> None:
    """The district's report issued by its office (staff / outsider), with its files, and a
    background run of it by the same user, finished (run in place: the module's transaction
    never commits, so the queued task would never start)."""
    from dangbo.reports import prose
    from dangbo.reports import services as reports
    from dangbo.reports.kinds import Period

    prose.sync_defaults()  # migration data: gone after a transactional test's flush
    phrase = ReportPhrase.objects.order_by("pk").first()
    things["phrase"] = {IN: phrase, OUT: phrase, ANYWHERE: phrase}
    sides = {IN: ("tam-duong", "staff"), OUT: ("vinh-tuong", "outsider")}
    for side, (district, user) in sides.items():
        put = lambda kind, obj, side=side: things.setdefault(kind, {}).__setitem__(side, obj)  # noqa: E731
        actor, org, period = w.users[user], w.org(district), Period(REPORT_YEAR)
        built = reports.build(REPORT_KIND, org, period, viewer=actor)
        issued = reports.issue(built, actor=actor, number="15", issued_on=date(2017, 1, 5))
        put("issued", issued)
        put("issued_file", issued.files.order_by("pk").first())
        run = reports.run(reports.create_run(REPORT_KIND, org, period, "xlsx", actor=actor))
        assert run.result_id is not None, run.problem
        put("run", run)


# The portal's objects. Each side has one article of its district, written by its staff
# ("staff" / "outsider"), with a picture, published by another (four eyes: admin / root),
# a reader's comment under it, and a petition received by the district about its commune
# (sent while the portal was that district's). The portal itself is Tam Dương's.
PORTAL_ORG = "tam-duong"


def png() -> io.BytesIO:
    """A small picture, as an upload."""
    from PIL import Image as Picture

    data = io.BytesIO()
    Picture.new("RGB", (64, 48), (200, 30, 30)).save(data, "PNG")
    data.seek(0)
    data.name = "anh.png"
    return data


def build_portal_things(w: World, things: dict[str, dict[str, object]]) -> None:
    from dangbo.oversight.models import OpinionTopic
    from dangbo.portal import services as portal
    from dangbo.portal.models import Category

    category = Category.objects.get_or_create(slug="tin-tuc", defaults={"name": "Tin tức"})[0]
    topic = OpinionTopic.objects.filter(active=True).order_by("pk").first()
    sides = {
        IN: ("tam-duong", "kim-long", "staff", "admin", "Hội nghị sơ kết ở Tam Dương"),
        OUT: ("vinh-tuong", "vt-xa", "outsider", "root", "Hội nghị sơ kết ở Vĩnh Tường"),
    }
    for side, (district, commune, writer, reviewer, title) in sides.items():
        put = lambda kind, obj, side=side: things.setdefault(kind, {}).__setitem__(side, obj)  # noqa: E731
        author = w.users[writer]
        article = portal.create_article(
            actor=author,
            org=w.org(district),
            data=portal.ArticleInput(
                title=title,
                lead="Sơ kết 6 tháng đầu năm.",
                body="Đoạn thứ nhất.",
                author_name="Văn phòng Huyện ủy",
                category=category,
                tags="xây dựng Đảng",
            ),
        )
        put("placed", portal.add_image(actor=author, article=article, upload=png()))
        portal.submit_article(actor=author, article=article)
        article = portal.publish_article(actor=w.users[reviewer], article=article)
        put("article", article)
        put(
            "comment",
            portal.submit_comment(
                article=article, name="Bạn đọc", email="bd@example.org", text="Hay.", consent=True
            ),
        )
        with override_settings(PORTAL={**settings.PORTAL, "ORG": district}):
            petition = portal.submit_petition(
                data=portal.PetitionInput(
                    topic=topic, org=w.org(commune), place="", text="Đèn đường thôn bị hỏng."
                )
            )
        put("petition", petition)


def build_privacy_things(w: World, things: dict[str, dict[str, object]]) -> None:
    """A member's consent and request (huong's, handled by Kim Long; tien's, by vt-xa) and a
    breach recorded by the district."""
    from django.utils import timezone

    from dangbo.portal.rules import COMMENT_PURPOSE
    from dangbo.privacy import services as privacy

    sides = {IN: ("huong", "tam-duong"), OUT: ("tien", "vinh-tuong")}
    for side, (member, district) in sides.items():
        put = lambda kind, obj, side=side: things.setdefault(kind, {}).__setitem__(side, obj)  # noqa: E731
        subject = w.members[member]
        put(
            "consent",
            privacy.record_consent(
                actor=None,
                purpose=COMMENT_PURPOSE,
                subject_name="",
                subject_email="",
                ref="",
                member=subject,
            ),
        )
        put(
            "data_request",
            privacy.file_request(
                actor=None,
                kind="see",
                text="Cho tôi xem dữ liệu của tôi.",
                member=subject,
                org=privacy.grassroots_of(subject.org),
            ),
        )
        put(
            "breach",
            privacy.record_breach(
                actor=None,
                org=w.org(district),
                detected_at=timezone.now() - timedelta(hours=2),
                description="Gửi nhầm danh sách đảng viên qua email.",
                data_kinds="Họ tên, ngày sinh",
            ),
        )


def matrix_fixture(*, with_tokens: bool = False):
    """A module fixture: the world and the objects, built ONCE in a transaction rolled back
    after the module's last test (each test runs in a savepoint inside it, as the demo's
    module does). The tests do not ask for ``world``: the shared world stays closed. The
    module has a data folder of its own (the portal's pictures) and the portal is
    ``PORTAL_ORG``'s."""

    @pytest.fixture(scope="module")
    def matrix(django_db_setup, django_db_blocker, tmp_path_factory) -> Matrix:
        data_dir = tmp_path_factory.mktemp("matrix-data")
        with override_settings(DATA_DIR=data_dir, PORTAL={**settings.PORTAL, "ORG": PORTAL_ORG}):
            yield from _built(django_db_blocker)

    def _built(django_db_blocker):
        outer = transaction.atomic()
        with django_db_blocker.unblock():
            outer.__enter__()
            try:
                with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                    m = Matrix(build_world())
                    m.things = build_things(m.world)
                    build_direction_things(m.world, m.things)
                    build_report_things(m.world, m.things)
                    build_portal_things(m.world, m.things)
                    build_privacy_things(m.world, m.things)
                    for name, user in m.world.users.items():
                        m.client.force_login(user)
                        m.sessions[name] = m.client.cookies[settings.SESSION_COOKIE_NAME].value
                        m.client.cookies.clear()
                    if with_tokens:
                        from dangbo.core.services import issue_token

                        m.tokens = {
                            name: issue_token(actor=None, user=user, name=f"matrix {name}")
                            for name, user in m.world.users.items()
                        }
                connection.check_constraints()
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        try:
            yield m
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)

    return matrix
