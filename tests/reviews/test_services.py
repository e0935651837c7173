"""Review services: the scheme of each year (rule 21), the approval chain (rule 24), scores
(rule 22), the quota (rule 23), conditions on the top level, locking, remedies."""

from datetime import date

import pytest

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry
from dangbo.members import services as members
from dangbo.members.models import Member
from dangbo.members.rules import probation_end
from dangbo.reviews import services
from dangbo.reviews.choices import EvaluationState, RemedyStatus
from dangbo.reviews.models import (
    Discipline,
    Evaluation,
    EvaluationStep,
    Remedy,
    RemedyGroup,
    ReviewCycle,
    Scheme,
    Shortcoming,
)
from dangbo.reviews.schemes import load
from tests.support import assert_refused, counts

pytestmark = pytest.mark.django_db

# What a refused call must leave unchanged (tests.support adds the audit log).
MODELS = (
    ReviewCycle,
    Evaluation,
    EvaluationStep,
    AuditEntry,
    RemedyGroup,
    Remedy,
    Shortcoming,
    Discipline,
)


@pytest.fixture(autouse=True)
def _schemes(db):
    """Migration data: gone after another suite's transactional flush."""
    load()


def audited(action):
    return AuditEntry.objects.filter(action=action).count()


def cycle(world, code="kim-long", year=2016, **kw):
    """A cycle of a past year, its window kept open until today (as when entering history)."""
    kw.setdefault("closes_on", today())
    return services.open_cycle(actor=world.users["admin"], org=world.org(code), year=year, **kw)


def extra_member(world, key, cell, name, admitted=date(2000, 3, 2)):
    m = members.admit_member(
        actor=None,
        org=world.org(cell),
        data={"full_name": name, "gender": "M", "date_of_birth": date(1980, 1, 1)},
        admission_decision_date=admitted,
        admission_ceremony_date=admitted,
    )
    m = members.recognise_official(actor=None, member=m, recognition_date=probation_end(admitted))
    world.members[key] = m
    return m


def proposed(world, c, level, *, member=None, org=None, proposal=None, **scores):
    actor = world.users["admin"]
    ev = services.self_assess(
        actor=actor, cycle=c, level=level, member=member, subject_org=org, **scores
    )
    return services.propose(actor=actor, evaluation=ev, level=proposal or level)


def decided(world, c, level, *, member=None, org=None, by=None, on=None, **scores):
    ev = proposed(world, c, level, member=member, org=org, **scores)
    by = by or services.competent_body(ev)
    return services.decide(actor=world.users["admin"], evaluation=ev, level=level, by_org=by, on=on)


# -- rule 21: the scheme of each year ------------------------------------------------------

YEARS = [
    (2012, "20-HD/BTCTW"),
    (2013, "20-HD/BTCTW"),
    (2014, "27-HD/BTCTW"),
    (2016, "27-HD/BTCTW"),
    (2017, "27-HD/BTCTW"),
    (2018, "132-QĐ/TW"),
    (2022, "132-QĐ/TW"),
    (2023, "124-QĐ/TW"),
    (2024, "124-QĐ/TW"),
    (2025, "366-QĐ/TW"),
    (2026, "366-QĐ/TW"),
]


@pytest.mark.parametrize("subject", ["organisation", "member"])
@pytest.mark.parametrize(("year", "number"), YEARS)
def test_scheme_for_each_year_points_to_its_document(subject, year, number):
    scheme = services.scheme_for(subject, year)
    assert scheme.subject == subject
    assert scheme.document.number == number
    assert scheme.document.issue_date.year <= max(year, scheme.first_year)
    assert scheme.first_year <= year and (scheme.last_year is None or year <= scheme.last_year)


def test_schemes_levels_and_scores_are_data():
    hd27_org = services.scheme_for("organisation", 2016)
    assert [lv.code for lv in hd27_org.levels.all()] == [
        "tsvm_tieu_bieu",
        "tsvm",
        "htt",
        "ht",
        "yeu_kem",
    ]
    hd27_member = services.scheme_for("member", 2016)
    assert [lv.code for lv in hd27_member.levels.all()] == [
        "dtc_htxs",
        "dtc_htt",
        "dtc_ht",
        "vi_pham",
    ]
    assert not hd27_member.scored and not hd27_member.quota_enabled
    qd124 = services.scheme_for("member", 2023)
    assert qd124.quota_enabled and qd124.quota_rate * 100 == 20
    assert (qd124.quota_level, qd124.quota_base) == ("htxs", "htt")
    qd366 = services.scheme_for("member", 2025)
    assert qd366.scored and (qd366.general_max, qd366.tasks_max) == (30, 70)
    assert not qd366.quota_enabled  # unverified: off, switchable
    bands = {lv.code: lv.min_score for lv in qd366.levels.all()}
    assert bands == {"htxs": 90, "htt": 70, "ht": 50, "kht": 0}


