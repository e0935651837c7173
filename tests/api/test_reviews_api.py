"""Review endpoints: schemes as data, cycles and their progress, the approval chain of one
member from self-assessment to decision, the permission matrix in and out of scope, bad
input (quota, membership, score bands, authority, duplicates, reasons, the window) with
nothing changed, honours and streaks across schemes, remedies."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry, RoleGrant
from dangbo.core.services import issue_token
from dangbo.reviews import services
from dangbo.reviews.models import (
    Evaluation,
    EvaluationStep,
    Remedy,
    RemedyGroup,
    ReviewCycle,
)

from .conftest import fields

pytestmark = pytest.mark.django_db

ROLES = ["admin", "staff", "committee", "secretary", "auditor", "member", "outsider", "nobody"]
SEES_TD = {"admin", "staff", "committee", "auditor"}
SEES_KL1 = SEES_TD | {"secretary"}
CHANGE_TD = {"admin", "staff"}
MEETINGS_KL1 = {"admin", "staff", "secretary"}


def window(org, year, *, opens=-10, closes=20):
    """A cycle whose window holds today (or not, with other offsets)."""
    return services.open_cycle(
        actor=None,
        org=org,
        year=year,
        opens_on=today() + timedelta(days=opens),
        closes_on=today() + timedelta(days=closes),
    )


def assessed(world, cycle, key, level):
    return services.self_assess(actor=None, cycle=cycle, member=world.members[key], level=level)


def proposed(world, cycle, key, level):
    return services.propose(actor=None, evaluation=assessed(world, cycle, key, level), level=level)


def decided(world, cycle, key, level):
    evaluation = proposed(world, cycle, key, level)
    return services.decide(
        actor=None, evaluation=evaluation, level=level, by_org=services.competent_body(evaluation)
    )


def totals():
    return (
        ReviewCycle.objects.count(),
        Evaluation.objects.count(),
        EvaluationStep.objects.count(),
        RemedyGroup.objects.count(),
        Remedy.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def td(world):
    return window(world.org("tam-duong"), 2016)


@pytest.fixture
def vt(world):
    return window(world.org("vinh-tuong"), 2016)


@pytest.fixture
def keys(api, world):
    """Also a token for kim-long's staff (the competent body for the Kim Long cells)."""
    api.keys["sensitive_staff"] = issue_token(
        actor=None, user=world.users["sensitive_staff"], name="test kl"
    )
    return api


# ---------------------------------------------------------------- schemes, cycles


def test_schemes_are_data_tied_to_their_documents(api, world):
    response = api.get("nobody", "/reviews/schemes")
    assert response.status_code == 200
    schemes = {s["code"]: s for s in response.json()}
    member_124 = schemes["qd124-member"]
    assert member_124["document"]["number"] == "124-QĐ/TW"
    assert member_124["document"]["issuer"] == "Bộ Chính trị"
    assert member_124["document"]["issue_date"] == "2023-10-04"
    assert member_124["quota_enabled"] is True and member_124["quota_rate"] == 0.2
    assert (member_124["quota_level"], member_124["quota_base"]) == ("htxs", "htt")
    tsvm = schemes["tsvm-2014-org"]
    assert tsvm["document"]["number"] == "27-HD/BTCTW" and tsvm["quota_enabled"] is False
    assert (tsvm["first_year"], tsvm["last_year"]) == (2014, 2017)
    assert [lv["code"] for lv in tsvm["levels"]][:2] == ["tsvm_tieu_bieu", "tsvm"]
    scored = schemes["qd366-member"]
    assert scored["scored"] and (scored["general_max"], scored["tasks_max"]) == (30, 70)
    bands = {lv["code"]: (lv["min_score"], lv["max_score"]) for lv in scored["levels"]}
    assert bands["htxs"] == (90.0, 100.0) and bands["htt"] == (70.0, 90.0)
    assert "quarter" in scored["periods"]
    only_orgs = api.get("staff", "/reviews/schemes", subject="organisation").json()
    assert {s["subject"] for s in only_orgs} == {"organisation"}


