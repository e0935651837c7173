"""The new-rural standard: the set chosen by date, communes counted as of a day, assessments
and recognitions (scope, bad input, audit)."""

from datetime import date

import pytest

from dangbo.core.models import AuditEntry
from dangbo.indicators import ntm, ntm_sets
from dangbo.indicators.choices import IndicatorAudit
from dangbo.indicators.models import NtmAssessment, NtmCriterion, NtmRecognition, NtmSet
from tests.support import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def sets(world):
    ntm_sets.load()  # migration data: gone after a transactional test's flush
    return {s.code: s for s in NtmSet.objects.all()}


def _recognise(world, code, on, number="123/QĐ-UBND", actor=None):
    return ntm.recognise(
        actor=actor,
        org=world.org(code),
        document={"number": number, "date": on},
    )


# ---- the sets as data ------------------------------------------------------------------


def test_the_four_sets_load_once_with_their_decisions(sets):
    ntm_sets.load()  # idempotent
    assert list(NtmSet.objects.values_list("code", flat=True)) == [
        "qd491-2009",
        "qd1980-2016",
        "qd318-2022",
        "qd51-2025",
    ]
    assert sets["qd1980-2016"].criteria.count() == 19
    assert sets["qd51-2025"].criteria.count() == 10
    assert sets["qd51-2025"].commune_groups == 3
    assert sets["qd51-2025"].document.number == "51/2025/QĐ-TTg"
    assert sets["qd1980-2016"].criteria.get(number=17).name == "Môi trường và an toàn thực phẩm"
    assert set(sets["qd1980-2016"].criteria.values_list("group_name", flat=True)) == {
        ntm_sets.G1,
        ntm_sets.G2,
        ntm_sets.G3,
        ntm_sets.G4,
        ntm_sets.G5,
    }
    # What the brief does not verify is marked so.
    assert not sets["qd318-2022"].verified
    assert not NtmCriterion.objects.filter(set=sets["qd318-2022"], verified=True).exists()
    assert not NtmCriterion.objects.filter(set=sets["qd491-2009"], verified=True).exists()
    assert "342/QĐ-TTg" in sets["qd491-2009"].note


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2009, 4, 16), "qd491-2009"),
        (date(2016, 10, 16), "qd491-2009"),
        (date(2016, 10, 17), "qd1980-2016"),
        (date(2022, 3, 7), "qd1980-2016"),
        (date(2022, 3, 8), "qd318-2022"),
        (date(2026, 2, 14), "qd318-2022"),
        (date(2026, 2, 15), "qd51-2025"),
        (date(2030, 1, 1), "qd51-2025"),
    ],
)
def test_the_set_in_force_is_chosen_by_date(sets, day, code):
    assert ntm.set_in_force(day).code == code


def test_no_set_before_2009(sets):
    with pytest.raises(Exception) as exc:
        ntm.set_in_force(date(2009, 4, 15))
    assert "day" in exc.value.message_dict
    assert ntm.set_on(date(2009, 4, 15)) is None


def test_a_year_of_change_has_two_sets(sets):
    assert [s.code for s in ntm.sets_in_year(2016)] == ["qd491-2009", "qd1980-2016"]
    assert [s.code for s in ntm.sets_in_year(2026)] == ["qd318-2022", "qd51-2025"]
    assert ntm.set_for_year(2016).code == "qd1980-2016"
    assert ntm.set_for_year(2016, "qd491-2009").code == "qd491-2009"
    assert ntm.set_for_year(2016, "qd51-2025") is None


# ---- counting communes as of a day -----------------------------------------------------


def test_communes_are_xa_not_towns(sets, world):
    names = [o.code for o in ntm.communes(world.org("tam-duong"), date(2020, 1, 1))]
    assert names == ["kim-long"]  # not the town Hợp Hòa, not the court's cell
    assert [o.code for o in ntm.communes(world.org("vinh-phuc"), date(2020, 1, 1))] == [
        "kim-long",
        "vt-xa",
    ]