def test_no_scheme_before_2008():
    msg = assert_refused(MODELS, "year", services.scheme_for, subject="member", year=2005)
    assert "2005" in msg


def test_quarter_refused_under_hd27_allowed_under_qd366(world):
    msg = assert_refused(
        MODELS, "kind", services.scheme_for, subject="member", year=2016, kind="quarter"
    )
    assert "quý" in msg
    assert_refused(
        MODELS,
        "kind",
        cycle,
        world=world,
        year=2016,
        kind="quarter",
        period_start=date(2016, 1, 1),
        period_end=date(2016, 3, 31),
    )
    assert services.scheme_for("member", 2025, "quarter").code == "qd366-member"
    c = cycle(
        world,
        year=2025,
        kind="quarter",
        period_start=date(2025, 10, 1),
        period_end=date(2025, 12, 31),
    )
    assert (c.org_scheme.code, c.member_scheme.code) == ("qd366-org", "qd366-member")


# -- open_cycle ----------------------------------------------------------------------------


def test_open_cycle_uses_the_schemes_in_force_and_is_audited(world):
    before = audited("review.cycle_opened")
    c = cycle(world, year=2016)
    assert (c.period_start, c.period_end) == (date(2016, 1, 1), date(2016, 12, 31))
    assert (c.org_scheme.code, c.member_scheme.code) == ("tsvm-2014-org", "tsvm-2014-member")
    assert audited("review.cycle_opened") == before + 1
    assert cycle(world, year=2013).member_scheme.code == "tsvm-2008-member"


def test_open_cycle_refuses_a_duplicate_and_a_future_year(world):
    cycle(world, year=2016)
    msg = assert_refused(MODELS, "year", cycle, world=world, year=2016)
    assert "Đảng bộ xã Kim Long" in msg
    cycle(world, code="hop-hoa", year=2016)  # another organisation: fine
    assert_refused(MODELS, "year", cycle, world=world, year=today().year + 1)
    assert_refused(MODELS, "kind", cycle, world=world, year=2016, kind="weekly")
    assert_refused(
        MODELS,
        "period_end",
        cycle,
        world=world,
        year=2025,
        kind="adhoc",
        period_start=date(2025, 6, 1),
        period_end=date(2025, 5, 1),
    )


# -- the approval chain --------------------------------------------------------------------


def test_member_chain_self_assess_propose_decide(world):
    c = cycle(world, year=2016)
    huong = world.members["huong"]
    before = counts(*MODELS)
    ev = services.self_assess(
        actor=world.users["member"], cycle=c, member=huong, level="dtc_htxs", comment="Tự nhận xét"
    )
    assert ev.state == EvaluationState.SELF_ASSESSED and ev.org == world.org("kl-thon-1")
    assert ev.self_level.code == "dtc_htxs" and ev.peer_group == "member:kim-long"
    assert services.competent_body(ev) == world.org("kim-long")
    ev = services.propose(actor=world.users["secretary"], evaluation=ev, level="dtc_htt")
    assert ev.state == EvaluationState.PROPOSED and ev.proposed_by == world.org("kl-thon-1")
    ev = services.decide(
        actor=world.users["staff"],
        evaluation=ev,
        level="dtc_htt",
        by_org=world.org("kim-long"),
        decision_ref="12-QĐ/ĐU",
        on=date(2016, 12, 20),
    )
    ev.refresh_from_db()
    assert ev.state == EvaluationState.DECIDED
    assert (ev.final_level.code, ev.final_common_rank) == ("dtc_htt", 2)
    assert (ev.decided_by, ev.decided_body) == (world.org("kim-long"), "grassroots_committee")
    assert ev.decided_on == date(2016, 12, 20) and ev.decision_ref == "12-QĐ/ĐU"
    assert [s.action for s in ev.steps.all()] == ["self_assessed", "proposed", "decided"]
    assert [s.actor_name for s in ev.steps.all()] == ["huong", "secretary", "staff"]
    after = counts(*MODELS)
    added = {model: after[model] - before[model] for model in after}
    assert (added["Evaluation"], added["EvaluationStep"], added["AuditEntry"]) == (1, 3, 3)
    actions = set(AuditEntry.objects.filter(object_id=str(ev.pk)).values_list("action", flat=True))
    assert {"review.self_assessed", "review.proposed", "review.decided"} <= actions


def test_grassroots_cell_decides_for_its_own_members(world):
    c = cycle(world, code="tam-duong", year=2016)
    ev = decided(world, c, "dtc_htt", member=world.members["khanh"])
    assert ev.decided_by == world.org("cb-toa-an")


