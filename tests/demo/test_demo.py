"""The demo world "Tam Dương, 2016": the article's figures, clean rules, one audit entry,
idempotent loading and the ``dangbo demo`` command."""

from dataclasses import dataclass
from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models import F
from django.test.utils import override_settings

from dangbo.core import audit
from dangbo.core.models import AuditEntry, RoleGrant
from dangbo.demo import loader, tamduong
from dangbo.members import rules
from dangbo.members.models import Member, MemberEvent, Membership
from dangbo.orgs.models import Organisation, OrgLink, Position
from dangbo.registry.queries import org_stats, structural_warnings
from tests.support import FAST_HASHERS, counts

from . import article

AS_OF = date(2016, 12, 31)
# The first members the seeded generator draws; any change to the generator shows up here.
FINGERPRINT = ["Hoàng Thị Lệ", "Đào Minh Trường", "Phạm Hữu Yên", "Khổng Văn Đức", "Hà Đức Chính"]


def _counts() -> dict[str, int]:
    return counts(Organisation, Member, MemberEvent, AuditEntry, get_user_model())


@dataclass(frozen=True)
class Loaded:
    answer: bool  # what loader.load() answered when the command called it
    audit_before: int  # audit entries before the load
    output: str  # what ``dangbo demo --no-serve`` printed


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Loaded:
    """The demo, loaded ONCE for this module by ``dangbo demo --no-serve`` (which calls
    ``loader.load``) in a transaction that is rolled back after the module's last test; each
    test runs in a savepoint inside it, as usual. A load takes ~20 s: once, not four times."""
    answers: list[bool] = []
    real_load = loader.load

    def load(*args, **kwargs) -> bool:
        answers.append(real_load(*args, **kwargs))
        return answers[-1]

    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            audit_before = AuditEntry.objects.count()
            out = StringIO()
            with (
                mock.patch.object(loader, "load", load),
                override_settings(PASSWORD_HASHERS=FAST_HASHERS),  # as in every test
            ):
                call_command("demo", "--no-serve", stdout=out)
            assert len(answers) == 1, answers
            # Check the deferred foreign keys once (~4 s on PostgreSQL): left pending in this
            # transaction, every test's teardown would check them all again.
            connection.check_constraints()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield Loaded(answers[0], audit_before, out.getvalue())
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_plan_is_deterministic():
    first, second = tamduong.build(), tamduong.build()
    assert [m.full_name for m in first.members[:5]] == FINGERPRINT
    assert [m.full_name for m in first.members] == [m.full_name for m in second.members]
    assert list(first.orgs) == list(second.orgs)
    other = tamduong.build(seed=7)
    assert [m.full_name for m in other.members[:50]] != [m.full_name for m in first.members[:50]]