def test_open_a_cycle_and_follow_its_progress(api, world):
    before = totals()
    body = {
        "org": "tam-duong",
        "year": 2016,
        "opens_on": (today() - timedelta(days=5)).isoformat(),
        "closes_on": (today() + timedelta(days=5)).isoformat(),
    }
    assert api.post("committee", "/reviews/cycles", body).status_code == 403
    assert api.post("outsider", "/reviews/cycles", body).status_code == 422
    assert totals() == before
    response = api.post("staff", "/reviews/cycles", body)
    assert response.status_code == 201, response.content
    cycle = response.json()
    assert cycle["org"] == "tam-duong" and cycle["kind"] == "year"
    assert cycle["period_start"] == "2016-01-01" and cycle["period_end"] == "2016-12-31"
    assert cycle["member_scheme"] == "tsvm-2014-member" and cycle["window"] == "open"
    again = api.post("staff", "/reviews/cycles", body)
    assert "Đã có đợt kiểm điểm 2016" in fields(again)["year"]
    quarter = api.post("staff", "/reviews/cycles", {**body, "kind": "quarter"})
    assert "không cho phép đánh giá theo quý" in fields(quarter)["kind"]

    obj = ReviewCycle.objects.get(pk=cycle["id"])
    decided(world, obj, "huong", "dtc_htxs")
    proposed(world, obj, "an", "dtc_htt")
    assessed(world, obj, "dung", "dtc_ht")
    detail = api.get("staff", f"/reviews/cycles/{cycle['id']}").json()
    assert detail["progress_members"] == {
        "total": 3,
        "self_assessed": 1,
        "proposed": 1,
        "returned": 0,
        "decided": 1,
    }
    assert detail["progress_organisations"]["total"] == 0
    assert detail["levels_members"] == [
        {
            "code": "dtc_htxs",
            "name": "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ",
            "common_rank": 1,
            "count": 1,
        }
    ]
    assert detail["may_manage"] is True
    # The secretary of kl-thon-1 takes part in the district's cycle and sees its own cell.
    mine = api.get("secretary", f"/reviews/cycles/{cycle['id']}").json()
    assert mine["progress_members"]["total"] == 2 and mine["may_manage"] is False
    listed = api.get("secretary", "/reviews/cycles", org="kl-thon-1").json()
    assert [c["id"] for c in listed["items"]] == [cycle["id"]]
    assert api.get("outsider", "/reviews/cycles").json()["items"] == []
    assert api.get("outsider", f"/reviews/cycles/{cycle['id']}").status_code == 404


# ---------------------------------------------------------------- one member's path