@pytest.mark.parametrize(
    ("subject", "cycle_org", "deciding"),
    [
        ("kim-long", "tam-duong", "tam-duong"),
        ("kl-thon-1", "kim-long", "kim-long"),
    ],
)
def test_organisation_chain_decided_by_the_superior(world, subject, cycle_org, deciding):
    c = cycle(world, code=cycle_org, year=2016)
    ev = proposed(world, c, "tsvm", org=world.org(subject), proposal="tsvm_tieu_bieu")
    assert ev.proposed_by == world.org(deciding)
    ev = services.decide(
        actor=world.users["admin"],
        evaluation=ev,
        level="tsvm_tieu_bieu",
        by_org=world.org(deciding),
    )
    assert ev.state == EvaluationState.DECIDED and ev.final_common_rank == 1
    assert (ev.decided_by, ev.decided_body) == (world.org(deciding), "standing_committee")
    assert ev.peer_group == f"org:{deciding}:{world.org(subject).sector}"


def test_return_needs_a_reason_and_allows_a_new_proposal(world):
    c = cycle(world, year=2016)
    ev = proposed(world, c, "dtc_htxs", member=world.members["an"])
    admin = world.users["admin"]
    assert_refused(
        MODELS, "reason", services.return_evaluation, actor=admin, evaluation=ev, reason="  "
    )
    before = audited("review.returned")
    ev = services.return_evaluation(actor=admin, evaluation=ev, reason="Chưa đủ minh chứng")
    assert ev.state == EvaluationState.RETURNED and audited("review.returned") == before + 1
    assert ev.steps.last().note == "Chưa đủ minh chứng"
    assert_refused(
        MODELS,
        "state",
        services.decide,
        actor=admin,
        evaluation=ev,
        level="dtc_htxs",
        by_org=world.org("kim-long"),
    )
    assert_refused(
        MODELS, "state", services.return_evaluation, actor=admin, evaluation=ev, reason="Lần hai"
    )
    ev = services.propose(actor=admin, evaluation=ev, level="dtc_htt")
    ev = services.decide(actor=admin, evaluation=ev, level="dtc_htt", by_org=world.org("kim-long"))
    assert ev.final_level.code == "dtc_htt"
    assert [s.action for s in ev.steps.all()] == [
        "self_assessed",
        "proposed",
        "returned",
        "proposed",
        "decided",
    ]
    assert_refused(MODELS, "state", services.propose, actor=admin, evaluation=ev, level="dtc_ht")
    assert_refused(
        MODELS,
        "state",
        services.decide,
        actor=admin,
        evaluation=ev,
        level="dtc_ht",
        by_org=world.org("kim-long"),
    )


@pytest.mark.parametrize(
    ("subject", "cycle_org", "wrong", "competent"),
    [
        ("member", "kim-long", "tam-duong", "Đảng bộ xã Kim Long"),
        ("member", "kim-long", "kl-thon-1", "Đảng bộ xã Kim Long"),
        ("member", "kim-long", "hop-hoa", "Đảng bộ xã Kim Long"),
        ("kl-thon-1", "kim-long", "hop-hoa", "Đảng bộ xã Kim Long"),
        ("kl-thon-1", "kim-long", "tam-duong", "Đảng bộ xã Kim Long"),
        ("kim-long", "tam-duong", "kim-long", "Đảng bộ huyện Tam Dương"),
        ("kim-long", "tam-duong", "vinh-phuc", "Đảng bộ huyện Tam Dương"),
    ],
)
def test_decision_by_another_body_refused_naming_the_competent_one(
    world, subject, cycle_org, wrong, competent
):
    c = cycle(world, code=cycle_org, year=2016)
    if subject == "member":
        ev = proposed(world, c, "dtc_htt", member=world.members["huong"])
        level = "dtc_htt"
    else:
        ev = proposed(world, c, "tsvm", org=world.org(subject))
        level = "tsvm"
    msg = assert_refused(
        MODELS,
        "by_org",
        services.decide,
        actor=world.users["admin"],
        evaluation=ev,
        level=level,
        by_org=world.org(wrong),
    )
    assert competent in msg and world.org(wrong).name in msg
    assert_refused(
        MODELS,
        "by_org",
        services.decide,
        actor=world.users["admin"],
        evaluation=ev,
        level=level,
        by_org=None,
    )
    assert Evaluation.objects.get(pk=ev.pk).state == EvaluationState.PROPOSED