@pytest.mark.django_db
def test_demo_world_matches_the_article_and_the_rules(demo):
    before = demo.audit_before
    assert demo.answer is True
    district = Organisation.objects.get(code="tam-duong")
    stats = org_stats(district, AS_OF)

    members = stats["members"]
    assert 5471 <= members["total"] <= 5479
    assert 0 < members["probationary"] < 300
    assert 0.30 <= members["female"] / members["total"] <= 0.40
    grassroots = stats["grassroots"]
    assert grassroots["total"] == 50
    assert grassroots["by_kind"] == {"grassroots_committee": 17, "grassroots_cell": 33}
    assert grassroots["by_kind_sector"]["grassroots_committee"] == {
        "commune": 12,
        "town": 1,
        "agency": 4,
    }
    sub_cells = stats["sub_cells"]
    assert sub_cells["total"] == 246
    by_parent = sub_cells["by_parent_sector"]
    assert by_parent["commune"] + by_parent["town"] == 223
    assert by_parent["agency"] == 23

    # The article's figures (tests/demo/article.py).
    assert 0 < members["total"] - article.MEMBERS_OVER < 10  # "more than 5,470"
    assert grassroots["total"] == article.GRASSROOTS
    committees = grassroots["by_kind_sector"]["grassroots_committee"]
    assert committees["commune"] + committees["town"] == article.COMMUNE_COMMITTEES
    assert committees["agency"] == article.AGENCY_COMMITTEES
    assert grassroots["by_kind"]["grassroots_cell"] == article.GRASSROOTS_CELLS
    assert sub_cells["total"] == article.SUB_CELLS
    assert by_parent["commune"] + by_parent["town"] == article.COMMUNE_SUB_CELLS
    assert by_parent["agency"] == article.AGENCY_SUB_CELLS

    # Clean for 2016: no rule 1–3 warning anywhere in the district.
    warnings = structural_warnings(district, AS_OF)
    assert [w for w in warnings if w["rule"] in (1, 2, 3)] == []

    # Member rules, read back from the database.
    active = Member.objects.filter(status__in=["official", "probationary"])
    assert active.filter(org__kind__in=["grassroots_committee", "district_committee"]).count() == 0
    for row in active.values(
        "date_of_birth",
        "admission_vote_date",
        "admission_decision_date",
        "admission_ceremony_date",
        "official_recognition_date",
        "status",
    ):
        vote = row["admission_vote_date"] or row["admission_decision_date"]
        assert (
            rules.admission_age_error(row["date_of_birth"], vote, has_provincial_approval=False)
            is None
        )
        recognised = row["official_recognition_date"]
        if row["status"] == "official":
            assert recognised >= rules.probation_end(row["admission_ceremony_date"])
        else:
            assert recognised is None
            assert row["admission_ceremony_date"].year == 2016
    assert Member.objects.exclude(status__in=["official", "probationary"]).count() > 100
    assert Member.objects.filter(exit_date__gt=AS_OF).count() == 0
    assert MemberEvent.objects.filter(effective_date__gt=AS_OF).count() == 0
    assert Membership.objects.filter(valid_from__lt=F("org__valid_from")).count() == 0
    assert OrgLink.objects.filter(valid_from__lt=F("parent__valid_from")).count() == 0
    assert Membership.objects.count() > Member.objects.count()  # some moved between cells
    cards = list(Member.objects.exclude(card_number="").values_list("card_number", flat=True))
    assert len(cards) == len(set(cards)) and all(len(c) == 8 for c in cards)
    ids = list(active.values_list("id_number", flat=True))
    assert len(ids) == len(set(ids)) and all(i.startswith("026") and len(i) == 12 for i in ids)
    assert active.filter(ethnicity="Sán Dìu").exists()

    # Committees of the 2015–2020 term, held by members of the organisation's subtree.
    district_titles = list(
        Position.objects.filter(org=district, body__body_type="executive_committee").values_list(
            "title", flat=True
        )
    )
    assert len(district_titles) == 37 and district_titles.count("secretary") == 1
    for position in Position.objects.select_related("org", "member__org")[:400]:
        assert position.member.org.path.startswith(position.org.path)

    # One audit entry for the load, and an intact chain.
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "demo.loaded",
        "demo",
        "tam-duong-2016",
    )
    assert audit.verify().ok

    # Demo users, their grants, and the member linked to "dangvien".
    grants = dict(RoleGrant.objects.values_list("user__username", "role"))
    assert grants == {
        "quantri": "admin",
        "tochuc": "org_staff",
        "uyvien": "committee_member",
        "thuongvu": "committee_member",
        "xakimlong": "org_staff",
        "bithu": "cell_secretary",
        "dangvien": "member",
        "kiemtra": "auditor",
    }
    dangvien = Member.objects.get(user__username="dangvien")
    cell = RoleGrant.objects.get(user__username="bithu").org
    assert dangvien.org == cell and cell.sector == "village" and cell.parent.code == "kim-long"
    assert get_user_model().objects.get(username="quantri").check_password(loader.DEMO_PASSWORD)

    # Deterministic: the same first members on every engine and every run.
    assert (
        list(Member.objects.order_by("id").values_list("full_name", flat=True)[:5]) == FINGERPRINT
    )

    # Loading again changes nothing.
    rows = _counts()
    assert loader.load() is False
    assert _counts() == rows


@pytest.mark.django_db
def test_demo_command_loads_once_and_prints_logins(demo):
    text = demo.output  # the first run, which loaded
    assert "Đã nạp dữ liệu mẫu" in text and "giây" in text
    for username in (
        "quantri",
        "tochuc",
        "uyvien",
        "thuongvu",
        "xakimlong",
        "bithu",
        "dangvien",
        "kiemtra",
    ):
        assert username in text
    assert loader.DEMO_PASSWORD in text
    assert "Đảng bộ huyện Tam Dương" in text
    rows = _counts()

    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "Dữ liệu mẫu đã có sẵn" in out.getvalue()
    assert "bithu" in out.getvalue()
    assert _counts() == rows


