"""Cell meeting services: who is summoned (roster), recording a meeting with its attendance,
and votes counted by the denominator of QĐ 24 §9.3 (brief rules 14, 18, 20)."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from dangbo.core.dates import today
from dangbo.core.errors import messages_of
from dangbo.core.models import AuditEntry
from dangbo.meetings import services
from dangbo.meetings.choices import AttendanceStatus as S
from dangbo.meetings.models import Attendance, Meeting, Vote
from dangbo.members import services as members
from dangbo.orgs import services as orgs
from dangbo.registry import services as registry_services
from tests.support import assert_refused, counts

pytestmark = pytest.mark.django_db

# What a refused call must leave unchanged (tests.support adds the audit log).
MODELS = (Meeting, Attendance, Vote, AuditEntry)

DAY = date(2020, 5, 5)


def meeting(world, cell="kl-thon-1", day=DAY, attendance=None, **data):
    return services.record_meeting(
        actor=world.users["secretary"],
        org=world.org(cell),
        day=day,
        data={"kind": "regular", **data},
        attendance=attendance,
    )


def statuses(rows):
    return {r.member.full_name.split()[-1]: r.status for r in rows}


# -- roster -------------------------------------------------------------------------------


def test_roster_lists_official_and_probationary_members(world):
    entries = {e.member.pk: e for e in services.roster(world.org("kl-thon-1"), DAY)}
    m = world.members
    assert set(entries) == {m["huong"].pk, m["an"].pk, m["binh"].pk}
    assert entries[m["huong"].pk].official and entries[m["an"].pk].official
    assert entries[m["binh"].pk].official is False  # probationer: present, does not vote
    assert {e.default_status for e in entries.values()} == {S.PRESENT}
    assert not any(e.guest for e in entries.values())


def test_roster_leaves_out_members_admitted_later_and_those_who_left(world):
    m = world.members
    # binh was admitted on 01/06/2016
    before = {e.member.pk for e in services.roster(world.org("kl-thon-1"), date(2016, 5, 31))}
    assert m["binh"].pk not in before and m["huong"].pk in before
    members.end_membership(
        actor=None, member=m["dung"], kind="deceased", effective_date=date(2019, 6, 1)
    )
    assert [e.member.pk for e in services.roster(world.org("kl-thon-2"), date(2019, 5, 31))] == [
        m["dung"].pk
    ]
    assert services.roster(world.org("kl-thon-2"), date(2019, 6, 2)) == []


def test_roster_temporary_transfer_both_sides(world):
    m = world.members
    members.temporary_transfer(
        actor=None,
        member=m["hoa"],
        to_org=world.org("kl-thon-1"),
        start=date(2020, 1, 1),
        planned_end=date(2020, 9, 1),
        reason="residence",
    )
    host = {e.member.pk: e for e in services.roster(world.org("kl-thon-1"), DAY)}
    assert host[m["hoa"].pk].guest is True
    assert host[m["hoa"].pk].default_status == S.PRESENT
    home = {e.member.pk: e for e in services.roster(world.org("hh-tdp-1"), DAY)}
    assert home[m["hoa"].pk].guest is False
    assert home[m["hoa"].pk].default_status == S.TEMPORARILY_AWAY
    # before the transfer she is at home only
    assert m["hoa"].pk not in {
        e.member.pk for e in services.roster(world.org("kl-thon-1"), date(2019, 12, 31))
    }
    assert {
        e.default_status for e in services.roster(world.org("hh-tdp-1"), date(2019, 12, 31))
    } == {S.PRESENT}


def test_roster_marks_exempted_members(world):
    m = world.members
    members.exempt_member(actor=None, member=m["an"], category="elderly", start=date(2019, 1, 1))
    entries = {e.member.pk: e for e in services.roster(world.org("kl-thon-1"), DAY)}
    assert entries[m["an"].pk].default_status == S.EXEMPTED
    assert entries[m["huong"].pk].default_status == S.PRESENT
    earlier = {e.member.pk: e for e in services.roster(world.org("kl-thon-1"), date(2018, 12, 31))}
    assert earlier[m["an"].pk].default_status == S.PRESENT


def test_roster_follows_an_official_transfer(world):
    m = world.members
    members.transfer_member(
        actor=None, member=m["dung"], to_org=world.org("kl-thon-1"), effective_date=date(2021, 1, 1)
    )
    assert m["dung"].pk not in {e.member.pk for e in services.roster(world.org("kl-thon-1"), DAY)}
    assert m["dung"].pk in {e.member.pk for e in services.roster(world.org("kl-thon-2"), DAY)}
    later = date(2021, 2, 1)
    assert m["dung"].pk in {e.member.pk for e in services.roster(world.org("kl-thon-1"), later)}
    assert services.roster(world.org("kl-thon-2"), later) == []


# -- record_meeting ---------------------------------------------------------------------------


def test_record_meeting_happy_path_writes_meeting_attendance_and_one_audit_entry(world):
    m = world.members
    before = AuditEntry.objects.count()
    mt = meeting(
        world,
        attendance={m["an"].pk: (S.EXCUSED, "Ốm"), m["binh"].pk: S.UNEXCUSED},
        topic="Sơ kết quý",
        minutes="Dòng 1\nDòng 2",
        start_time=time(19, 30),
        end_time=time(21, 0),
    )
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "meeting.recorded" and entry.object_id == str(mt.pk)
    assert entry.actor == world.users["secretary"]
    rows = {a.member_id: a for a in mt.attendance.all()}
    assert set(rows) == {m["huong"].pk, m["an"].pk, m["binh"].pk}  # unnamed: default present
    assert rows[m["huong"].pk].status == S.PRESENT
    assert (rows[m["an"].pk].status, rows[m["an"].pk].reason) == (S.EXCUSED, "Ốm")
    assert rows[m["binh"].pk].status == S.UNEXCUSED and rows[m["binh"].pk].official is False
    assert mt.minutes == "Dòng 1\nDòng 2" and mt.duration_minutes == 90
    assert mt.recorded_by == world.users["secretary"]


def test_record_meeting_without_attendance_writes_no_rows(world):
    mt = meeting(world)
    assert mt.attendance.count() == 0 and mt.kind == "regular"


def test_short_meeting_is_recorded_with_only_a_warning(world):
    mt = meeting(world, start_time=time(19, 0), end_time=time(19, 45))
    assert mt.pk is not None and mt.duration_minutes == 45
    from dangbo.meetings.rules import duration_warning

    assert duration_warning(mt.duration_minutes) is not None


def test_meeting_in_the_future_is_refused(world):
    msg = assert_refused(MODELS, "date", meeting, world=world, day=today() + timedelta(days=1))
    assert "hôm nay" in msg


def test_meeting_today_is_accepted(world):
    assert meeting(world, day=today()).date == today()


def test_meeting_before_the_cell_existed_is_refused(world):
    world.orgs["kl-thon-3"] = orgs.create_org(
        actor=None,
        code="kl-thon-3",
        name="Chi bộ thôn Mới",
        kind="sub_cell",
        sector="village",
        parent=world.org("kim-long"),
        valid_from=date(2018, 3, 1),
    )
    msg = assert_refused(
        MODELS, "date", meeting, world=world, cell="kl-thon-3", day=date(2018, 2, 28)
    )
    assert "01/03/2018" in msg
    assert meeting(world, cell="kl-thon-3", day=date(2018, 3, 1)).pk


def test_meeting_after_the_cell_ended_is_refused(world):
    world.orgs["kl-thon-3"] = cell = orgs.create_org(
        actor=None,
        code="kl-thon-3",
        name="Chi bộ thôn Cũ",
        kind="sub_cell",
        sector="village",
        parent=world.org("kim-long"),
        valid_from=date(2010, 1, 1),
    )
    registry_services.dissolve_org(actor=None, org=cell, effective_date=date(2015, 12, 31))
    msg = assert_refused(
        MODELS, "date", meeting, world=world, cell="kl-thon-3", day=date(2016, 1, 5)
    )
    assert "31/12/2015" in msg
    assert meeting(world, cell="kl-thon-3", day=date(2015, 12, 31)).pk  # its last day


def test_meeting_of_a_committee_is_refused(world):
    assert_refused(MODELS, "org", meeting, world=world, cell="kim-long")
    assert_refused(MODELS, "org", meeting, world=world, cell="tam-duong")


def test_meeting_of_no_organisation_is_refused(world):
    assert_refused(
        MODELS,
        "org",
        services.record_meeting,
        actor=None,
        org=None,
        day=DAY,
        data={"kind": "regular"},
    )
    assert_refused(
        MODELS,
        "date",
        services.record_meeting,
        actor=None,
        org=world.org("kl-thon-1"),
        day=None,
        data={"kind": "regular"},
    )


def test_attendance_for_someone_not_in_the_cell_is_refused(world):
    m = world.members
    msg = assert_refused(
        MODELS, "attendance", meeting, world=world, attendance={m["dung"].pk: S.PRESENT}
    )
    # Named by id, never by name: the name could be outside the caller's scope.
    assert f"đảng viên mã {m['dung'].pk} " in msg and "05/05/2020" in msg
    assert m["dung"].full_name not in msg
    # nor for a member admitted after the meeting
    assert_refused(
        MODELS,
        "attendance",
        meeting,
        world=world,
        day=date(2016, 5, 1),
        attendance={m["binh"].pk: S.PRESENT},
    )


def test_attendance_for_a_member_who_transferred_in_later_is_refused(world):
    m = world.members
    members.transfer_member(
        actor=None, member=m["dung"], to_org=world.org("kl-thon-1"), effective_date=date(2021, 1, 1)
    )
    msg = assert_refused(
        MODELS, "attendance", meeting, world=world, attendance={m["dung"].pk: S.PRESENT}
    )
    assert f"đảng viên mã {m['dung'].pk} " in msg
    assert meeting(world, day=date(2021, 1, 5), attendance={m["dung"].pk: S.PRESENT}).pk


@pytest.mark.parametrize(
    "status",
    [
        S.EXCUSED,
        (S.EXCUSED, "   "),
        "absent",  # unknown status
        (S.EXCUSED, "Ốm\x00"),
    ],
)
def test_excused_absence_needs_a_reason(world, status):
    an = world.members["an"]
    msg = assert_refused(
        MODELS, f"attendance-{an.pk}", meeting, world=world, attendance={an.pk: status}
    )
    assert an.full_name in msg


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("end_time", {"start_time": time(20, 0), "end_time": time(19, 0)}),
        ("end_time", {"start_time": time(20, 0), "end_time": time(20, 0)}),
        ("start_time", {"start_time": "19:00"}),
        ("topic", {"kind": "thematic"}),
        ("topic", {"kind": "thematic", "topic": "   "}),
        ("topic", {"topic": "x" * 301}),
        ("minutes", {"minutes": "Biên bản\x07 có ký tự lạ"}),
        ("minutes", {"minutes": "Biên bản\x00"}),
        ("resolution", {"resolution": "Nghị quyết\x1b[31m"}),
        ("kind", {"kind": "weekly"}),
        ("mode", {"mode": "telepathy"}),
        ("quality", {"quality": "excellent"}),
    ],
)
def test_bad_fields_are_refused_by_name(world, field, data):
    m = world.members
    assert_refused(MODELS, field, meeting, world=world, attendance={m["an"].pk: S.PRESENT}, **data)


def test_chair_must_be_in_the_cell(world):
    m = world.members
    assert_refused(
        MODELS,
        "chair",
        services.record_meeting,
        actor=None,
        org=world.org("kl-thon-1"),
        day=DAY,
        data={},
        chair=m["dung"],
    )
    mt = services.record_meeting(
        actor=None,
        org=world.org("kl-thon-1"),
        day=DAY,
        data={},
        chair=m["huong"],
        secretary=m["an"],
    )
    assert (mt.chair, mt.secretary) == (m["huong"], m["an"])


def test_update_meeting_keeps_date_and_audits(world):
    mt = meeting(world)
    before = AuditEntry.objects.count()
    services.update_meeting(
        actor=None, meeting=mt, data={"minutes": "Đã bổ sung", "date": date(2020, 1, 1)}
    )
    mt.refresh_from_db()
    assert mt.minutes == "Đã bổ sung" and mt.date == DAY
    assert AuditEntry.objects.count() == before + 1
    before = counts(*MODELS)
    with pytest.raises(ValidationError) as exc:
        services.update_meeting(actor=None, meeting=mt, data={"minutes": "x\x00"})
    assert "minutes" in messages_of(exc.value) and counts(*MODELS) == before


# -- set_attendance ------------------------------------------------------------------------


def test_set_attendance_replaces_the_rows(world):
    m = world.members
    mt = meeting(world, attendance={m["an"].pk: S.UNEXCUSED})
    first = set(mt.attendance.values_list("id", flat=True))
    rows = services.set_attendance(
        actor=None, meeting=mt, attendance={m["huong"].pk: (S.EXCUSED, "Đi công tác")}
    )
    assert len(rows) == 3
    current = dict(mt.attendance.values_list("member_id", "status"))
    assert current == {m["huong"].pk: S.EXCUSED, m["an"].pk: S.PRESENT, m["binh"].pk: S.PRESENT}
    assert first.isdisjoint(mt.attendance.values_list("id", flat=True))
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "meeting.attendance"
    # bad input leaves the previous attendance in place
    before = list(mt.attendance.order_by("member_id").values_list("member_id", "status"))
    assert_refused(
        MODELS,
        "attendance",
        services.set_attendance,
        actor=None,
        meeting=mt,
        attendance={m["khanh"].pk: S.PRESENT},
    )
    assert list(mt.attendance.order_by("member_id").values_list("member_id", "status")) == before


# -- votes (rules 14, 20) ---------------------------------------------------------------------


def extra_member(world, key, name, cell="kl-thon-1", admitted=date(2005, 3, 1)):
    from dangbo.members.rules import probation_end

    member = members.admit_member(
        actor=None,
        org=world.org(cell),
        data={"full_name": name, "gender": "M", "date_of_birth": date(1980, 1, 1)},
        admission_decision_date=admitted,
        admission_ceremony_date=admitted,
    )
    member = members.recognise_official(
        actor=None, member=member, recognition_date=probation_end(admitted)
    )
    world.members[key] = member
    return member


@pytest.fixture
def big_cell(world):
    """kl-thon-1 with eight official members and a probationer (binh) on 05/05/2020."""
    for i in range(6):
        extra_member(world, f"x{i}", f"Nguyễn Văn Thêm {chr(65 + i)}")
    return world


def vote_meeting(world, attendance):
    return meeting(world, attendance=attendance)


def test_denominator_excludes_probationer_and_counts_unexcused(big_cell):
    w, m = big_cell, big_cell.members
    mt = vote_meeting(w, {m["x0"].pk: S.UNEXCUSED, m["binh"].pk: S.PRESENT})
    assert services.denominator(mt) == (8, 7)  # 8 official summoned; 7 of them present
    vote = services.record_vote(actor=None, meeting=mt, motion="Nghị quyết tháng 5", yes=5, no=2)
    assert (vote.denominator, vote.passed) == (8, True)  # 5 > 4
    vote = services.record_vote(actor=None, meeting=mt, motion="Đề xuất khác", yes=4, no=3)
    assert (vote.denominator, vote.passed) == (8, False)  # exactly half fails


def test_denominator_excludes_excused_away_and_absent_exempted(big_cell):
    w, m = big_cell, big_cell.members
    members.exempt_member(actor=None, member=m["x1"], category="health", start=date(2019, 1, 1))
    members.temporary_transfer(
        actor=None,
        member=m["x2"],
        to_org=w.org("kl-thon-2"),
        start=date(2020, 1, 1),
        planned_end=date(2020, 9, 1),
        reason="work",
    )
    mt = vote_meeting(w, {m["x0"].pk: (S.EXCUSED, "Ốm")})  # x1 exempted, x2 away by default
    rows = dict(mt.attendance.values_list("member_id", "status"))
    assert rows[m["x1"].pk] == S.EXEMPTED and rows[m["x2"].pk] == S.TEMPORARILY_AWAY
    # 8 official − excused − exempted absent − away = 5, all present
    assert services.denominator(mt) == (5, 5)
    assert services.record_vote(actor=None, meeting=mt, motion="A", yes=3, no=2).passed is True


def test_exempted_member_who_comes_counts(big_cell):
    w, m = big_cell, big_cell.members
    members.exempt_member(actor=None, member=m["x1"], category="elderly", start=date(2019, 1, 1))
    mt = vote_meeting(w, {m["x1"].pk: S.PRESENT})
    assert services.denominator(mt) == (8, 8)
    vote = services.record_vote(actor=None, meeting=mt, motion="A", yes=4, no=4)
    assert (vote.denominator, vote.passed) == (8, False)


def test_vote_with_more_ballots_than_official_members_present_is_refused(big_cell):
    w, m = big_cell, big_cell.members
    mt = vote_meeting(w, {m["x0"].pk: S.UNEXCUSED})  # 7 official present + binh
    msg = assert_refused(
        MODELS,
        "yes",
        services.record_vote,
        actor=None,
        meeting=mt,
        motion="A",
        yes=5,
        no=2,
        abstain=1,
    )
    assert "7" in msg
    assert services.record_vote(actor=None, meeting=mt, motion="A", yes=5, no=1, abstain=1).passed


@pytest.mark.parametrize(
    ("field", "votes"),
    [
        ("motion", {"motion": " ", "yes": 1, "no": 0}),
        ("yes", {"motion": "A", "yes": -1, "no": 0}),
        ("no", {"motion": "A", "yes": 1, "no": "2"}),
        ("abstain", {"motion": "A", "yes": 1, "no": 0, "abstain": True}),
    ],
)
def test_vote_bad_input(world, field, votes):
    mt = meeting(world, attendance={})
    assert_refused(MODELS, field, services.record_vote, actor=None, meeting=mt, **votes)


def test_vote_needs_a_roll(world):
    no_roll = meeting(world, day=date(2020, 6, 5))
    assert_refused(
        MODELS, "motion", services.record_vote, actor=None, meeting=no_roll, motion="A", yes=1, no=0
    )


def test_vote_is_audited(world):
    mt = meeting(world, attendance={})
    before = AuditEntry.objects.count()
    vote = services.record_vote(actor=None, meeting=mt, motion="Thông qua", yes=2, no=0)
    assert (vote.denominator, vote.passed) == (2, True)  # huong, an; binh is a probationer
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("-id").first().after["denominator"] == 2


def test_a_member_attached_temporarily_takes_part_but_does_not_vote_at_the_host(world):
    """She attends the host cell's meeting, yet counts (and votes) only where she belongs:
    away from home she is left out of the home cell's denominator, present at the host she
    is not added to it."""
    m = world.members
    members.temporary_transfer(
        actor=None,
        member=m["hoa"],
        to_org=world.org("kl-thon-1"),
        start=date(2020, 1, 1),
        planned_end=date(2020, 9, 1),
        reason="residence",
    )
    host = {e.member.pk: e for e in services.roster(world.org("kl-thon-1"), DAY)}
    assert host[m["hoa"].pk].official is False and host[m["huong"].pk].official is True
    held = meeting(world, attendance={m["hoa"].pk: S.PRESENT})
    counted, present = services.denominator(held)
    # huong and an (official, present) — not binh (probationary), not hoa (guest)
    assert (counted, present) == (2, 2)
    vote = services.record_vote(actor=None, meeting=held, motion="Nghị quyết", yes=2, no=0)
    assert vote.denominator == 2 and vote.passed


def _counts_match(held) -> bool:
    held.refresh_from_db()
    rows = list(held.attendance.values_list("status", flat=True))
    expected = Meeting(org=held.org, date=held.date)
    expected.set_counts(rows)
    fields = ("summoned", "present", "excused", "unexcused", "not_expected")
    return [getattr(held, f) for f in fields] == [getattr(expected, f) for f in fields]


def test_per_meeting_counts_follow_the_attendance(world):
    """The counts behind a province's attendance rate are kept with the rows."""
    m = world.members
    members.exempt_member(actor=None, member=m["an"], category="elderly", start=date(2019, 1, 1))
    held = meeting(world, attendance={m["binh"].pk: (S.EXCUSED, "Ốm")})
    assert _counts_match(held)
    assert (held.summoned, held.present, held.excused, held.not_expected) == (3, 1, 1, 1)
    services.set_attendance(
        actor=None, meeting=held, attendance={m["huong"].pk: S.UNEXCUSED, m["an"].pk: S.PRESENT}
    )
    assert _counts_match(held)
    assert (held.present, held.unexcused, held.not_expected) == (2, 1, 0)
    with pytest.raises(ValidationError):  # refused: the counts are untouched
        services.set_attendance(actor=None, meeting=held, attendance={m["binh"].pk: S.EXCUSED})
    assert _counts_match(held) and held.unexcused == 1
    empty = meeting(world, day=DAY - timedelta(days=30))
    assert empty.summoned == 0