def test_nobody_decides_their_own_case(world):
    from django.contrib.auth import get_user_model

    c = cycle(world, year=2016)
    # huong's login (world.users["member"]) is linked through Member.user.
    ev = proposed(world, c, "dtc_htxs", member=world.members["huong"])
    msg = assert_refused(
        MODELS,
        "member",
        services.decide,
        actor=world.users["member"],
        evaluation=ev,
        level="dtc_htxs",
        by_org=world.org("kim-long"),
    )
    assert "chính mình" in msg
    # Any user linked to the member: here a staff login of dung's.
    user = get_user_model().objects.create_user("dung-login")
    Member.objects.filter(pk=world.members["dung"].pk).update(user=user)
    ev2 = proposed(world, c, "dtc_htt", member=world.members["dung"])
    assert_refused(
        MODELS,
        "member",
        services.decide,
        actor=user,
        evaluation=ev2,
        level="dtc_htt",
        by_org=world.org("kim-long"),
    )
    # Someone else may decide both.
    services.decide(
        actor=world.users["member"], evaluation=ev2, level="dtc_htt", by_org=world.org("kim-long")
    )
    services.decide(actor=user, evaluation=ev, level="dtc_htxs", by_org=world.org("kim-long"))


def test_second_self_assessment_refused(world):
    c = cycle(world, code="tam-duong", year=2016)
    proposed(world, c, "dtc_htt", member=world.members["huong"])
    msg = assert_refused(
        MODELS,
        "member",
        services.self_assess,
        actor=world.users["admin"],
        cycle=c,
        member=world.members["huong"],
        level="dtc_htxs",
    )
    assert "Nguyễn Thị Hương" in msg
    services.self_assess(
        actor=world.users["admin"], cycle=c, subject_org=world.org("kim-long"), level="tsvm"
    )
    msg = assert_refused(
        MODELS,
        "subject_org",
        services.self_assess,
        actor=world.users["admin"],
        cycle=c,
        subject_org=world.org("kim-long"),
        level="tsvm",
    )
    assert "Đảng bộ xã Kim Long" in msg
    # Another cycle (another year) is another period: fine.
    services.self_assess(
        actor=world.users["admin"],
        cycle=cycle(world, code="tam-duong", year=2015),
        member=world.members["huong"],
        level="dtc_htt",
    )


def test_subject_must_belong_to_the_cycle_during_the_period(world):
    c = cycle(world, year=2016)
    admin = world.users["admin"]
    msg = assert_refused(
        MODELS,
        "member",
        services.self_assess,
        actor=admin,
        cycle=c,
        member=world.members["tien"],
        level="dtc_htt",
    )
    assert "Hoàng Minh Tiến" in msg and "Đảng bộ xã Kim Long" in msg
    late = extra_member(world, "late", "kl-thon-1", "Ngô Văn Muộn", admitted=date(2018, 4, 1))
    msg = assert_refused(
        MODELS, "member", services.self_assess, actor=admin, cycle=c, member=late, level="dtc_htt"
    )
    assert "31/12/2016" in msg
    # binh was admitted in June 2016: he belongs to the 2016 period.
    services.self_assess(actor=admin, cycle=c, member=world.members["binh"], level="dtc_ht")
    assert_refused(
        MODELS,
        "subject_org",
        services.self_assess,
        actor=admin,
        cycle=c,
        subject_org=world.org("hop-hoa"),
        level="tsvm",
    )
    assert_refused(
        MODELS,
        "subject_org",
        services.self_assess,
        actor=admin,
        cycle=c,
        subject_org=world.org("kim-long"),
        level="tsvm",
    )  # its own cycle
    assert_refused(MODELS, "member", services.self_assess, actor=admin, cycle=c, level="tsvm")
    assert_refused(
        MODELS,
        "member",
        services.self_assess,
        actor=admin,
        cycle=c,
        level="tsvm",
        member=world.members["huong"],
        subject_org=world.org("kl-thon-1"),
    )


def test_level_not_in_the_scheme_refused_listing_the_levels(world):
    c = cycle(world, year=2016)
    admin = world.users["admin"]
    msg = assert_refused(
        MODELS,
        "level",
        services.self_assess,
        actor=admin,
        cycle=c,
        member=world.members["huong"],
        level="htxs",
    )
    assert "htxs" in msg and "dtc_htxs" in msg and "vi_pham" in msg
    msg = assert_refused(
        MODELS,
        "level",
        services.self_assess,
        actor=admin,
        cycle=c,
        subject_org=world.org("kl-thon-1"),
        level="dtc_htt",
    )
    assert "tsvm_tieu_bieu" in msg and "yeu_kem" in msg
    ev = services.self_assess(actor=admin, cycle=c, member=world.members["huong"], level="dtc_htt")
    assert_refused(MODELS, "level", services.propose, actor=admin, evaluation=ev, level="")
    ev = services.propose(actor=admin, evaluation=ev, level="dtc_htt")
    assert_refused(
        MODELS,
        "level",
        services.decide,
        actor=admin,
        evaluation=ev,
        level="tsvm",
        by_org=world.org("kim-long"),
    )


