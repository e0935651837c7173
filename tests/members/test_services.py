"""Member lifecycle services on both engines: each rule accepted at its boundary, refused
just past it, and a refused call leaves no trace."""

import unicodedata
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.core.dates import today
from dangbo.core.errors import messages_of
from dangbo.core.models import AuditEntry, LegalDocument
from dangbo.members import queries, rules
from dangbo.members import services as svc
from dangbo.members.models import BadgeAward, Exemption, Member, MemberEvent, Membership
from dangbo.registry import queries as registry_queries
from dangbo.registry import services as registry_services
from tests.support import assert_refused, counts

pytestmark = pytest.mark.django_db

OLD = date(1998, 1, 1)  # cells of the world exist from 1997
MODELS = (Member, Membership, MemberEvent, AuditEntry)


def person(**extra):
    return {"full_name": "Lò Văn Páo", "gender": "M", "date_of_birth": date(1990, 5, 10), **extra}


def admit(world, cell="kl-thon-2", data=None, decided=date(2020, 3, 2), ceremony=None, **kw):
    return svc.admit_member(
        actor=world.users["admin"],  # holds the sensitive grant: ID numbers may be written
        org=world.org(cell),
        data=data or person(),
        admission_decision_date=decided,
        admission_ceremony_date=ceremony or decided,
        **kw,
    )


# -- admission ----------------------------------------------------------------------------


def test_admit_creates_probationary_member_with_history(world):
    before = counts(*MODELS)
    m = admit(world, data=person(full_name="  lò  văn   páo "), ceremony=date(2020, 3, 20))
    assert m.status == "probationary" and m.official_recognition_date is None
    assert m.full_name == "lò văn páo" and m.search_name == "lo van pao"
    assert m.org == world.org("kl-thon-2") and m.admission_org == world.org("kl-thon-2")
    ms = Membership.objects.get(member=m)
    assert (ms.kind, ms.org_id, ms.valid_from, ms.valid_to) == (
        "official",
        world.org("kl-thon-2").pk,
        date(2020, 3, 2),
        None,
    )
    ev = MemberEvent.objects.get(member=m)
    assert ev.kind == "admitted" and ev.effective_date == date(2020, 3, 2)
    assert ev.status_after == "probationary" and ev.recorded_by == world.users["admin"]
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "member.admitted" and entry.object_id == str(m.pk)
    assert entry.actor == world.users["admin"]
    assert entry.after["status"] == "probationary"
    assert counts(*MODELS) == {k: v + 1 for k, v in before.items()}


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("date_of_birth", {"data": person(date_of_birth=None)}),
        ("date_of_birth", {"data": person(date_of_birth="31/02/2000")}),
        ("date_of_birth", {"data": {"full_name": "A B", "gender": "M"}}),
        ("full_name", {"data": {"gender": "M", "date_of_birth": date(1990, 1, 1)}}),
        ("gender", {"data": person(gender="X")}),
        ("admission_decision_date", {"decided": None, "ceremony": date(2020, 3, 2)}),
        ("admission_decision_date", {"decided": "2020-03-02", "ceremony": date(2020, 3, 2)}),
        ("admission_ceremony_date", {"ceremony": "02/03/2020"}),
        ("admission_ceremony_date", {"ceremony": date(2020, 3, 1)}),  # before the decision
        ("admission_vote_date", {"admission_vote_date": date(2020, 3, 3)}),  # after decision
        ("admission_vote_date", {"admission_vote_date": "01/03/2020"}),
        ("official_recognition_date", {"official_recognition_date": "02/03/2021"}),
        ("official_recognition_date", {"official_recognition_date": date(2021, 3, 1)}),
        ("card_number", {"data": person(card_number="12345678")}),  # huong's card
        ("card_number", {"data": person(card_number="1234567")}),
        ("card_number", {"data": person(card_number="1234567a")}),
        ("id_number", {"data": person(id_number="026180001234")}),  # huong's CCCD
        ("id_number", {"data": person(id_number="02618000123")}),
        ("phone", {"data": person(phone="12ab")}),
        ("full_name", {"data": person(full_name="Lò\x00Páo")}),
        ("full_name", {"data": person(full_name="Lò Văn " + "P" * 120)}),
        ("full_name", {"data": person(full_name="   ")}),
        ("home_town", {"data": person(home_town="x\x1by")}),
        ("org", {"cell": "kim-long"}),  # a committee, not a cell
        (
            "org",
            {"decided": date(1996, 5, 1), "data": person(date_of_birth=date(1970, 1, 1))},
        ),  # cell not yet founded
    ],
)
def test_admit_refuses_bad_input_and_changes_nothing(world, field, kwargs):
    assert_refused(MODELS, field, admit, world=world, **kwargs)