def test_member_path_self_assessment_proposal_decision(keys, world, td):
    api = keys
    response = api.post(
        "member",
        f"/reviews/cycles/{td.pk}/self-assessments",
        {"level": "dtc_htxs", "comment": "Hoàn thành tốt nhiệm vụ được giao."},
    )
    assert response.status_code == 201, response.content
    evaluation = response.json()
    assert evaluation["member_id"] == world.members["huong"].pk
    assert evaluation["org"] == "kl-thon-1" and evaluation["state"] == "self_assessed"
    assert evaluation["self_level"]["code"] == "dtc_htxs"
    assert evaluation["competent_body"]["code"] == "kim-long"
    assert evaluation["allowed_ops"] == []  # nobody proposes for themself
    path = f"/reviews/evaluations/{evaluation['id']}"

    assert api.post("member", f"{path}/propose", {"level": "dtc_htxs"}).status_code == 404
    assert api.get("secretary", path).json()["allowed_ops"] == ["propose"]
    response = api.post("secretary", f"{path}/propose", {"level": "dtc_htxs", "note": "Đồng ý"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "proposed"
    assert response.json()["proposed_level"]["code"] == "dtc_htxs"
    assert api.post("secretary", f"{path}/decide", {"level": "dtc_htxs"}).status_code == 404

    assert api.get("sensitive_staff", path).json()["allowed_ops"] == ["return", "decide"]
    response = api.post(
        "sensitive_staff",
        f"{path}/decide",
        {"level": "dtc_htxs", "decision_ref": "15-QĐ/ĐU"},
    )
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["state"] == "decided" and result["final_level"]["code"] == "dtc_htxs"
    assert result["decided_by"] == "kim-long" and result["decided_on"] == today().isoformat()
    assert [s["action"] for s in result["steps"]] == ["self_assessed", "proposed", "decided"]
    assert [s["actor_name"] for s in result["steps"]] == ["huong", "secretary", "sensitive_staff"]
    assert result["steps"][1]["org"] == "kl-thon-1" and result["steps"][2]["org"] == "kim-long"

    # The member sees her result and her history; a second decision is refused.
    assert api.get("member", path).json()["final_level"]["common_rank"] == 1
    history = api.get("member", f"/reviews/members/{world.members['huong'].pk}/history").json()
    assert [(r["year"], r["level"]["code"]) for r in history["results"]] == [(2016, "dtc_htxs")]
    assert history["streaks"][0] == {
        "rank": 1,
        "label": "Xuất sắc / tiêu biểu",
        "current": 1,
        "longest": 1,
        "longest_end": 2016,
    }
    before = totals()
    again = api.post("sensitive_staff", f"{path}/decide", {"level": "dtc_htt"})
    assert "Chỉ quyết định được trường hợp đã có đề xuất" in fields(again)["state"]
    assert totals() == before
    listed = api.get("member", f"/reviews/cycles/{td.pk}/evaluations").json()
    assert [e["id"] for e in listed["items"]] == [evaluation["id"]]


def test_return_needs_a_reason_then_the_cell_proposes_again(keys, world, td):
    api = keys
    evaluation = proposed(world, td, "an", "dtc_htxs")
    path = f"/reviews/evaluations/{evaluation.pk}"
    before = totals()
    assert (
        "Lý do trả lại" in fields(api.post("staff", f"{path}/return", {"reason": "  "}))["reason"]
    )
    assert totals() == before
    response = api.post("staff", f"{path}/return", {"reason": "Chưa đủ minh chứng."})
    assert response.status_code == 200 and response.json()["state"] == "returned"
    response = api.post("secretary", f"{path}/propose", {"level": "dtc_htt"})
    assert response.status_code == 200 and response.json()["proposed_level"]["code"] == "dtc_htt"


# ---------------------------------------------------------------- permission matrix


def _expect(role, allowed, ok=200):
    return ok if role in allowed else 404


@pytest.mark.parametrize("role", ROLES)
def test_matrix_list_and_view(api, world, td, vt, role):
    huong = assessed(world, td, "huong", "dtc_htt")
    dung = assessed(world, td, "dung", "dtc_htt")  # kl-thon-2: not the secretary's cell
    tien = assessed(world, vt, "tien", "dtc_htt")
    listed = api.get(role, f"/reviews/cycles/{td.pk}/evaluations")
    expected = {
        **{r: {huong.pk, dung.pk} for r in SEES_TD},
        "secretary": {huong.pk},
        "member": {huong.pk},
    }
    if role in expected:
        assert listed.status_code == 200
        assert {e["id"] for e in listed.json()["items"]} == expected[role]
    else:
        assert listed.status_code == 404
    assert api.get(role, f"/reviews/evaluations/{huong.pk}").status_code == _expect(
        role, SEES_KL1 | {"member"}
    )
    assert api.get(role, f"/reviews/evaluations/{dung.pk}").status_code == _expect(role, SEES_TD)
    # Out of scope: Vĩnh Tường's cycle and result are only the outsider's.
    out = api.get(role, f"/reviews/cycles/{vt.pk}/evaluations")
    assert out.status_code == _expect(role, {"outsider"})
    assert api.get(role, f"/reviews/evaluations/{tien.pk}").status_code == _expect(
        role, {"outsider"}
    )
    assert api.get(role, f"/reviews/cycles/{vt.pk}").status_code == _expect(role, {"outsider"})


@pytest.mark.parametrize("role", ROLES)
def test_matrix_self_assess(api, world, td, vt, role):
    before = totals()
    response = api.post(
        role,
        f"/reviews/cycles/{td.pk}/self-assessments",
        {"member_id": world.members["an"].pk, "level": "dtc_htt"},
    )
    if role in CHANGE_TD:
        assert response.status_code == 201, response.content
    elif role == "member":  # another member's record is not hers to see
        assert "không có đảng viên mã" in fields(response)["member_id"]
    else:
        assert response.status_code == 404
    if role not in CHANGE_TD:
        assert totals() == before
    before = totals()
    response = api.post(
        role,
        f"/reviews/cycles/{vt.pk}/self-assessments",
        {"member_id": world.members["tien"].pk, "level": "dtc_htt"},
    )
    assert response.status_code == _expect(role, {"outsider"}, 201)
    if role != "outsider":
        assert totals() == before


@pytest.mark.parametrize("role", ROLES)
def test_matrix_propose(api, world, td, vt, role):
    huong = assessed(world, td, "huong", "dtc_htt")
    tien = assessed(world, vt, "tien", "dtc_htt")
    before = totals()
    response = api.post(role, f"/reviews/evaluations/{huong.pk}/propose", {"level": "dtc_htt"})
    assert response.status_code == _expect(role, MEETINGS_KL1), response.content
    if role not in MEETINGS_KL1:
        assert totals() == before
    before = totals()
    response = api.post(role, f"/reviews/evaluations/{tien.pk}/propose", {"level": "dtc_htt"})
    assert response.status_code == _expect(role, {"outsider"})
    if role != "outsider":
        assert totals() == before


@pytest.mark.parametrize("role", ROLES)
def test_matrix_decide(api, world, td, vt, role):
    huong = proposed(world, td, "huong", "dtc_htt")
    tien = proposed(world, vt, "tien", "dtc_htt")
    before = totals()
    response = api.post(role, f"/reviews/evaluations/{huong.pk}/decide", {"level": "dtc_htt"})
    assert response.status_code == _expect(role, CHANGE_TD), response.content
    if role in CHANGE_TD:
        assert response.json()["decided_by"] == "kim-long"
    else:
        assert totals() == before
        assert Evaluation.objects.get(pk=huong.pk).state == "proposed"
    before = totals()
    response = api.post(role, f"/reviews/evaluations/{tien.pk}/decide", {"level": "dtc_htt"})
    assert response.status_code == _expect(role, {"outsider"})
    if role == "outsider":
        assert response.json()["decided_by"] == "vt-xa"
    else:
        assert totals() == before


@pytest.mark.parametrize("role", ROLES)
def test_matrix_lock(api, world, td, vt, role):
    decided(world, td, "huong", "dtc_htt")
    before = totals()
    response = api.post(role, f"/reviews/cycles/{td.pk}/lock")
    assert response.status_code == _expect(role, CHANGE_TD), response.content
    assert ReviewCycle.objects.get(pk=td.pk).locked == (role in CHANGE_TD)
    if role not in CHANGE_TD:
        assert totals() == before
    response = api.post(role, f"/reviews/cycles/{vt.pk}/lock")
    assert response.status_code == _expect(role, {"outsider"})
    assert ReviewCycle.objects.get(pk=vt.pk).locked == (role == "outsider")


def test_lock_waits_for_every_decision_and_reopen_needs_a_reason(api, world, td):
    decided(world, td, "huong", "dtc_htt")
    pending = assessed(world, td, "an", "dtc_htt")
    before = totals()
    assert (
        "Còn 1 trường hợp chưa có quyết định"
        in fields(api.post("staff", f"/reviews/cycles/{td.pk}/lock"))["cycle_id"]
    )
    assert totals() == before
    services.propose(actor=None, evaluation=pending, level="dtc_htt")
    services.decide(actor=None, evaluation=pending, level="dtc_htt", by_org=world.org("kim-long"))
    response = api.post("staff", f"/reviews/cycles/{td.pk}/lock")
    assert response.status_code == 200 and response.json()["window"] == "locked"
    # Locked: no new self-assessment, even by the staff.
    before = totals()
    response = api.post(
        "staff",
        f"/reviews/cycles/{td.pk}/self-assessments",
        {"member_id": world.members["dung"].pk, "level": "dtc_htt"},
    )
    assert "đã khóa" in fields(response)["cycle_id"]
    assert (
        "Lý do mở lại"
        in fields(api.post("staff", f"/reviews/cycles/{td.pk}/reopen", {"reason": ""}))["reason"]
    )  # noqa: E501
    assert fields(api.post("staff", f"/reviews/cycles/{td.pk}/reopen", {}))["reason"] == (
        "Lý do: bắt buộc."
    )
    assert totals() == before and ReviewCycle.objects.get(pk=td.pk).locked
    response = api.post(
        "staff", f"/reviews/cycles/{td.pk}/reopen", {"reason": "Sai sót khi nhập kết quả."}
    )
    assert response.status_code == 200 and response.json()["window"] == "open"
    entry = AuditEntry.objects.filter(action="review.cycle_reopened").get()
    assert "Sai sót khi nhập kết quả" in entry.summary


# ---------------------------------------------------------------- bad input, nothing changed


def test_quota_exceeded_under_qd124(api, world):
    cycle = window(world.org("tam-duong"), 2023)
    assert cycle.member_scheme.code == "qd124-member"
    for key in ("an", "dung", "binh"):
        decided(world, cycle, key, "htt")
    huong = proposed(world, cycle, "huong", "htxs")
    before = totals()
    response = api.post("staff", f"/reviews/evaluations/{huong.pk}/decide", {"level": "htxs"})
    message = fields(response)["level"]
    assert "Đảng bộ xã Kim Long" in message
    assert "có 3 trường hợp “Hoàn thành tốt nhiệm vụ”" in message
    assert "tối đa 0 trường hợp “Hoàn thành xuất sắc nhiệm vụ”" in message
    assert totals() == before and Evaluation.objects.get(pk=huong.pk).state == "proposed"
    detail = api.get("staff", f"/reviews/cycles/{cycle.pk}").json()
    assert detail["quotas"] == [
        {
            "peer_group": "member:kim-long",
            "level": "htxs",
            "base_level": "htt",
            "capped": 0,
            "base": 3,
            "allowed": 0,
        }
    ]
    response = api.post("staff", f"/reviews/evaluations/{huong.pk}/decide", {"level": "htt"})
    assert response.status_code == 200 and response.json()["final_level"]["code"] == "htt"


def test_member_not_in_the_organisation_that_year(api, world):
    cycle = window(world.org("tam-duong"), 2015)
    before = totals()
    response = api.post(
        "staff",
        f"/reviews/cycles/{cycle.pk}/self-assessments",
        {"member_id": world.members["binh"].pk, "level": "dtc_htt"},
    )  # admitted in June 2016
    assert (
        "Lê Văn Bình không sinh hoạt trong Đảng bộ huyện Tam Dương" in fields(response)["member_id"]
    )
    assert totals() == before


def test_score_outside_its_band_under_qd366(api, world):
    cycle = window(world.org("tam-duong"), 2025)
    url = f"/reviews/cycles/{cycle.pk}/self-assessments"
    base = {"member_id": world.members["huong"].pk, "level": "htxs"}
    before = totals()
    response = api.post("staff", url, {**base, "score_general": 25, "score_tasks": 60})
    message = fields(response)["level"]
    assert message.startswith("Mức xếp loại: Hoàn thành xuất sắc nhiệm vụ cần từ 90")
    assert "tổng điểm là 85" in message
    response = api.post("staff", url, {**base, "score_general": 31, "score_tasks": 60})
    assert "ngoài khung 0–30" in fields(response)["score_general"]
    response = api.post("staff", url, {**base, "score_general": 28})
    assert "Điểm kết quả thực hiện nhiệm vụ: bắt buộc" in fields(response)["score_tasks"]
    response = api.post("staff", url, {**base, "score_general": 28, "score_tasks": 101})
    assert fields(response)["score_tasks"] == "Điểm kết quả thực hiện nhiệm vụ: không được quá 100."
    assert totals() == before
    response = api.post("staff", url, {**base, "score_general": 28.5, "score_tasks": 65})
    assert response.status_code == 201, response.content
    assert response.json()["score_total"] == 93.5


def test_decision_by_a_body_without_authority(keys, world, td):
    """The cell's own staff, the secretary or another commune: not the grassroots
    committee that decides for the cell's members (rule 24)."""
    api = keys
    cell_staff = get_user_model().objects.create_user("cell_staff")
    RoleGrant.objects.create(
        user=cell_staff, role="org_staff", org=world.org("kl-thon-1"), valid_from=date(2000, 1, 1)
    )
    town_staff = get_user_model().objects.create_user("town_staff")
    RoleGrant.objects.create(
        user=town_staff, role="org_staff", org=world.org("hop-hoa"), valid_from=date(2000, 1, 1)
    )
    for name, user in (("cell_staff", cell_staff), ("town_staff", town_staff)):
        api.keys[name] = issue_token(actor=None, user=user, name=name)
    huong = proposed(world, td, "huong", "dtc_htt")
    before = totals()
    for who in ("cell_staff", "town_staff", "secretary", "committee"):
        response = api.post(who, f"/reviews/evaluations/{huong.pk}/decide", {"level": "dtc_htt"})
        assert response.status_code == 404, who
    assert totals() == before and Evaluation.objects.get(pk=huong.pk).state == "proposed"
    assert api.get("cell_staff", f"/reviews/evaluations/{huong.pk}").json()["allowed_ops"] == []


def test_nobody_decides_their_own_case(api, world, td):
    RoleGrant.objects.create(
        user=world.users["member"],
        role="org_staff",
        org=world.org("kim-long"),
        valid_from=date(2000, 1, 1),
    )
    huong = proposed(world, td, "huong", "dtc_htxs")
    before = totals()
    response = api.post("member", f"/reviews/evaluations/{huong.pk}/decide", {"level": "dtc_htxs"})
    assert "cho chính mình" in fields(response)["member_id"]
    assert totals() == before


def test_second_result_for_the_same_subject_and_period(api, world, td):
    assessed(world, td, "huong", "dtc_htt")
    before = totals()
    response = api.post(
        "staff",
        f"/reviews/cycles/{td.pk}/self-assessments",
        {"member_id": world.members["huong"].pk, "level": "dtc_ht"},
    )
    assert fields(response)["member_id"] == (
        "Đảng viên: Nguyễn Thị Hương đã có kết quả trong đợt này."
    )
    response = api.post(
        "staff", f"/reviews/cycles/{td.pk}/self-assessments", {"org": "kl-thon-1", "level": "tsvm"}
    )
    assert response.status_code == 201
    before = totals()
    again = api.post(
        "staff", f"/reviews/cycles/{td.pk}/self-assessments", {"org": "kl-thon-1", "level": "htt"}
    )
    assert "Chi bộ thôn Đồng Bông đã có kết quả trong đợt này" in fields(again)["org"]
    assert totals() == before


def test_window_closed_or_not_yet_open(api, world):
    closed = window(world.org("tam-duong"), 2016, opens=-30, closes=-1)
    early = window(world.org("hop-hoa"), 2016, opens=3, closes=30)
    before = totals()
    body = {"member_id": world.members["huong"].pk, "level": "dtc_htt"}
    response = api.post("staff", f"/reviews/cycles/{closed.pk}/self-assessments", body)
    assert "đã qua" in fields(response)["cycle_id"]
    body = {"member_id": world.members["hoa"].pk, "level": "dtc_htt"}
    response = api.post("staff", f"/reviews/cycles/{early.pk}/self-assessments", body)
    assert "chưa đến kỳ" in fields(response)["cycle_id"]
    assert totals() == before
    assert api.get("staff", f"/reviews/cycles/{closed.pk}").json()["window"] == "closed"
    assert api.get("staff", f"/reviews/cycles/{early.pk}").json()["window"] == "before"


def test_malformed_requests_name_the_field(api, world, td):
    url = f"/reviews/cycles/{td.pk}/self-assessments"
    an = world.members["an"].pk
    before = totals()
    assert "Mức xếp loại: bắt buộc" in fields(api.post("staff", url, {"member_id": an}))["level"]
    response = api.post("staff", url, {"member_id": world.members["an"].pk, "level": "xyz"})
    assert "“xyz” không có trong TSVM (HD 27/2014) — đảng viên" in fields(response)["level"]
    response = api.post("staff", url, {"member_id": 0, "level": "dtc_htt"})
    assert fields(response)["member_id"] == "Mã đảng viên: phải từ 1 trở lên."
    response = api.post("staff", url, {"level": "dtc_htt", "extra": 1})
    assert "không được hỗ trợ" in fields(response)["extra"]
    response = api.post("staff", url, {"member_id": 1, "org": "kl-thon-1", "level": "dtc_htt"})
    assert "Đối tượng" in fields(response)["org"]
    response = api.post("staff", url, {"level": "dtc_htt"})  # staff has no member record
    assert "Đảng viên: bắt buộc" in fields(response)["member_id"]
    assert totals() == before
    assert api.get("staff", "/reviews/cycles/999999").status_code == 404
    assert api.get("staff", "/reviews/evaluations/0").status_code == 422


# ---------------------------------------------------------------- honours and history


def test_honours_and_streaks_across_schemes(api, world):
    for year in range(2012, 2017):  # HD 20/2008 for 2012–2013, HD 27/2014 afterwards
        cycle = window(world.org("tam-duong"), year)
        decided(world, cycle, "huong", "dtc_htxs")
        decided(world, cycle, "an", "dtc_htxs" if year != 2014 else "dtc_htt")
        org_eval = services.self_assess(
            actor=None, cycle=cycle, subject_org=world.org("kl-thon-1"), level="tsvm_tieu_bieu"
        )
        services.propose(actor=None, evaluation=org_eval, level="tsvm_tieu_bieu")
        services.decide(
            actor=None, evaluation=org_eval, level="tsvm_tieu_bieu", by_org=world.org("kim-long")
        )
    response = api.get(
        "staff", "/reviews/honours", org="tam-duong", year=2016, years=5, subject="member"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["first_year"], body["year"], body["total"]) == (2012, 2016, 1)
    assert body["items"] == [
        {
            "member_id": world.members["huong"].pk,
            "org": "kl-thon-1",
            "name": "Nguyễn Thị Hương",
            "current": 5,
            "longest": 5,
        }
    ]
    two = api.get(
        "staff", "/reviews/honours", org="tam-duong", year=2016, years=2, subject="member"
    ).json()
    assert {i["name"] for i in two["items"]} == {"Nguyễn Thị Hương", "Trần Văn An"}
    cells = api.get("staff", "/reviews/honours", org="kim-long", year=2016, subject="org").json()
    assert [i["org"] for i in cells["items"]] == ["kl-thon-1"] and cells["org_name"].startswith(
        "Đảng bộ xã"
    )
    assert api.get("outsider", "/reviews/honours", org="tam-duong").status_code == 404

    history = api.get("staff", f"/reviews/members/{world.members['an'].pk}/history").json()
    assert [r["year"] for r in history["results"]] == [2012, 2013, 2014, 2015, 2016]
    assert [r["scheme"] for r in history["results"]][1:3] == [
        "tsvm-2008-member",
        "tsvm-2014-member",
    ]
    excellent, good = history["streaks"][0], history["streaks"][1]
    assert (excellent["current"], excellent["longest"], excellent["longest_end"]) == (2, 2, 2013)
    assert (good["current"], good["longest"]) == (5, 5)
    until = api.get(
        "staff", f"/reviews/members/{world.members['an'].pk}/history", until=2013
    ).json()
    assert until["streaks"][0]["current"] == 2
    org = api.get("secretary", "/reviews/orgs/kl-thon-1/history").json()
    assert org["streaks"][0]["current"] == 5 and org["results"][0]["decided_by"] == "kim-long"
    assert api.get("outsider", "/reviews/orgs/kl-thon-1/history").status_code == 404
    assert (
        api.get("outsider", f"/reviews/members/{world.members['an'].pk}/history").status_code == 404
    )


# ---------------------------------------------------------------- remedies


def test_remedy_groups_and_reports(api, world, td):
    url = f"/reviews/cycles/{td.pk}/remedy-groups"
    deadline = date(2017, 6, 30).isoformat()
    body = {
        "title": "Nâng cao chất lượng sinh hoạt chi bộ",
        "shortcomings": ["Sinh hoạt chi bộ có nơi còn hình thức."],
        "remedies": [
            {"text": "Đổi mới nội dung sinh hoạt.", "owner": "Ban Tổ chức", "deadline": deadline}
        ],
    }
    before = totals()
    assert api.post("secretary", url, body).status_code == 404
    assert api.post("auditor", url, body).status_code == 404
    late = {**body, "remedies": [{**body["remedies"][0], "deadline": "2016-12-01"}]}
    assert "thời hạn phải sau kỳ kiểm điểm" in fields(api.post("staff", url, late))["remedies"]
    assert (
        "cần ít nhất một"
        in fields(api.post("staff", url, {**body, "shortcomings": []}))["shortcomings"]
    )
    assert "Nhóm giải pháp" in fields(api.post("staff", url, {**body, "title": ""}))["title"]
    assert totals() == before
    response = api.post("staff", url, body)
    assert response.status_code == 201, response.content
    group = response.json()
    assert group["org"] == "tam-duong" and group["shortcomings"] == body["shortcomings"]
    remedy = group["remedies"][0]
    assert remedy["status"] == "open" and remedy["owner"] == "Ban Tổ chức"
    detail = api.get("auditor", f"/reviews/cycles/{td.pk}").json()
    assert [g["id"] for g in detail["remedy_groups"]] == [group["id"]]

    report = f"/reviews/remedies/{remedy['id']}/report"
    assert api.post("auditor", report, {"status": "done", "evidence": "x"}).status_code == 404
    assert api.post("outsider", report, {"status": "done", "evidence": "x"}).status_code == 404
    assert (
        "Kết quả, minh chứng" in fields(api.post("staff", report, {"status": "done"}))["evidence"]
    )
    response = api.post(
        "staff", report, {"status": "done", "evidence": "Nghị quyết chuyên đề tháng 3/2017."}
    )
    assert response.status_code == 200 and response.json()["status_label"] == "Đã khắc phục"
    # A cell's own group, by kim-long's staff: the org must be theirs to change.
    mine = api.post("staff", url, {**body, "org": "kl-thon-1"})
    assert mine.status_code == 201 and mine.json()["org"] == "kl-thon-1"
    assert api.post("outsider", url, {**body, "org": "vt-xa"}).status_code == 404


def test_evaluation_list_query_count_does_not_grow(api, world, td, django_assert_max_num_queries):
    for key in ("huong", "an", "dung", "hoa", "khanh"):
        decided(world, td, key, "dtc_htt")
    url = f"/reviews/cycles/{td.pk}/evaluations"
    with django_assert_max_num_queries(8):
        response = api.get("staff", url)
    assert response.json()["count"] == 5
    filtered = api.get("staff", url, org="kim-long", subject="member", state="decided").json()
    assert filtered["count"] == 3
    assert api.get("staff", url, subject="org").json()["count"] == 0
    assert api.get("staff", url, org="vt-xa").status_code == 404


def test_scores_that_are_not_numbers(api, world):
    cycle = window(world.org("tam-duong"), 2025)
    url = f"/reviews/cycles/{cycle.pk}/self-assessments"
    before = totals()
    raw = '{"member_id": %d, "level": "htt", "score_general": NaN, "score_tasks": 60}'
    response = api.post("staff", url, raw=raw % world.members["huong"].pk)
    assert response.status_code == 422
    response = api.post(
        "staff",
        url,
        {
            "member_id": world.members["huong"].pk,
            "level": "htt",
            "score_general": "abc",
            "score_tasks": 60,
        },
    )
    assert fields(response)["score_general"].startswith("Điểm tiêu chí chung: ")
    assert totals() == before


def test_schema_names_do_not_collide_with_other_routers():
    """OpenAPI components are keyed by class name: a clash would silently swap schemas."""
    from dangbo.api import api as ninja_api

    components = ninja_api.get_openapi_schema()["components"]["schemas"]
    assert "action" in components["ReviewStepOut"]["properties"]
    assert "from_state" in components["StepOut"]["properties"]
    assert "on" in components["Reason"]["properties"]
    assert set(components["ReviewReason"]["properties"]) == {"reason"}