def test_decision_date_not_in_the_future(world):
    c = cycle(world, year=2016)
    ev = proposed(world, c, "dtc_htt", member=world.members["huong"])
    assert_refused(
        MODELS,
        "on",
        services.decide,
        actor=world.users["admin"],
        evaluation=ev,
        level="dtc_htt",
        by_org=world.org("kim-long"),
        on=date(today().year + 1, 1, 1),
    )


# -- locking ---------------------------------------------------------------------------------


def test_lock_refused_while_evaluations_are_pending(world):
    c = cycle(world, year=2016)
    decided(world, c, "dtc_htt", member=world.members["huong"])
    proposed(world, c, "dtc_htt", member=world.members["an"])
    msg = assert_refused(MODELS, "cycle", services.lock_cycle, actor=world.users["admin"], cycle=c)
    assert "1" in msg
    assert not ReviewCycle.objects.get(pk=c.pk).locked


def test_locked_cycle_refuses_every_change_and_reopen_needs_a_reason(world):
    c = cycle(world, year=2016)
    admin = world.users["admin"]
    done = decided(world, c, "dtc_htt", member=world.members["huong"])
    before = audited("review.cycle_locked")
    c = services.lock_cycle(actor=admin, cycle=c)
    assert c.locked and c.locked_by == admin and audited("review.cycle_locked") == before + 1
    assert_refused(MODELS, "cycle", services.lock_cycle, actor=admin, cycle=c)
    assert_refused(
        MODELS,
        "cycle",
        services.self_assess,
        actor=admin,
        cycle=c,
        member=world.members["an"],
        level="dtc_htt",
    )
    assert_refused(
        MODELS,
        "cycle",
        services.self_assess,
        actor=admin,
        cycle=c,
        subject_org=world.org("kl-thon-1"),
        level="tsvm",
    )
    assert_refused(MODELS, "cycle", services.propose, actor=admin, evaluation=done, level="dtc_ht")
    assert_refused(
        MODELS, "cycle", services.return_evaluation, actor=admin, evaluation=done, reason="Sai"
    )
    assert_refused(
        MODELS,
        "cycle",
        services.decide,
        actor=admin,
        evaluation=done,
        level="dtc_ht",
        by_org=world.org("kim-long"),
    )
    assert_refused(
        MODELS,
        "cycle",
        services.add_remedy_group,
        actor=admin,
        cycle=c,
        org=world.org("kim-long"),
        title="Nhóm 1",
        shortcomings=["Hạn chế"],
        remedies=[{"text": "Sửa", "owner": "Bí thư", "deadline": date(2017, 6, 30)}],
    )
    # The stale object a caller may still hold does not unlock it either.
    stale = ReviewCycle.objects.get(pk=c.pk)
    stale.locked_at = None
    assert_refused(
        MODELS,
        "cycle",
        services.self_assess,
        actor=admin,
        cycle=stale,
        member=world.members["an"],
        level="dtc_htt",
    )
    assert_refused(MODELS, "reason", services.reopen_cycle, actor=admin, cycle=c, reason="")
    before = audited("review.cycle_reopened")
    c = services.reopen_cycle(actor=admin, cycle=c, reason="Phát hiện sai sót hồ sơ")
    assert not c.locked and c.locked_by is None
    assert audited("review.cycle_reopened") == before + 1
    entry = AuditEntry.objects.filter(action="review.cycle_reopened").last()
    assert "Phát hiện sai sót hồ sơ" in entry.summary and entry.actor == admin
    assert_refused(MODELS, "cycle", services.reopen_cycle, actor=admin, cycle=c, reason="Lần nữa")
    services.self_assess(actor=admin, cycle=c, member=world.members["an"], level="dtc_htt")


# -- rule 22: the 100-point scale ------------------------------------------------------------


def test_scores_outside_their_band_refused(world):
    c = cycle(world, year=2025)
    admin, huong = world.users["admin"], world.members["huong"]
    for general, tasks, field in [
        (31, 60, "score_general"),
        (-1, 60, "score_general"),
        (None, 60, "score_general"),
        ("abc", 60, "score_general"),
        ("NaN", 60, "score_general"),
        (25, 71, "score_tasks"),
        (25, -0.5, "score_tasks"),
        (25, None, "score_tasks"),
    ]:
        assert_refused(
            MODELS,
            field,
            services.self_assess,
            actor=admin,
            cycle=c,
            member=huong,
            level="ht",
            score_general=general,
            score_tasks=tasks,
        )
    ev = services.self_assess(
        actor=admin, cycle=c, member=huong, level="htxs", score_general=30, score_tasks="70"
    )
    assert (ev.score_general, ev.score_tasks) == (30, 70)