def test_admit_age_boundaries(world):
    decided = date(2020, 3, 2)
    young = rules.add_years(decided, -18)
    assert_refused(
        MODELS,
        "date_of_birth",
        admit,
        world=world,
        data=person(date_of_birth=young + timedelta(days=1)),
    )
    assert admit(world, data=person(date_of_birth=young)).status == "probationary"
    old = rules.add_months(rules.add_years(decided, -60), -1)
    msg = assert_refused(
        MODELS, "date_of_birth", admit, world=world, data=person(date_of_birth=old, full_name="Già")
    )
    assert "60" in msg
    doc = LegalDocument.objects.create(
        number="99-CV/TU", kind="CV", issuer="Tỉnh ủy", issue_date=date(2020, 1, 1)
    )
    m = admit(world, data=person(date_of_birth=old, full_name="Già"), provincial_approval_doc=doc)
    assert m.provincial_approval_doc == doc
    # The age is taken at the cell's vote when it is known.
    vote = date(2020, 2, 1)
    born = rules.add_years(vote, -18) + timedelta(days=1)
    assert_refused(
        MODELS,
        "date_of_birth",
        admit,
        world=world,
        data=person(date_of_birth=born),
        admission_vote_date=vote,
    )


def test_admit_refuses_future_dates(world):
    tomorrow = today() + timedelta(days=1)
    assert_refused(MODELS, "admission_decision_date", admit, world=world, decided=tomorrow)
    assert_refused(
        MODELS, "admission_ceremony_date", admit, world=world, decided=today(), ceremony=tomorrow
    )
    assert_refused(MODELS, "date_of_birth", admit, world=world, data=person(date_of_birth=tomorrow))


def test_admit_reports_every_bad_field_at_once(world):
    before = counts(*MODELS)
    with pytest.raises(ValidationError) as exc:
        admit(
            world, data=person(card_number="1", id_number="2", phone="x"), ceremony=date(2020, 1, 1)
        )
    assert {"card_number", "id_number", "phone", "admission_ceremony_date"} <= set(
        messages_of(exc.value)
    )
    assert counts(*MODELS) == before


def test_admit_normalises_card_number_spacing(world):
    m = admit(world, data=person(card_number="8765 4321", id_number="026.190.000.111"))
    assert (m.card_number, m.id_number) == ("87654321", "026190000111")


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31)))
def test_admission_age_rule_matches_pure_rule(world, dob):
    """The service applies rule 7 exactly as the pure function does."""
    decided = date(2020, 3, 2)
    expected_ok = rules.admission_age_error(dob, decided, has_provincial_approval=False) is None
    before = counts(*MODELS)
    sid = transaction.savepoint()
    try:
        admit(world, data=person(date_of_birth=dob))
        ok = True
    except ValidationError as exc:
        assert "date_of_birth" in messages_of(exc)
        assert counts(*MODELS) == before
        ok = False
    transaction.savepoint_rollback(sid)
    assert ok == expected_ok


# -- recognition --------------------------------------------------------------------------


def test_recognise_boundaries(world):
    binh = world.members["binh"]  # ceremony 2016-06-01
    end = date(2017, 6, 1)
    assert_refused(
        MODELS,
        "recognition_date",
        svc.recognise_official,
        actor=None,
        member=binh,
        recognition_date=end - timedelta(days=1),
    )
    assert_refused(
        MODELS,
        "recognition_date",
        svc.recognise_official,
        actor=None,
        member=binh,
        recognition_date=today() + timedelta(days=1),
    )
    m = svc.recognise_official(
        actor=None, member=binh, recognition_date=end, decision_ref="12-QĐ/ĐU"
    )
    assert m.status == "official" and m.official_recognition_date == end
    ev = m.events.order_by("-id").first()
    assert (ev.kind, ev.effective_date, ev.decision_ref) == ("recognised", end, "12-QĐ/ĐU")
    assert AuditEntry.objects.order_by("-id").first().action == "member.recognised"
    assert_refused(
        MODELS, "member", svc.recognise_official, actor=None, member=binh, recognition_date=end
    )