def test_after_the_2025_reform_the_commune_committee_is_the_commune(sets, world):
    from dangbo.orgs import services as orgs

    def org(code, name, kind, sector, parent):
        return orgs.create_org(
            actor=None,
            code=code,
            name=name,
            kind=kind,
            sector=sector,
            parent=parent,
            valid_from=date(2025, 7, 1),
        )

    new = org(
        "xa-moi", "Đảng bộ xã Hội Thịnh", "commune_committee", "commune", world.org("vinh-phuc")
    )
    residential = org("kdc-1", "Đảng bộ khu dân cư số 1", "grassroots_committee", "commune", new)
    day = date(2026, 1, 1)
    assert [o.code for o in ntm.communes(world.org("vinh-phuc"), day)] == [
        "xa-moi",
        "kim-long",
        "vt-xa",
    ]
    assert_refused(
        [NtmAssessment],
        "org",
        ntm.assess,
        actor=None,
        org=residential,
        year=2026,
        results={1: (True, "")},
    )


def test_recognised_as_of_a_day_counts_neither_later_nor_revoked(sets, world):
    rec = _recognise(world, "kim-long", date(2018, 12, 20))
    _recognise(world, "vt-xa", date(2019, 6, 1), number="88/QĐ-UBND")
    province = world.org("vinh-phuc")
    assert ntm.recognised_as_of(province, date(2018, 12, 19)) == []
    assert [o.code for o in ntm.recognised_as_of(province, date(2018, 12, 20))] == ["kim-long"]
    assert len(ntm.recognised_as_of(province, date(2019, 6, 1))) == 2
    assert ntm.ntm_summary(province, date(2019, 6, 1)) == {
        "communes": 2,
        "met": 2,
        "set": "qd1980-2016",
    }
    assert ntm.ntm_summary(world.org("tam-duong"), date(2018, 1, 1)) == {
        "communes": 1,
        "met": 0,
        "set": "qd1980-2016",
    }
    ntm.revoke(actor=None, recognition=rec, revoked_on=date(2021, 3, 1), reason="Không duy trì")
    assert [o.code for o in ntm.recognised_as_of(province, date(2021, 2, 28))] == [
        "kim-long",
        "vt-xa",
    ]
    assert [o.code for o in ntm.recognised_as_of(province, date(2021, 3, 1))] == ["vt-xa"]
    assert ntm.ntm_summary(province, date(2026, 2, 15))["set"] == "qd51-2025"
    assert ntm.ntm_summary(province, date(2009, 1, 1))["set"] is None


def test_a_commune_recognised_again_after_revocation(sets, world):
    rec = _recognise(world, "kim-long", date(2015, 12, 1))
    assert rec.set.code == "qd491-2009"
    ntm.revoke(actor=None, recognition=rec, revoked_on=date(2017, 1, 1))
    again = _recognise(world, "kim-long", date(2019, 1, 1), number="5/QĐ-UBND")
    assert again.set.code == "qd1980-2016"
    assert ntm.ntm_summary(world.org("tam-duong"), date(2018, 1, 1))["met"] == 0
    assert ntm.ntm_summary(world.org("tam-duong"), date(2019, 1, 1))["met"] == 1


# ---- assessments -----------------------------------------------------------------------


def test_assess_records_results_and_one_audit_entry(sets, world):
    staff = world.users["staff"]
    kim_long = world.org("kim-long")
    before = AuditEntry.objects.count()
    ntm.assess(
        actor=staff,
        org=kim_long,
        year=2019,
        results={1: (True, "Quy hoạch được duyệt"), 2: (False, ""), 3: (True, "")},
    )
    rows = {a.criterion.number: a.met for a in NtmAssessment.objects.filter(org=kim_long)}
    assert rows == {1: True, 2: False, 3: True}
    assert NtmAssessment.objects.filter(criterion__set__code="qd1980-2016").count() == 3
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == IndicatorAudit.NTM_ASSESSED
    assert "2/19" in entry.summary
    # Unchanged answers write nothing; None clears.
    ntm.assess(actor=staff, org=kim_long, year=2019, results={1: (True, "Quy hoạch được duyệt")})
    assert AuditEntry.objects.count() == before + 1
    ntm.assess(actor=staff, org=kim_long, year=2019, results={3: (None, "")})
    assert NtmAssessment.objects.filter(org=kim_long).count() == 2
    assert AuditEntry.objects.count() == before + 2