def test_level_above_the_score_refused_below_accepted(world):
    c = cycle(world, year=2025)
    admin, huong = world.users["admin"], world.members["huong"]
    msg = assert_refused(
        MODELS,
        "level",
        services.self_assess,
        actor=admin,
        cycle=c,
        member=huong,
        level="htxs",
        score_general=25,
        score_tasks=60,
    )
    assert "90" in msg and "85" in msg
    ev = services.self_assess(
        actor=admin, cycle=c, member=huong, level="htt", score_general=25, score_tasks=60
    )
    assert_refused(MODELS, "level", services.propose, actor=admin, evaluation=ev, level="htxs")
    ev = services.propose(actor=admin, evaluation=ev, level="htt")
    assert_refused(
        MODELS,
        "level",
        services.decide,
        actor=admin,
        evaluation=ev,
        level="htxs",
        by_org=world.org("kim-long"),
    )
    ev = services.decide(actor=admin, evaluation=ev, level="ht", by_org=world.org("kim-long"))
    assert ev.final_level.code == "ht"  # below what the score allows: a condition may lower it
    services.self_assess(
        actor=admin,
        cycle=c,
        member=world.members["an"],
        level="kht",
        score_general=25,
        score_tasks=65,
    )
    assert_refused(
        MODELS,
        "level",
        services.self_assess,
        actor=admin,
        cycle=c,
        member=world.members["dung"],
        level="htt",
        score_general=20,
        score_tasks=49.5,
    )


def test_scores_under_a_non_scored_scheme_refused(world):
    c = cycle(world, year=2016)
    msg = assert_refused(
        MODELS,
        "score_general",
        services.self_assess,
        actor=world.users["admin"],
        cycle=c,
        member=world.members["huong"],
        level="dtc_htt",
        score_general=20,
        score_tasks=50,
    )
    assert "không chấm điểm" in msg
    assert_refused(
        MODELS,
        "score_general",
        services.self_assess,
        actor=world.users["admin"],
        cycle=c,
        member=world.members["huong"],
        level="dtc_htt",
        score_tasks=50,
    )


# -- rule 23: the quota ----------------------------------------------------------------------


def five_good(world, c, good="htt"):
    for i, cell in enumerate(["kl-thon-1", "kl-thon-2", "kl-thon-1"]):
        extra_member(world, f"x{i}", cell, f"Thành viên {i}")
    for key in ("an", "binh", "dung", "x0", "x1"):
        decided(world, c, good, member=world.members[key])


def test_quota_under_qd124(world):
    c = cycle(world, year=2023)
    five_good(world, c)
    first = decided(world, c, "htxs", member=world.members["huong"])  # 20% of 5 = 1
    assert first.final_level.code == "htxs"
    ev = proposed(world, c, "htxs", member=world.members["x2"])
    msg = assert_refused(
        MODELS,
        "level",
        services.decide,
        actor=world.users["admin"],
        evaluation=ev,
        level="htxs",
        by_org=world.org("kim-long"),
    )
    assert "đảng viên do Đảng bộ xã Kim Long quyết định" in msg and "5" in msg and "20%" in msg
    assert "tối đa 1" in msg and " 2." in msg
    # A lower level is not capped.
    services.decide(
        actor=world.users["admin"], evaluation=ev, level="htt", by_org=world.org("kim-long")
    )


def test_quota_counts_only_the_peer_group(world):
    c = cycle(world, code="tam-duong", year=2023)
    five_good(world, c)
    decided(world, c, "htxs", member=world.members["huong"])
    # hoa is decided by hop-hoa: another peer group, with no member rated good.
    ev = proposed(world, c, "htxs", member=world.members["hoa"])
    msg = assert_refused(
        MODELS,
        "level",
        services.decide,
        actor=world.users["admin"],
        evaluation=ev,
        level="htxs",
        by_org=world.org("hop-hoa"),
    )
    assert "Đảng bộ thị trấn Hợp Hòa" in msg and "tối đa 0" in msg


def test_quota_switched_off_lets_it_through(world):
    c = cycle(world, year=2023)
    five_good(world, c)
    decided(world, c, "htxs", member=world.members["huong"])
    Scheme.objects.filter(code="qd124-member").update(quota_enabled=False)
    second = decided(world, c, "htxs", member=world.members["x2"])
    assert second.final_level.code == "htxs"


def test_quota_not_applied_under_hd27(world):
    c = cycle(world, year=2016)
    decided(world, c, "dtc_htt", member=world.members["an"])
    for key in ("huong", "dung"):
        assert decided(world, c, "dtc_htxs", member=world.members[key]).final_common_rank == 1


# -- conditions on the top level --------------------------------------------------------------


@pytest.fixture
def qd124_org_without_quota():
    """Isolate the condition from the quota (no peers rated good in these tests)."""
    Scheme.objects.filter(code="qd124-org").update(quota_enabled=False)