def test_register_with_recognition_is_official(world):
    m = admit(world, official_recognition_date=date(2021, 3, 2))
    assert m.status == "official"


# -- transfers ----------------------------------------------------------------------------


def test_transfer_closes_old_membership_and_opens_new(world):
    dung = world.members["dung"]
    day = date(2022, 5, 10)
    m = svc.transfer_member(
        actor=None, member=dung, to_org=world.org("hh-tdp-1"), effective_date=day
    )
    assert m.org == world.org("hh-tdp-1")
    assert Member.objects.get(pk=dung.pk).org_id == world.org("hh-tdp-1").pk
    old, new = Membership.objects.filter(member=dung).order_by("valid_from")
    assert (old.org_id, old.valid_to) == (world.org("kl-thon-2").pk, day - timedelta(days=1))
    assert (new.org_id, new.valid_from, new.valid_to) == (world.org("hh-tdp-1").pk, day, None)
    ev = m.events.order_by("-id").first()
    assert (ev.kind, ev.from_org_id, ev.to_org_id) == (
        "transferred",
        world.org("kl-thon-2").pk,
        world.org("hh-tdp-1").pk,
    )
    # Counts follow: kim-long before the move, hop-hoa after it.
    assert (
        registry_queries.member_counts(world.org("kim-long"), day - timedelta(days=1))["total"] == 4
    )
    assert registry_queries.member_counts(world.org("kim-long"), day)["total"] == 3
    assert registry_queries.member_counts(world.org("hop-hoa"), day)["total"] == 2


@pytest.mark.parametrize(
    ("to", "day", "field"),
    [
        ("kim-long", date(2022, 1, 1), "to_org"),  # a committee
        ("tam-duong", date(2022, 1, 1), "to_org"),
        ("kl-thon-2", date(2022, 1, 1), "to_org"),  # the same cell
        ("hh-tdp-1", date(1996, 1, 1), "to_org"),  # cell not active then
        ("hh-tdp-1", date(2000, 3, 2), "effective_date"),  # not after the current start
        ("hh-tdp-1", None, "to_org"),
    ],
)
def test_transfer_refusals(world, to, day, field):
    kwargs = {
        "actor": None,
        "member": world.members["dung"],
        "effective_date": day or date(2022, 1, 1),
    }
    kwargs["to_org"] = world.org(to) if day else None
    assert_refused(MODELS, field, svc.transfer_member, **kwargs)


def test_transfer_refuses_future_date(world):
    assert_refused(
        MODELS,
        "effective_date",
        svc.transfer_member,
        actor=None,
        member=world.members["dung"],
        to_org=world.org("hh-tdp-1"),
        effective_date=today() + timedelta(days=1),
    )


def test_database_allows_one_open_official_membership(world):
    dung = world.members["dung"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            member=dung, org=world.org("hh-tdp-1"), kind="official", valid_from=date(2020, 1, 1)
        )
    # A closed one or a temporary one is fine.
    Membership.objects.create(
        member=dung, org=world.org("hh-tdp-1"), kind="temporary", valid_from=date(2020, 1, 1)
    )
    Membership.objects.create(
        member=dung,
        org=world.org("hh-tdp-1"),
        kind="official",
        valid_from=date(1999, 1, 1),
        valid_to=date(1999, 12, 31),
    )


TEMPORARY_START = date(2023, 1, 10)


@pytest.mark.parametrize(
    ("field", "to", "planned_end", "reason"),
    [
        ("planned_end", "hh-tdp-1", date(2023, 4, 9), "work"),
        ("planned_end", "hh-tdp-1", date(2024, 1, 10), "residence"),
        ("planned_end", "hh-tdp-1", date(2025, 1, 11), "study"),
        ("reason", "hh-tdp-1", date(2023, 6, 1), "holiday"),
        ("to_org", "kl-thon-2", date(2023, 6, 1), "work"),  # her own cell
        ("to_org", "hop-hoa", date(2023, 6, 1), "work"),  # a committee, not a cell
    ],
)
def test_temporary_transfer_refusals(world, field, to, planned_end, reason):
    assert_refused(
        MODELS,
        field,
        svc.temporary_transfer,
        actor=None,
        member=world.members["dung"],
        to_org=world.org(to),
        start=TEMPORARY_START,
        planned_end=planned_end,
        reason=reason,
    )