@pytest.mark.django_db
def test_demo_year_of_oversight(demo):
    """Issue 4's 2016: every sub-cell attended by a working group, monthly and thematic
    meetings of every cell (with the few misses the compliance view must find), opinions in
    every state, one grassroots organisation without anyone responsible."""
    from dangbo.meetings.models import Attendance, Meeting
    from dangbo.meetings.queries import compliance
    from dangbo.oversight.models import Opinion, OversightAssignment, Visit, WorkingGroup
    from dangbo.oversight.queries import coverage, oversight_stats, targets

    district = Organisation.objects.get(code="tam-duong")
    stats = oversight_stats(district, AS_OF)
    assert stats["year"] == 2016
    assert stats["sub_cells"] == 246 and stats["sub_cells_visited"] == 246
    cells = 246 + 33
    # Every cell meets monthly and quarterly, except the deliberate misses.
    assert stats["regular_meetings"] == cells * 12 - 4
    assert stats["thematic_meetings"] == cells * 4 - 3
    assert stats["cells_missing_regular_meeting"] == 4
    assert stats["cells_missing_thematic_meeting"] == 3
    assert stats["members_flagged_unexcused"] == 6
    assert stats["organisations_without_oversight"] == 1
    assert stats["visits_without_mandate"] == 0
    by_state = stats["opinions_by_state"]
    assert all(n > 0 for n in by_state.values()), by_state
    assert sum(by_state.values()) == stats["opinions_total"] == Opinion.objects.count() >= 300
    assert stats["opinions_overdue"] > 0
    assert 85 < stats["attendance_rate"] < 100
    # The state of every opinion on 31/12/2016 is the one stored (nothing happened since).
    stored = dict(Opinion.objects.values_list("state").annotate(n=models.Count("id")).order_by())
    assert {k: v for k, v in by_state.items() if v} == stored

    # Each working group belongs to one quarter; its plan is the visits it made.
    assert WorkingGroup.objects.count() == 20
    for group in WorkingGroup.objects.all():
        planned = set(group.targets.values_list("org_id", flat=True))
        visited = set(Visit.objects.filter(group=group).values_list("org_id", flat=True))
        assert planned == visited and planned
    # Attendance belongs to members of the cell on the meeting's date.
    sample = Meeting.objects.order_by("id")[:50]
    for meeting in sample:
        ids = set(meeting.attendance.values_list("member_id", flat=True))
        members = set(
            Membership.objects.filter(org=meeting.org, valid_from__lte=meeting.date)
            .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=meeting.date))
            .values_list("member_id", flat=True)
        )
        assert ids <= members
    assert Attendance.objects.count() > 80_000
    # The per-meeting counts agree with the rows (the loader's bulk path keeps them too).
    totals = Meeting.objects.aggregate(
        summoned=models.Sum("summoned"), present=models.Sum("present")
    )
    assert totals == {
        "summoned": Attendance.objects.count(),
        "present": Attendance.objects.filter(status="present").count(),
    }

    # Coverage: the uncovered organisation is named; one assignment was handed over in July.
    cov = coverage(district, AS_OF)
    assert cov.total == 50 and cov.uncovered_total == 1
    assert OversightAssignment.objects.filter(handed_over_from__isnull=False).count() == 1
    rows = targets(district, 2016, AS_OF)
    states = [state for row in rows for _n, _t, state in row.cells if state]
    assert "met" in states and "missed" in states

    # Compliance names the cells and months missed.
    result = compliance(district, AS_OF)
    assert result.missing_regular_total == 4
    assert all(len(row["missing"]) == 1 for row in result.missing_regular)

    # The "thuongvu" login is a standing-committee member with organisations to oversee.
    thuongvu = Member.objects.get(user__username="thuongvu")
    assert OversightAssignment.objects.filter(member=thuongvu).exists()
    assert WorkingGroup.objects.filter(leader=thuongvu).count() == 4


@pytest.mark.django_db
def test_demo_reviews_match_the_article(demo):
    """Issue 5's figures for 2016, computed from the stored results (not stored totals)."""
    from dangbo.reviews.models import Evaluation, RemedyGroup, ReviewCycle
    from dangbo.reviews.queries import honours, reviews_stats

    district = Organisation.objects.get(code="tam-duong")
    stats = reviews_stats(district, AS_OF)
    recognised = (article.REVIEW_YEAR, article.TSVM_OR_EXEMPLARY)
    assert (stats["year"], stats["tsvm_or_exemplary"]) == recognised == (2016, 25)
    assert stats["exemplary_5_years_running_cells"] == article.EXEMPLARY_5_YEARS_CELLS == 2
    assert stats["excellent_5_years_running_members"] == article.EXCELLENT_5_YEARS_MEMBERS == 26
    # Schemes by year (rule 21): the TSVM scheme of HD 20 for 2012–2013, of HD 27 after.
    schemes = dict(ReviewCycle.objects.values_list("year", "org_scheme__document__number"))
    assert schemes == {
        2012: "20-HD/BTCTW",
        2013: "20-HD/BTCTW",
        2014: "27-HD/BTCTW",
        2015: "27-HD/BTCTW",
        2016: "27-HD/BTCTW",
    }
    # The honour lists are the same people: five decided excellent years each.
    listed = honours(district, 2016, 5, 1, members=True)
    assert len(listed) == article.EXCELLENT_5_YEARS_MEMBERS
    keys = [member.sort_key for member, _streak in listed]
    assert keys == sorted(keys)  # Vietnamese order: by given name, then family and middle
    for member, streak in listed:
        years = set(
            Evaluation.objects.filter(member=member, final_common_rank=1).values_list(
                "cycle__year", flat=True
            )
        )
        assert set(article.STREAK_YEARS) <= years and streak.current >= 5
    # The standing committee's 2016 self-criticism: remedy groups with owners and deadlines.
    groups = RemedyGroup.objects.filter(cycle__year=2016, org=district)
    assert groups.count() == 3
    assert all(g.shortcomings.exists() and g.remedies.exists() for g in groups)


@pytest.mark.django_db
def test_the_load_leaves_the_planner_the_tables_sizes(demo):
    """ANALYZE after the load (core.db.refresh_statistics): without it PostgreSQL took the
    fresh tables for a handful of rows and nested-looped the 2016 report to seven times its time."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'members_member'")
            assert cursor.fetchone()[0] > 5000
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'members_member'")
            assert cursor.fetchone() is not None