def discipline(world, on, **subject):
    return services.record_discipline(
        actor=world.users["admin"],
        form="Khiển trách",
        decided_on=on,
        decided_by=world.org("kim-long"),
        **subject,
    )


@pytest.mark.usefixtures("qd124_org_without_quota")
@pytest.mark.parametrize("subject", [("subject_org", "kl-thon-1"), ("member", "huong")])
def test_no_excellent_collective_with_a_disciplined_subordinate(world, subject):
    c = cycle(world, code="tam-duong", year=2023)
    field, key = subject
    target = world.org(key) if field == "subject_org" else world.members[key]
    before = audited("review.discipline")
    discipline(world, date(2023, 5, 10), **{field: target})
    assert audited("review.discipline") == before + 1
    ev = proposed(world, c, "htxs", org=world.org("kim-long"))
    msg = assert_refused(
        MODELS,
        "level",
        services.decide,
        actor=world.users["admin"],
        evaluation=ev,
        level="htxs",
        by_org=world.org("tam-duong"),
    )
    assert "Đảng bộ xã Kim Long" in msg and "1" in msg
    # The organisation next door is not affected; a lower level is allowed.
    other = decided(world, c, "htxs", org=world.org("hop-hoa"))
    assert other.final_level.code == "htxs"
    ev = services.decide(
        actor=world.users["admin"], evaluation=ev, level="htt", by_org=world.org("tam-duong")
    )
    assert ev.final_level.code == "htt"


@pytest.mark.usefixtures("qd124_org_without_quota")
def test_discipline_outside_the_period_does_not_bar(world):
    c = cycle(world, code="tam-duong", year=2023)
    discipline(world, date(2022, 12, 31), subject_org=world.org("kl-thon-1"))
    discipline(world, date(2023, 3, 1), member=world.members["tien"])  # another district
    assert decided(world, c, "htxs", org=world.org("kim-long")).final_common_rank == 1


def test_record_discipline_bad_input(world):
    assert_refused(MODELS, "member", discipline, world=world, on=date(2023, 1, 1))
    assert_refused(
        MODELS,
        "member",
        discipline,
        world=world,
        on=date(2023, 1, 1),
        member=world.members["huong"],
        subject_org=world.org("kl-thon-1"),
    )
    assert_refused(
        MODELS,
        "decided_on",
        discipline,
        world=world,
        on=date(today().year + 1, 1, 1),
        member=world.members["huong"],
    )


# -- remedies --------------------------------------------------------------------------------


def remedy(text="Đổi mới sinh hoạt chi bộ", owner="Bí thư", deadline=date(2017, 6, 30), **kw):
    return {"text": text, "owner": owner, "deadline": deadline, **kw}


def group(world, c, remedies=None, shortcomings=("Sinh hoạt còn hình thức",), title="Nhóm 1"):
    return services.add_remedy_group(
        actor=world.users["admin"],
        cycle=c,
        org=world.org("tam-duong"),
        title=title,
        shortcomings=list(shortcomings),
        remedies=[remedy()] if remedies is None else remedies,
    )


def test_remedy_group_needs_shortcomings_and_remedies_with_owner_and_deadline(world):
    c = cycle(world, code="tam-duong", year=2016)
    assert_refused(MODELS, "shortcomings", group, world=world, c=c, shortcomings=[])
    assert_refused(MODELS, "shortcomings", group, world=world, c=c, shortcomings=["  ", ""])
    assert_refused(MODELS, "remedies", group, world=world, c=c, remedies=[])
    assert_refused(MODELS, "remedies", group, world=world, c=c, remedies=[{}])
    assert_refused(MODELS, "remedies", group, world=world, c=c, remedies=[remedy(owner="")])
    assert_refused(MODELS, "remedies", group, world=world, c=c, remedies=[remedy(text=" ")])
    assert_refused(MODELS, "remedies", group, world=world, c=c, remedies=[remedy(deadline=None)])
    assert_refused(
        MODELS, "remedies", group, world=world, c=c, remedies=[remedy(deadline=date(2016, 6, 1))]
    )
    assert_refused(
        MODELS, "remedies", group, world=world, c=c, remedies=[remedy(deadline=date(2016, 12, 31))]
    )
    assert_refused(
        MODELS,
        "remedies",
        group,
        world=world,
        c=c,
        remedies=[remedy(), remedy(deadline=date(2016, 1, 1))],
    )
    assert_refused(MODELS, "title", group, world=world, c=c, title="")
    before = audited("review.remedies")
    g = group(
        world,
        c,
        shortcomings=["Sinh hoạt còn hình thức", "Kiểm tra chưa sâu"],
        remedies=[remedy(), remedy("Tăng kiểm tra", "UBKT", date(2017, 12, 31))],
    )
    assert audited("review.remedies") == before + 1
    assert g.shortcomings.count() == 2 and g.remedies.count() == 2
    assert {r.status for r in g.remedies.all()} == {RemedyStatus.OPEN}
    assert group(world, c, title="Nhóm 2").position == 1