def test_temporary_transfer_duration_and_overlap(world):
    dung = world.members["dung"]
    to = world.org("hh-tdp-1")
    start = TEMPORARY_START
    base = {"actor": None, "member": dung, "to_org": to, "start": start}
    # An extension allows a longer stay.
    ms = svc.temporary_transfer(
        **base, planned_end=date(2025, 1, 11), reason="study", extended=True
    )
    assert (ms.kind, ms.valid_from, ms.planned_end, ms.reason) == (
        "temporary",
        start,
        date(2025, 1, 11),
        "study",
    )
    # The official membership is untouched.
    assert (
        Membership.objects.get(member=dung, kind="official", valid_to__isnull=True).org_id
        == world.org("kl-thon-2").pk
    )
    assert Member.objects.get(pk=dung.pk).org_id == world.org("kl-thon-2").pk
    # One temporary place at a time.
    assert_refused(
        MODELS,
        "to_org",
        svc.temporary_transfer,
        **{**base, "to_org": world.org("cb-toa-an")},
        planned_end=date(2023, 6, 1),
        reason="work",
    )
    assert_refused(
        MODELS,
        "end_date",
        svc.end_temporary_transfer,
        actor=None,
        member=dung,
        end_date=start - timedelta(days=1),
    )
    svc.end_temporary_transfer(actor=None, member=dung, end_date=date(2023, 9, 1))
    assert_refused(
        MODELS,
        "member",
        svc.end_temporary_transfer,
        actor=None,
        member=dung,
        end_date=date(2023, 9, 2),
    )
    # A new stay may not overlap the closed one.
    assert_refused(
        MODELS,
        "start",
        svc.temporary_transfer,
        **{**base, "start": date(2023, 8, 1)},
        planned_end=date(2023, 12, 1),
        reason="work",
    )
    later = svc.temporary_transfer(
        **{**base, "start": date(2023, 9, 2)}, planned_end=date(2023, 12, 2), reason="work"
    )
    assert later.valid_to is None