def test_a_criterion_of_a_set_not_in_force_that_year_is_refused(sets, world):
    staff = world.users["staff"]
    message = assert_refused(
        [NtmAssessment],
        "criterion_15",
        ntm.assess,
        actor=staff,
        org=world.org("kim-long"),
        year=2026,
        results={15: (True, "")},  # the 2026 set has 10 criteria
    )
    assert "Tiêu chí số 15" in message
    message = assert_refused(
        [NtmAssessment],
        "set",
        ntm.assess,
        actor=staff,
        org=world.org("kim-long"),
        year=2019,
        results={1: (True, "")},
        set_code="qd51-2025",
    )
    assert "2019" in message
    # In a year of change the other set of that year may be chosen.
    ntm.assess(
        actor=staff,
        org=world.org("kim-long"),
        year=2016,
        results={7: (True, "Chợ xã")},
        set_code="qd491-2009",
    )


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("year", {"year": 2008}),
        ("year", {"year": "năm ngoái"}),
        ("year", {"year": 2999}),
        ("results", {"results": {}}),
        ("criterion_2", {"results": {2: ("có", "")}}),
        ("criterion_2", {"results": {2: True}}),
        ("evidence_2", {"results": {2: (True, "a\x00b")}}),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(sets, world, field, kwargs):
    args = {
        "actor": world.users["staff"],
        "org": world.org("kim-long"),
        "year": 2019,
        "results": {1: (True, "")},
    }
    args.update(kwargs)
    assert_refused([NtmAssessment], field, ntm.assess, **args)


def test_scope_a_commune_assesses_only_itself_the_district_all(sets, world):
    commune_staff = world.users["sensitive_staff"]  # org_staff of kim-long
    ntm.assess(actor=commune_staff, org=world.org("kim-long"), year=2019, results={1: (True, "")})
    assert_refused(
        [NtmAssessment],
        "org",
        ntm.assess,
        actor=commune_staff,
        org=world.org("vt-xa"),
        year=2019,
        results={1: (True, "")},
    )
    assert_refused(
        [NtmAssessment],
        "org",
        ntm.assess,
        actor=world.users["outsider"],
        org=world.org("kim-long"),
        year=2019,
        results={1: (True, "")},
    )
    # A committee member sees but does not change.
    assert_refused(
        [NtmAssessment],
        "org",
        ntm.assess,
        actor=world.users["committee"],
        org=world.org("kim-long"),
        year=2019,
        results={1: (True, "")},
    )
    ntm.assess(
        actor=world.users["staff"], org=world.org("kim-long"), year=2019, results={2: (True, "")}
    )


def test_a_town_is_not_assessed(sets, world):
    message = assert_refused(
        [NtmAssessment],
        "org",
        ntm.assess,
        actor=world.users["staff"],
        org=world.org("hop-hoa"),
        year=2019,
        results={1: (True, "")},
    )
    assert "thị trấn" in message


# ---- recognition -----------------------------------------------------------------------


def test_recognise_records_the_province_decision_and_audits(sets, world):
    rec = _recognise(world, "kim-long", date(2018, 12, 20), actor=world.users["staff"])
    assert rec.document.issuer == ntm.PROVINCE_PEOPLES_COMMITTEE
    assert rec.document.kind == "QD"
    assert rec.set.code == "qd1980-2016"
    assert rec.recorded_by == world.users["staff"]
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == IndicatorAudit.NTM_RECOGNISED
    assert "Kim Long" in entry.summary


@pytest.mark.parametrize(
    ("field", "document", "extra"),
    [
        ("document_number", {"number": "", "date": date(2019, 1, 1)}, {}),
        ("document_date", {"number": "1/QĐ", "date": "32/13/2019"}, {}),
        ("document_date", {"number": "1/QĐ", "date": date(2999, 1, 1)}, {}),
        ("set", {"number": "1/QĐ", "date": date(2015, 1, 1)}, {"set": "qd51-2025"}),
        ("org", {"number": "1/QĐ", "date": date(2019, 1, 1)}, {"org": "hop-hoa"}),
    ],
)
def test_recognise_bad_input(sets, world, field, document, extra):
    kwargs = {
        "actor": world.users["staff"],
        "org": world.org(extra.get("org", "kim-long")),
        "document": document,
    }
    if "set" in extra:
        kwargs["set"] = sets[extra["set"]]
    assert_refused([NtmRecognition], field, ntm.recognise, **kwargs)