def test_report_remedy_done_needs_evidence(world):
    c = cycle(world, code="tam-duong", year=2016)
    r = group(world, c).remedies.get()
    admin = world.users["admin"]
    assert_refused(
        MODELS,
        "evidence",
        services.report_remedy,
        actor=admin,
        remedy=r,
        status="done",
        evidence="",
    )
    assert_refused(
        MODELS, "status", services.report_remedy, actor=admin, remedy=r, status="gone", evidence="x"
    )
    assert Remedy.objects.get(pk=r.pk).status == RemedyStatus.OPEN
    services.report_remedy(actor=admin, remedy=r, status="in_progress", evidence="")
    before = audited("review.remedy_reported")
    services.report_remedy(actor=admin, remedy=r, status="done", evidence="Nghị quyết số 5")
    r.refresh_from_db()
    assert (r.status, r.evidence) == (RemedyStatus.DONE, "Nghị quyết số 5")
    assert audited("review.remedy_reported") == before + 1


def test_open_remedies_carry_over_into_the_next_cycle(world):
    c2016 = cycle(world, code="tam-duong", year=2016)
    g = group(world, c2016, remedies=[remedy("A"), remedy("B"), remedy("C")])
    a, b, _ = g.remedies.order_by("text")
    services.report_remedy(actor=world.users["admin"], remedy=a, status="done", evidence="Xong")
    services.report_remedy(actor=world.users["admin"], remedy=b, status="in_progress", evidence="")
    c2017 = cycle(world, code="tam-duong", year=2017)
    assert set(
        services.open_remedies(world.org("tam-duong"), c2017).values_list("text", flat=True)
    ) == {"B", "C"}
    assert not services.open_remedies(world.org("tam-duong"), c2016).exists()
    assert not services.open_remedies(world.org("kim-long"), c2017).exists()
    # Reported on in 2017 (carried over): no longer open from 2016.
    group(world, c2017, remedies=[remedy("B", deadline=date(2018, 6, 30), carried_from=b)])
    left = services.open_remedies(world.org("tam-duong"), c2017)
    assert list(left.values_list("text", flat=True)) == ["C"]


def test_remedy_group_of_another_organisation_or_a_locked_cycle_refused(world):
    c = cycle(world, code="kim-long", year=2016)
    assert_refused(
        MODELS,
        "org",
        services.add_remedy_group,
        actor=world.users["admin"],
        cycle=c,
        org=world.org("hop-hoa"),
        title="Nhóm",
        shortcomings=["Hạn chế"],
        remedies=[remedy()],
    )
    stale = ReviewCycle.objects.get(pk=c.pk)
    services.lock_cycle(actor=world.users["admin"], cycle=c)
    assert_refused(
        MODELS,
        "cycle",
        services.add_remedy_group,
        actor=world.users["admin"],
        cycle=stale,
        org=world.org("kl-thon-1"),
        title="Nhóm",
        shortcomings=["Hạn chế"],
        remedies=[remedy()],
    )


# -- the review window (frozen dates) ----------------------------------------------------


def test_review_window_before_during_after_and_locked(world, monkeypatch):
    def on(day):
        monkeypatch.setattr(services, "today", lambda: day)

    admin = world.users["admin"]
    on(date(2025, 10, 1))
    c = services.open_cycle(actor=admin, org=world.org("kim-long"), year=2025)
    assert (c.opens_on, c.closes_on) == (date(2025, 11, 15), date(2026, 1, 31))
    kw = dict(
        actor=admin,
        cycle=c,
        member=world.members["huong"],
        level="htt",
        score_general=25,
        score_tasks=55,
    )
    msg = assert_refused(MODELS, "cycle", services.self_assess, **kw)  # before
    assert "15/11/2025" in msg
    on(date(2025, 11, 15))  # during
    ev = services.self_assess(**kw)
    on(date(2026, 2, 1))  # after: no more proposals, the decision still possible
    assert_refused(MODELS, "cycle", services.propose, actor=admin, evaluation=ev, level="htt")
    assert_refused(MODELS, "cycle", services.self_assess, **{**kw, "member": world.members["an"]})
    on(date(2026, 1, 31))
    ev = services.propose(actor=admin, evaluation=ev, level="htt")
    on(date(2026, 2, 10))
    ev = services.decide(
        actor=admin, evaluation=ev, level="htt", by_org=world.org("kim-long"), on=date(2026, 2, 10)
    )
    services.lock_cycle(actor=admin, cycle=c)  # locked
    assert_refused(MODELS, "cycle", services.self_assess, **{**kw, "member": world.members["an"]})