def test_exemption_open_close(world):
    an = world.members["an"]
    assert_refused(
        MODELS,
        "category",
        svc.exempt_member,
        actor=None,
        member=an,
        category="bored",
        start=date(2020, 1, 1),
    )
    assert_refused(
        MODELS,
        "start",
        svc.exempt_member,
        actor=None,
        member=an,
        category="elderly",
        start=date(1990, 1, 1),
    )
    e = svc.exempt_member(
        actor=None, member=an, category="elderly", start=date(2020, 1, 1), resolution_ref="NQ 5"
    )
    assert e.valid_to is None and an.events.order_by("-id").first().kind == "exempted"
    assert_refused(
        MODELS,
        "category",
        svc.exempt_member,
        actor=None,
        member=an,
        category="health",
        start=date(2021, 1, 1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Exemption.objects.create(member=an, category="health", valid_from=date(2021, 1, 1))
    assert_refused(
        MODELS, "end_date", svc.end_exemption, actor=None, member=an, end_date=date(2019, 12, 31)
    )
    svc.end_exemption(actor=None, member=an, end_date=date(2021, 6, 1))
    assert Exemption.objects.get(pk=e.pk).valid_to == date(2021, 6, 1)
    assert_refused(
        MODELS, "member", svc.end_exemption, actor=None, member=an, end_date=date(2021, 6, 2)
    )


# -- exits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "key"),
    [
        ("struck_off", "struck_off", "binh"),
        ("struck_off", "struck_off", "an"),
        ("expelled", "expelled", "an"),
        ("resigned", "resigned", "an"),
        ("deceased", "deceased", "an"),
        ("transferred_out", "left", "binh"),
    ],
)
def test_exits(world, kind, status, key):
    m = world.members[key]
    svc.exempt_member(actor=None, member=m, category="health", start=date(2020, 1, 1))
    svc.temporary_transfer(
        actor=None,
        member=m,
        to_org=world.org("hh-tdp-1"),
        start=date(2020, 2, 1),
        planned_end=date(2020, 8, 1),
        reason="work",
    )
    day = date(2020, 5, 5)
    m = svc.end_membership(actor=None, member=m, kind=kind, effective_date=day, decision_ref="QĐ 1")
    assert (m.status, m.exit_date) == (status, day)
    assert not Membership.objects.filter(member=m, valid_to__isnull=True).exists()
    assert Membership.objects.get(member=m, kind="official", valid_from__lte=day, valid_to=day)
    assert not Exemption.objects.filter(member=m, valid_to__isnull=True).exists()
    assert m.events.order_by("-id").first().kind == kind
    assert AuditEntry.objects.order_by("-id").first().action == f"member.{kind}"
    # Out of the counts from the exit date.
    cell = world.org("kl-thon-1")
    assert registry_queries.member_counts(cell, day - timedelta(days=1))["total"] == 3
    assert registry_queries.member_counts(cell, day)["total"] == 2
    for again in ("deceased", "struck_off"):
        assert_refused(
            MODELS,
            "member",
            svc.end_membership,
            actor=None,
            member=m,
            kind=again,
            effective_date=day,
        )


@pytest.mark.parametrize(
    ("key", "field", "kind", "effective_date"),
    [
        ("binh", "kind", "expelled", date(2020, 1, 1)),  # binh is a probationer
        ("an", "kind", "holiday", date(2020, 1, 1)),
        ("an", "effective_date", "deceased", date(1999, 1, 1)),
        ("an", "effective_date", "deceased", today() + timedelta(days=1)),
    ],
)
def test_exit_refusals(world, key, field, kind, effective_date):
    assert_refused(
        MODELS,
        field,
        svc.end_membership,
        actor=None,
        member=world.members[key],
        kind=kind,
        effective_date=effective_date,
    )


def test_member_who_died_counts_only_before(world):
    svc.end_membership(
        actor=None, member=world.members["an"], kind="deceased", effective_date=date(2010, 4, 1)
    )
    cell = world.org("kl-thon-1")
    assert registry_queries.member_counts(cell, date(2009, 12, 31))["total"] == 2
    assert registry_queries.member_counts(cell, date(2011, 1, 1))["total"] == 1


# -- interruptions, party age, badges ------------------------------------------------------


def test_interruption_shifts_party_age_and_badge(world):
    an = world.members["an"]  # decision 1999-05-19: 30 years on 2029-05-19
    as_of = date(2024, 5, 19)
    assert queries.summary(an, as_of).party_age == 25
    assert_refused(
        MODELS,
        "start",
        svc.record_interruption,
        actor=None,
        member=an,
        start=date(1998, 1, 1),
        end=date(1998, 2, 1),
        reason="x",
    )
    assert_refused(
        MODELS,
        "end",
        svc.record_interruption,
        actor=None,
        member=an,
        start=date(2005, 1, 2),
        end=date(2005, 1, 1),
        reason="x",
    )
    svc.record_interruption(
        actor=None, member=an, start=date(2005, 1, 1), end=date(2005, 1, 31), reason="Bỏ sinh hoạt"
    )
    assert_refused(
        MODELS,
        "start",
        svc.record_interruption,
        actor=None,
        member=an,
        start=date(2005, 1, 31),
        end=date(2005, 2, 5),
        reason="x",
    )
    assert queries.summary(an, as_of).party_age == 24
    assert queries.summary(an, as_of + timedelta(days=31)).party_age == 25


def test_award_badge_due_and_too_early(world):
    an = world.members["an"]  # decision 1999-05-19
    with pytest.raises(ValidationError):
        svc.award_badge(actor=None, member=an, milestone=30, award_date=date(2026, 2, 3))
    older = admit(
        world,
        data=person(full_name="Cụ Lão", date_of_birth=date(1940, 1, 1)),
        decided=date(1970, 1, 1),
        official_recognition_date=date(1971, 1, 1),
        membership_from=OLD,
    )
    assert_refused(
        MODELS,
        "milestone",
        svc.award_badge,
        actor=None,
        member=older,
        milestone=35,
        award_date=date(2020, 2, 3),
    )
    badge = svc.award_badge(actor=None, member=older, milestone=50, award_date=date(2020, 2, 3))
    assert (badge.milestone, badge.early, badge.posthumous) == (50, False, False)
    assert older.events.order_by("-id").first().kind == "badge"
    assert_refused(
        MODELS,
        "milestone",
        svc.award_badge,
        actor=None,
        member=older,
        milestone=50,
        award_date=date(2020, 5, 19),
    )
    assert_refused(
        MODELS,
        "milestone",
        svc.award_badge,
        actor=None,
        member=older,
        milestone=45,
        award_date=date(2020, 5, 19),
    )
    assert queries.summary(older, date(2021, 1, 1)).badge_due is None
    assert queries.summary(older, date(2025, 1, 1)).badge_due.milestone == 55


def test_award_badge_early_with_severe_illness(world):
    m = admit(
        world,
        data=person(full_name="Ốm Nặng", date_of_birth=date(1950, 1, 1)),
        decided=date(1997, 8, 1),
        official_recognition_date=date(1998, 8, 1),
        cell="kl-thon-1",
    )
    # 30 years on 2027-08-01; 12 months early is 2026-08-01.
    assert_refused(
        MODELS,
        "milestone",
        svc.award_badge,
        actor=None,
        member=m,
        milestone=30,
        award_date=date(2026, 9, 2),
    )
    svc.update_member(actor=None, member=m, data={"severe_illness": True})
    assert_refused(
        MODELS,
        "milestone",
        svc.award_badge,
        actor=None,
        member=m,
        milestone=30,
        award_date=date(2026, 7, 31),
    )
    badge = svc.award_badge(actor=None, member=m, milestone=30, award_date=date(2026, 9, 2))
    assert badge.early is True


def test_award_badge_posthumous_and_excluded(world):
    dead = admit(
        world,
        data=person(full_name="Cố Nhân", date_of_birth=date(1930, 1, 1)),
        decided=date(1960, 1, 1),
        official_recognition_date=date(1961, 1, 1),
        membership_from=OLD,
    )
    svc.end_membership(actor=None, member=dead, kind="deceased", effective_date=date(2019, 1, 1))
    # 60 years would have come on 01/01/2020, after death: not awardable; 55 was reached.
    assert_refused(
        MODELS,
        "milestone",
        svc.award_badge,
        actor=None,
        member=dead,
        milestone=60,
        award_date=date(2020, 2, 3),
    )
    badge = svc.award_badge(actor=None, member=dead, milestone=55, award_date=date(2020, 2, 3))
    assert badge.posthumous is True and badge.early is False
    for kind in ("struck_off", "expelled", "resigned"):
        m = admit(
            world,
            data=person(full_name=f"Ra {kind}", date_of_birth=date(1930, 1, 1)),
            decided=date(1960, 1, 1),
            official_recognition_date=date(1961, 1, 1),
            membership_from=OLD,
        )
        svc.end_membership(actor=None, member=m, kind=kind, effective_date=date(2019, 1, 1))
        assert_refused(
            MODELS,
            "milestone",
            svc.award_badge,
            actor=None,
            member=m,
            milestone=50,
            award_date=date(2020, 2, 3),
        )
        assert not BadgeAward.objects.filter(member=m).exists()
    assert_refused(
        MODELS,
        "milestone",
        svc.award_badge,
        actor=None,
        member=world.members["binh"],
        milestone=30,
        award_date=date(2020, 2, 3),
    )


def test_interruption_delays_badge(world):
    m = admit(
        world,
        data=person(full_name="Gián Đoạn", date_of_birth=date(1950, 1, 1)),
        decided=date(1990, 1, 1),
        official_recognition_date=date(1991, 1, 1),
        membership_from=OLD,
    )
    svc.record_interruption(
        actor=None, member=m, start=date(2000, 1, 1), end=date(2000, 12, 31), reason="Gián đoạn"
    )
    assert_refused(
        MODELS,
        "milestone",
        svc.award_badge,
        actor=None,
        member=m,
        milestone=30,
        award_date=date(2020, 2, 3),
    )
    assert queries.summary(m, date(2020, 6, 1)).badge_due is None
    assert queries.summary(m, date(2021, 1, 1)).badge_due is None
    assert queries.summary(m, date(2021, 1, 2)).badge_due.milestone == 30
    assert svc.award_badge(actor=None, member=m, milestone=30, award_date=date(2021, 2, 3))


# -- update -------------------------------------------------------------------------------


def test_update_member(world):
    huong = world.members["huong"]
    assert_refused(
        MODELS,
        "card_number",
        svc.update_member,
        actor=None,
        member=world.members["an"],
        data={"card_number": "12345678"},
    )
    assert_refused(
        MODELS, "status", svc.update_member, actor=None, member=huong, data={"status": "official"}
    )
    assert_refused(
        MODELS,
        "date_of_birth",
        svc.update_member,
        actor=None,
        member=huong,
        data={"date_of_birth": date(2005, 1, 1)},
    )
    m = svc.update_member(
        actor=None, member=huong, data={"full_name": "Nguyễn Thị Hường", "card_number": "12345678"}
    )
    assert m.search_name == "nguyen thi huong" and m.sort_key == svc.name_sort_key(
        "Nguyễn Thị Hường"
    )
    n = AuditEntry.objects.count()
    svc.update_member(actor=None, member=m, data={"full_name": "Nguyễn Thị Hường"})  # no change
    assert AuditEntry.objects.count() == n


# -- queries ------------------------------------------------------------------------------


def _found(world, text):
    ids = set(queries.search(Member.objects.all(), text).values_list("pk", flat=True))
    return {k for k, m in world.members.items() if m.pk in ids}


def test_search_folds_accents_and_finds_numbers(world):
    assert _found(world, "huong") == {"huong"}
    assert _found(world, "HƯƠNG") == {"huong"}
    assert _found(world, "nguyễn hương") == {"huong"}
    assert _found(world, "hương nguyễn") == {"huong"}  # every word, any order
    assert _found(world, unicodedata.normalize("NFD", "Hương")) == {"huong"}
    assert _found(world, "thi") == {"huong", "dung", "hoa"}
    assert _found(world, "do thi") == {"hoa"}  # Đỗ → do
    assert _found(world, "van") == {"an", "binh"}
    assert _found(world, "12345678") == {"huong"}
    assert _found(world, "1234 5678") == {"huong"}
    assert _found(world, "026180009999") == set()  # ID numbers: only with a sensitive grant


def test_id_number_search_needs_a_sensitive_grant_and_is_logged(world):
    from dangbo.core.models import AuditEntry

    def found(user, text):
        hits = queries.search(Member.objects.all(), text, world.users[user])
        return {k for k, m in world.members.items() if hits.filter(pk=m.pk).exists()}

    logged = AuditEntry.objects.filter(action="member.sensitive_search")
    assert found("staff", "026180001234") == set() and not logged.exists()
    assert found("admin", "026180001234") == {"huong"}  # admin: sensitive on tam-duong
    assert found("admin", "026180009999") == set()  # tien is in vinh-tuong
    assert found("root", "026180009999") == {"tien"}
    assert logged.count() == 3
    assert "026180001234" not in str(list(logged.values("summary", "after", "object_id")))
    assert _found(world, "1234567") == set()
    assert _found(world, "%") == set()
    assert _found(world, "") == set(world.members)


def test_ordered_is_vietnamese_order(world):
    for full in ("Lê Thị An", "Đặng Văn Bình", "Dương Bình", "Trần Ánh"):
        admit(world, data=person(full_name=full))
    names = list(queries.ordered(Member.objects.all()).values_list("full_name", flat=True))
    assert names == [
        "Lê Thị An",
        "Trần Văn An",
        "Trần Ánh",
        "Dương Bình",
        "Đặng Văn Bình",
        "Lê Văn Bình",
        "Phạm Thị Dung",
        "Đỗ Thị Hoa",
        "Nguyễn Thị Hương",
        "Vũ Quốc Khánh",
        "Hoàng Minh Tiến",
    ]


def test_summary_fields(world):
    binh = world.members["binh"]  # born 1990-02-01, ceremony 2016-06-01, probationary
    s = queries.summary(binh, date(2017, 9, 1))
    assert s.probation_end == date(2017, 6, 1)
    assert s.recognition_overdue is True  # 92 days > 90 days' grace
    assert queries.summary(binh, date(2017, 8, 30)).recognition_overdue is False
    assert s.party_age is None and s.badge_due is None and s.badges == []
    assert s.age == 27
    an = queries.summary(world.members["an"], date(2029, 5, 19))
    assert an.party_age == 30 and an.recognition_overdue is False
    assert an.badge_due.milestone == 30 and an.badge_due.award_round == date(2029, 5, 19)
    assert an.age == 79


# -- closing loose ends ------------------------------------------------------------------


def test_exit_before_an_open_temporary_transfer_or_exemption_is_refused(world):
    dung = world.members["dung"]
    svc.temporary_transfer(
        actor=None,
        member=dung,
        to_org=world.org("hh-tdp-1"),
        start=date(2021, 1, 1),
        planned_end=date(2021, 9, 1),
        reason="work",
    )
    assert_refused(
        MODELS,
        "effective_date",
        svc.end_membership,
        actor=None,
        member=dung,
        kind="deceased",
        effective_date=date(2020, 12, 31),
    )
    svc.end_temporary_transfer(actor=None, member=dung, end_date=date(2021, 9, 1))
    svc.exempt_member(actor=None, member=dung, category="elderly", start=date(2022, 1, 1))
    assert_refused(
        MODELS,
        "effective_date",
        svc.end_membership,
        actor=None,
        member=dung,
        kind="deceased",
        effective_date=date(2021, 12, 31),
    )
    svc.end_membership(actor=None, member=dung, kind="deceased", effective_date=date(2022, 6, 1))
    assert dung.exemptions.get().valid_to == date(2022, 6, 1)


def test_no_transfer_into_a_cell_that_has_ended_even_backdated(world):
    from dangbo.orgs import services as org_services

    cell = org_services.create_org(
        actor=None,
        code="cu",
        name="Chi bộ cũ",
        kind="sub_cell",
        sector="village",
        parent=world.org("kim-long"),
        valid_from=date(2000, 1, 1),
    )
    registry_services.dissolve_org(actor=None, org=cell, effective_date=date(2015, 1, 1))
    assert_refused(
        MODELS,
        "to_org",
        svc.transfer_member,
        actor=None,
        member=world.members["dung"],
        to_org=cell,
        effective_date=date(2010, 1, 1),
    )


def test_no_official_transfer_into_the_cell_hosting_a_temporary_stay(world):
    dung, host = world.members["dung"], world.org("hh-tdp-1")
    svc.temporary_transfer(
        actor=None,
        member=dung,
        to_org=host,
        start=date(2021, 1, 1),
        planned_end=date(2021, 9, 1),
        reason="work",
    )
    assert_refused(
        MODELS,
        "to_org",
        svc.transfer_member,
        actor=None,
        member=dung,
        to_org=host,
        effective_date=date(2021, 3, 1),
    )


def test_ages_stop_at_death_and_the_next_round_is_not_in_the_past(world):
    an = svc.end_membership(
        actor=None, member=world.members["an"], kind="deceased", effective_date=date(2010, 1, 1)
    )  # admitted 19/05/1999
    facts = queries.summary(an, date(2026, 11, 28))
    assert facts.party_age == 10 and facts.age == 59 and facts.badge_due is None
    due = queries.summary(world.members["dung"], date(2031, 1, 1)).badge_due  # 30 y: 2030
    assert due.milestone == 30 and due.milestone_date == date(2030, 3, 2)
    assert due.award_round == date(2031, 2, 3)  # 19/05/2030 was missed: the next round


def test_writing_sensitive_fields_needs_the_grant(world):
    """Otherwise the duplicate-ID check would tell anyone with change rights whose number
    a CCCD is, across the registry. One rule for every channel: the service refuses (403 on
    the web and the API) and writes nothing."""
    attempts = [
        lambda: svc.admit_member(
            actor=world.users["staff"],
            org=world.org("kl-thon-2"),
            data=person(id_number="026180009999"),
            admission_decision_date=date(2020, 3, 2),
            admission_ceremony_date=date(2020, 3, 2),
        ),
        lambda: svc.update_member(
            actor=world.users["staff"], member=world.members["dung"], data={"religion": ""}
        ),
    ]
    for attempt in attempts:
        before = counts(*MODELS)
        with pytest.raises(PermissionDenied, match="thông tin nhạy cảm"):
            attempt()
        assert counts(*MODELS) == before
    member = admit(world, data=person(id_number="026190000001"))  # admin holds the grant
    assert member.id_number == "026190000001"


def test_early_badge_counts_health_only_for_those_allowed_to_know(world):
    """Thirty years on 01/03/2027: a badge today is early, allowed only for severe illness,
    which counts only for an actor with the sensitive grant (else success would reveal it)."""
    member = svc.admit_member(
        actor=None,
        org=world.org("kl-thon-1"),
        data=person(full_name="Khổng Văn Lực", date_of_birth=date(1960, 1, 1)),
        admission_decision_date=date(1997, 3, 1),
        admission_ceremony_date=date(1997, 3, 1),
    )
    svc.recognise_official(actor=None, member=member, recognition_date=date(1998, 3, 1))
    svc.update_member(actor=None, member=member, data={"severe_illness": True})
    assert_refused(
        MODELS,
        "milestone",
        svc.award_badge,
        actor=world.users["staff"],
        member=member,
        milestone=30,
        award_date=today(),
    )
    badge = svc.award_badge(
        actor=world.users["admin"], member=member, milestone=30, award_date=today()
    )
    assert badge.early is True