def test_revocation_is_audited(sets, world):
    rec = _recognise(world, "kim-long", date(2018, 12, 20))
    ntm.revoke(actor=world.users["staff"], recognition=rec, revoked_on=date(2020, 5, 1))
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == IndicatorAudit.NTM_REVOKED
    assert "01/05/2020" in entry.summary


def test_a_commune_is_not_recognised_twice_and_revocation_checks_dates(sets, world):
    rec = _recognise(world, "kim-long", date(2018, 12, 20))
    assert_refused(
        [NtmRecognition],
        "org",
        ntm.recognise,
        actor=None,
        org=world.org("kim-long"),
        document={"number": "9/QĐ-UBND", "date": date(2020, 1, 1)},
    )
    assert_refused(
        [NtmRecognition],
        "revoked_on",
        ntm.revoke,
        actor=None,
        recognition=rec,
        revoked_on=date(2018, 1, 1),
    )
    assert_refused(
        [NtmRecognition],
        "org",
        ntm.revoke,
        actor=world.users["outsider"],
        recognition=rec,
        revoked_on=date(2020, 1, 1),
    )


# ---- the board -------------------------------------------------------------------------


def test_the_board_in_bounded_queries(sets, world, django_assert_max_num_queries):
    staff = world.users["staff"]
    ntm.assess(
        actor=staff, org=world.org("kim-long"), year=2019, results={1: (True, ""), 2: (False, "")}
    )
    _recognise(world, "kim-long", date(2019, 12, 1))
    with django_assert_max_num_queries(6):
        board = ntm.board(world.org("tam-duong"), 2019)
        rows = [(r.commune.code, r.cells[:3], r.met, r.recognised_on) for r in board.rows]
    assert board.ntm_set.code == "qd1980-2016"
    assert rows == [("kim-long", [True, False, None], 1, date(2019, 12, 1))]
    assert board.totals == "1/1 xã đạt chuẩn"
    assert board.criterion_met[:3] == [1, 0, 0]
    assert ntm.board(world.org("tam-duong"), 2018).totals == "0/1 xã đạt chuẩn"


# ---- a new set from data ---------------------------------------------------------------


def test_add_set_closes_the_open_one_and_audits(sets, world):
    data = {
        "code": "qd99-2031",
        "name": "Bộ tiêu chí 2031 - 2035",
        "document": {"number": "99/2030/QĐ-TTg", "date": "30/12/2030"},
        "valid_from": "2031-01-01",
        "commune_groups": 3,
        "criteria": [{"number": 1, "name": "Quy hoạch"}, {"number": 2, "name": "Hạ tầng"}],
    }
    with pytest.raises(Exception) as exc:  # the decision's date is in the future
        ntm.add_set(actor=None, data=data)
    assert "document_date" in exc.value.message_dict
    data["document"]["date"] = "1/12/2026"
    new = ntm.add_set(actor=None, data=data)
    assert new.criteria.count() == 2
    assert NtmSet.objects.get(code="qd51-2025").valid_to == date(2030, 12, 31)
    assert ntm.set_in_force(date(2031, 1, 1)) == new
    assert AuditEntry.objects.order_by("-id").first().action == IndicatorAudit.NTM_SET_ADDED
    assert_refused([NtmSet], "code", ntm.add_set, actor=None, data=data)
    bad = {**data, "code": "x-1", "valid_from": "2030-06-01", "criteria": []}
    assert_refused([NtmSet, NtmCriterion], "criteria", ntm.add_set, actor=None, data=bad)


def test_a_commune_is_assessed_only_for_years_it_existed(sets, world):
    from dangbo.orgs import services as orgs

    young = orgs.create_org(
        actor=None,
        code="xa-tre",
        name="Đảng bộ xã Tân Lập",
        kind="grassroots_committee",
        sector="commune",
        parent=world.org("tam-duong"),
        valid_from=date(2020, 7, 1),
    )
    message = assert_refused(
        [NtmAssessment],
        "org",
        ntm.assess,
        actor=None,
        org=young,
        year=2019,
        results={1: (True, "")},
    )
    assert "2019" in message
    ntm.assess(actor=None, org=young, year=2020, results={1: (True, "")})  # existed mid-year
