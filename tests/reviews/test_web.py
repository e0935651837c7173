"""The review pages: a member's path from self-assessment to decision, the permission matrix
(role × in scope / out of scope × action), bad input (400/404, nothing written), honour
lists and their exports, remedies, and query counts that do not grow with the rows."""

import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry
from dangbo.members import services as members
from dangbo.members.rules import probation_end
from dangbo.reviews import services
from dangbo.reviews.choices import EvaluationState, RemedyStatus
from dangbo.reviews.models import (
    Evaluation,
    EvaluationStep,
    Remedy,
    RemedyGroup,
    ReviewCycle,
    Shortcoming,
)
from dangbo.reviews.schemes import load
from tests.support import counts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _schemes(db):
    """Migration data: gone after another suite's transactional flush."""
    load()


# Row counts that must not change when a request is refused.
MODELS = (
    ReviewCycle,
    Evaluation,
    EvaluationStep,
    AuditEntry,
    RemedyGroup,
    Remedy,
    Shortcoming,
)


def open_cycle(world, code="kim-long", year=2016):
    """A cycle whose window is open today."""
    return services.open_cycle(
        actor=world.users["admin"],
        org=world.org(code),
        year=year,
        opens_on=today() - timedelta(days=10),
        closes_on=today() + timedelta(days=20),
    )


def self_assessed(world, c, level, **subject):
    return services.self_assess(actor=world.users["admin"], cycle=c, level=level, **subject)


def proposed(world, c, level, **subject):
    ev = self_assessed(world, c, level, **subject)
    return services.propose(actor=world.users["admin"], evaluation=ev, level=level)


def decided(world, c, level, **subject):
    ev = proposed(world, c, level, **subject)
    return services.decide(
        actor=world.users["admin"], evaluation=ev, level=level, by_org=services.competent_body(ev)
    )


def extra_member(world, key, cell, name):
    admitted = date(2000, 3, 2)
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


def as_user(client, world, role):
    client.force_login(world.users[role])
    return client


# -- the member's path ---------------------------------------------------------------------


def test_member_path_self_assessment_proposal_decision(client, world):
    c = open_cycle(world)
    huong = world.members["huong"]

    as_user(client, world, "member")
    page = client.get(reverse("reviews:cycle", args=[c.pk]))
    assert page.status_code == 200
    assert reverse("reviews:self_assess", args=[c.pk]) in page.content.decode()
    form = client.get(reverse("reviews:self_assess", args=[c.pk]))
    assert form.status_code == 200
    assert "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ" in form.content.decode()
    r = client.post(
        reverse("reviews:self_assess", args=[c.pk]),
        {"level": "dtc_htxs", "comment": "Hoàn thành tốt\nmọi việc", "residence_comment": ""},
    )
    ev = Evaluation.objects.get(cycle=c, member=huong)
    assert r.status_code == 302 and r.url == reverse("reviews:evaluation", args=[ev.pk])
    assert ev.state == EvaluationState.SELF_ASSESSED and ev.self_comment.count("\n") == 1
    # The member may not propose their own case: no form, and the POST is a 404.
    page = client.get(reverse("reviews:evaluation", args=[ev.pk])).content.decode()
    assert "evaluation_action" not in page and "/propose/" not in page
    r = client.post(
        reverse("reviews:evaluation_action", args=[ev.pk, "propose"]), {"level": "dtc_htxs"}
    )
    assert r.status_code == 404

    as_user(client, world, "secretary")
    page = client.get(reverse("reviews:evaluation", args=[ev.pk]))
    assert page.status_code == 200 and "/propose/" in page.content.decode()
    r = client.post(
        reverse("reviews:evaluation_action", args=[ev.pk, "propose"]),
        {"level": "dtc_htxs", "note": "Chi bộ nhất trí"},
    )
    assert r.status_code == 302
    ev.refresh_from_db()
    assert ev.state == EvaluationState.PROPOSED and ev.proposed_by == world.org("kl-thon-1")
    # The secretary does not decide (no CHANGE on the commune committee).
    assert (
        client.post(
            reverse("reviews:evaluation_action", args=[ev.pk, "decide"]), {"level": "dtc_htxs"}
        ).status_code
        == 404
    )

    as_user(client, world, "sensitive_staff")
    page = client.get(reverse("reviews:evaluation", args=[ev.pk])).content.decode()
    assert "/decide/" in page and "/return/" in page
    r = client.post(
        reverse("reviews:evaluation_action", args=[ev.pk, "decide"]),
        {"level": "dtc_htxs", "decision_ref": "15-QĐ/ĐU", "on": ""},
    )
    assert r.status_code == 302
    ev.refresh_from_db()
    assert ev.state == EvaluationState.DECIDED and ev.decided_by == world.org("kim-long")
    assert ev.decision_ref == "15-QĐ/ĐU"

    as_user(client, world, "member")
    page = client.get(reverse("reviews:evaluation", args=[ev.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "Đã quyết định" in text and "15-QĐ/ĐU" in text
    assert "Chi bộ nhất trí" in text  # the history
    history = client.get(reverse("reviews:member_history", args=[huong.pk]))
    assert (
        history.status_code == 200 and "Đủ tư cách, hoàn thành xuất sắc" in history.content.decode()
    )


def test_organisation_path_decided_by_the_superior(client, world):
    c = open_cycle(world, "tam-duong")
    as_user(client, world, "sensitive_staff")  # org_staff of kim-long enters its own review
    url = reverse("reviews:self_assess", args=[c.pk]) + "?to-chuc=kim-long"
    assert client.get(url).status_code == 200
    r = client.post(url, {"level": "tsvm", "comment": "Tập thể tự nhận"})
    assert r.status_code == 302
    ev = Evaluation.objects.get(cycle=c, subject_org=world.org("kim-long"))
    # kim-long's staff may neither propose nor decide their organisation's own result.
    for op in ("propose", "decide"):
        assert (
            client.post(
                reverse("reviews:evaluation_action", args=[ev.pk, op]), {"level": "tsvm"}
            ).status_code
            == 404
        )

    as_user(client, world, "staff")  # the district decides
    assert (
        client.post(
            reverse("reviews:evaluation_action", args=[ev.pk, "propose"]), {"level": "tsvm"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("reviews:evaluation_action", args=[ev.pk, "decide"]), {"level": "tsvm"}
        ).status_code
        == 302
    )
    ev.refresh_from_db()
    assert ev.state == EvaluationState.DECIDED and ev.decided_by == world.org("tam-duong")
    page = client.get(reverse("reviews:org_history", args=["kim-long"]))
    assert page.status_code == 200 and "Trong sạch, vững mạnh" in page.content.decode()


def test_return_needs_a_reason(client, world):
    c = open_cycle(world)
    ev = proposed(world, c, "dtc_htt", member=world.members["an"])
    as_user(client, world, "sensitive_staff")
    before = counts(*MODELS)
    r = client.post(reverse("reviews:evaluation_action", args=[ev.pk, "return"]), {"reason": ""})
    assert r.status_code == 400 and "Lý do trả lại" in r.content.decode()
    assert counts(*MODELS) == before
    r = client.post(
        reverse("reviews:evaluation_action", args=[ev.pk, "return"]),
        {"reason": "Chưa đủ minh chứng"},
    )
    assert r.status_code == 302
    ev.refresh_from_db()
    assert ev.state == EvaluationState.RETURNED


# -- the permission matrix -------------------------------------------------------------------

ROLES = ["admin", "staff", "committee", "secretary", "auditor", "member", "outsider", "nobody"]
# in scope: huong (kl-thon-1) in a kim-long cycle; out of scope: tien (vt-thon) in vt-xa's.
ALLOWED_IN = {
    "view_cycle": {"admin", "staff", "committee", "secretary", "auditor", "member"},
    "view_evaluation": {"admin", "staff", "committee", "secretary", "auditor", "member"},
    "self_assess": {"admin", "staff", "member"},
    "propose": {"admin", "staff", "secretary"},
    "decide": {"admin", "staff"},
    "lock": {"admin", "staff"},
}
ALLOWED_OUT = {action: {"outsider"} for action in ALLOWED_IN}


def _attempt(client, world, action, *, inside):
    code, key = ("kim-long", "huong") if inside else ("vt-xa", "tien")
    c = open_cycle(world, code)
    member = world.members[key]
    if action == "view_cycle":
        return client.get(reverse("reviews:cycle", args=[c.pk])).status_code
    if action == "self_assess":
        return client.get(
            reverse("reviews:self_assess", args=[c.pk]) + f"?dang-vien={member.pk}"
        ).status_code
    if action == "view_evaluation":
        ev = self_assessed(world, c, "dtc_htt", member=member)
        return client.get(reverse("reviews:evaluation", args=[ev.pk])).status_code
    if action == "propose":
        ev = self_assessed(world, c, "dtc_htt", member=member)
        return client.post(
            reverse("reviews:evaluation_action", args=[ev.pk, "propose"]), {"level": "dtc_htt"}
        ).status_code
    if action == "decide":
        ev = proposed(world, c, "dtc_htt", member=member)
        return client.post(
            reverse("reviews:evaluation_action", args=[ev.pk, "decide"]), {"level": "dtc_htt"}
        ).status_code
    if action == "lock":
        decided(world, c, "dtc_htt", member=member)
        status = client.post(reverse("reviews:lock", args=[c.pk])).status_code
        c.refresh_from_db()
        assert c.locked == (status == 302)
        return status
    raise AssertionError(action)


@pytest.mark.parametrize("inside", [True, False], ids=["in_scope", "out_of_scope"])
@pytest.mark.parametrize("action", list(ALLOWED_IN))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role, action, inside):
    as_user(client, world, role)
    status = _attempt(client, world, action, inside=inside)
    allowed = (ALLOWED_IN if inside else ALLOWED_OUT)[action]
    if role in allowed:
        assert status in (200, 302), (role, action, status)
    else:
        assert status == 404, (role, action, status)


def test_partial_viewers_see_no_counts(client, world):
    c = open_cycle(world)
    as_user(client, world, "secretary")
    text = client.get(reverse("reviews:cycle", args=[c.pk])).content.decode()
    assert "Tiến độ" not in text and reverse("reviews:lock", args=[c.pk]) not in text
    as_user(client, world, "staff")
    text = client.get(reverse("reviews:cycle", args=[c.pk])).content.decode()
    assert "Tiến độ" in text and reverse("reviews:lock", args=[c.pk]) in text


def test_evaluations_list_is_scoped_and_filtered(client, world):
    c = open_cycle(world, "tam-duong")
    self_assessed(world, c, "dtc_htt", member=world.members["huong"])
    proposed(world, c, "dtc_htt", member=world.members["hoa"])
    self_assessed(world, c, "tsvm", subject_org=world.org("kim-long"))
    url = reverse("reviews:evaluations", args=[c.pk])
    as_user(client, world, "secretary")  # kl-thon-1 only
    text = client.get(url).content.decode()
    assert "Nguyễn Thị Hương" in text and "Đỗ Thị Hoa" not in text
    as_user(client, world, "member")
    text = client.get(url).content.decode()
    assert "Nguyễn Thị Hương" in text and "Đỗ Thị Hoa" not in text
    as_user(client, world, "staff")
    text = client.get(url).content.decode()
    assert "Đỗ Thị Hoa" in text and "Đảng bộ xã Kim Long" in text
    text = client.get(url + "?trang-thai=proposed").content.decode()
    assert "Đỗ Thị Hoa" in text and "Nguyễn Thị Hương" not in text
    text = client.get(url + "?doi-tuong=org").content.decode()
    assert "Nguyễn Thị Hương" not in text and "Tự xếp loại" in text
    text = client.get(url + "?to-chuc=hop-hoa").content.decode()
    assert "Đỗ Thị Hoa" in text and "Nguyễn Thị Hương" not in text
    assert client.get(url + "?to-chuc=vt-xa").status_code == 400
    as_user(client, world, "outsider")
    assert client.get(url).status_code == 404


def test_cycles_page_lists_cycles_above_and_opens_one(client, world):
    above = open_cycle(world, "tam-duong", 2015)
    own = open_cycle(world, "kim-long", 2016)
    open_cycle(world, "hop-hoa", 2016)
    as_user(client, world, "sensitive_staff")
    page = client.get(reverse("reviews:cycles"))
    text = page.content.decode()
    assert page.status_code == 200
    assert reverse("reviews:cycle", args=[above.pk]) in text
    assert reverse("reviews:cycle", args=[own.pk]) in text
    assert "Thị trấn Hợp Hòa" not in text and "Mở đợt đánh giá" in text  # its own page
    before = ReviewCycle.objects.count()
    opening = reverse("reviews:cycle_open")  # the page the list links to
    r = client.post(opening, {"org": "kim-long", "year": "2014", "kind": "year"})
    assert r.status_code == 302 and ReviewCycle.objects.count() == before + 1
    r = client.post(opening, {"org": "kim-long", "year": "2014", "kind": "year"})  # again
    assert r.status_code == 400 and "Đã có đợt kiểm điểm" in r.content.decode()
    r = client.post(opening, {"org": "kim-long", "year": "2005", "kind": "year"})
    assert r.status_code == 400 and "chưa có cách xếp loại" in r.content.decode()
    assert ReviewCycle.objects.count() == before + 1
    # Without CHANGE: no link, the page is 404; another district's code is 404.
    as_user(client, world, "auditor")
    assert "Mở đợt đánh giá" not in client.get(reverse("reviews:cycles")).content.decode()
    assert client.post(opening, {"org": "kim-long", "year": "2013"}).status_code == 404
    assert client.get(reverse("reviews:cycles") + "?to-chuc=vinh-tuong").status_code == 404


# -- bad input: 400 / 404, nothing written -----------------------------------------------------


def test_decision_above_the_quota_refused(client, world):
    c = open_cycle(world, year=2023)
    ev = proposed(world, c, "htxs", member=world.members["huong"])
    as_user(client, world, "sensitive_staff")
    before = counts(*MODELS)
    r = client.post(reverse("reviews:evaluation_action", args=[ev.pk, "decide"]), {"level": "htxs"})
    assert r.status_code == 400 and "Tỷ lệ" in r.content.decode()
    assert counts(*MODELS) == before
    ev.refresh_from_db()
    assert ev.state == EvaluationState.PROPOSED
    # The cycle page shows the quota table for QĐ 124.
    text = client.get(reverse("reviews:cycle", args=[c.pk])).content.decode()
    assert "Tỷ lệ tối đa theo nhóm tương đồng" not in text  # nothing decided yet
    r = client.post(reverse("reviews:evaluation_action", args=[ev.pk, "decide"]), {"level": "htt"})
    assert r.status_code == 302
    text = client.get(reverse("reviews:cycle", args=[c.pk])).content.decode()
    assert "Tỷ lệ tối đa theo nhóm tương đồng" in text and "Đảng bộ xã Kim Long" in text


def test_result_for_a_member_outside_the_organisation_refused(client, world):
    c = open_cycle(world)
    as_user(client, world, "staff")
    before = counts(*MODELS)
    r = client.post(
        reverse("reviews:self_assess", args=[c.pk]) + f"?dang-vien={world.members['hoa'].pk}",
        {"level": "dtc_htt"},
    )
    assert r.status_code == 400 and "không sinh hoạt trong" in r.content.decode()
    assert counts(*MODELS) == before


def test_score_outside_its_band_refused(client, world):
    c = open_cycle(world, year=2025)
    as_user(client, world, "member")
    url = reverse("reviews:self_assess", args=[c.pk])
    form = client.get(url).content.decode()
    assert "Điểm tiêu chí chung" in form and "Khung điểm" in form
    before = counts(*MODELS)
    r = client.post(url, {"level": "htt", "score_general": "35", "score_tasks": "50"})
    assert r.status_code == 400 and "ngoài khung 0–30" in r.content.decode()
    r = client.post(url, {"level": "htxs", "score_general": "20", "score_tasks": "50"})
    assert r.status_code == 400 and "cần từ 90" in r.content.decode()
    assert "70" in r.content.decode()  # the total shown
    r = client.post(url, {"level": "htt", "score_general": "", "score_tasks": "50"})
    assert r.status_code == 400 and "Điểm tiêu chí chung: bắt buộc" in r.content.decode()
    assert counts(*MODELS) == before
    r = client.post(url, {"level": "htt", "score_general": "25", "score_tasks": "55"})
    assert r.status_code == 302
    ev = Evaluation.objects.get(cycle=c, member=world.members["huong"])
    page = client.get(reverse("reviews:evaluation", args=[ev.pk])).content.decode()
    assert "= 80" in page


def test_decision_without_change_on_the_competent_body_is_404(client, world):
    c = open_cycle(world)
    ev = proposed(world, c, "dtc_htt", member=world.members["huong"])
    before = counts(*MODELS)
    for role in ("secretary", "committee", "auditor", "outsider"):
        as_user(client, world, role)
        r = client.post(
            reverse("reviews:evaluation_action", args=[ev.pk, "decide"]), {"level": "dtc_htt"}
        )
        assert r.status_code == 404, role
    assert counts(*MODELS) == before


def test_second_result_for_the_same_subject_refused(client, world):
    c = open_cycle(world)
    self_assessed(world, c, "dtc_htt", member=world.members["huong"])
    as_user(client, world, "member")
    url = reverse("reviews:self_assess", args=[c.pk])
    assert "Đã có bản đánh giá" in client.get(url).content.decode()
    before = counts(*MODELS)
    r = client.post(url, {"level": "dtc_htxs"})
    assert r.status_code == 400 and "đã có kết quả trong đợt này" in r.content.decode()
    assert counts(*MODELS) == before


def test_bad_level_and_unknown_op(client, world):
    c = open_cycle(world)
    ev = proposed(world, c, "dtc_htt", member=world.members["huong"])
    as_user(client, world, "sensitive_staff")
    before = counts(*MODELS)
    r = client.post(
        reverse("reviews:evaluation_action", args=[ev.pk, "decide"]), {"level": "khong-co"}
    )
    assert r.status_code == 400 and "lựa chọn không hợp lệ" in r.content.decode()
    r = client.post(
        reverse("reviews:evaluation_action", args=[ev.pk, "decide"]),
        {"level": "dtc_htt", "on": "01/01/2999"},
    )
    assert r.status_code == 400 and "không được sau ngày hôm nay" in r.content.decode()
    assert client.post(reverse("reviews:evaluation_action", args=[ev.pk, "xoa"])).status_code == 404
    assert counts(*MODELS) == before


# -- locking, remedies ---------------------------------------------------------------------------


def test_lock_refused_while_pending_then_reopen_needs_a_reason(client, world):
    c = open_cycle(world)
    ev = proposed(world, c, "dtc_htt", member=world.members["huong"])
    as_user(client, world, "sensitive_staff")
    r = client.post(reverse("reviews:lock", args=[c.pk]))
    assert r.status_code == 400 and "chưa có quyết định" in r.content.decode()
    services.decide(
        actor=world.users["admin"], evaluation=ev, level="dtc_htt", by_org=world.org("kim-long")
    )
    assert client.post(reverse("reviews:lock", args=[c.pk])).status_code == 302
    c.refresh_from_db()
    assert c.locked
    before = counts(*MODELS)
    r = client.post(reverse("reviews:reopen", args=[c.pk]), {"reason": ""})
    assert r.status_code == 400 and "Lý do mở lại" in r.content.decode()
    assert counts(*MODELS) == before
    r = client.post(reverse("reviews:reopen", args=[c.pk]), {"reason": "Sai sót hồ sơ"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert not c.locked
    assert AuditEntry.objects.filter(action="review.cycle_reopened").count() == 1


def test_remedy_group_form_with_line_numbered_errors_and_report(client, world):
    earlier = open_cycle(world, year=2015)
    c = open_cycle(world, year=2016)
    as_user(client, world, "sensitive_staff")
    url = reverse("reviews:remedy_group", args=[earlier.pk])
    before = counts(*MODELS)
    r = client.post(
        url,
        {
            "title": "Nâng cao chất lượng sinh hoạt",
            "shortcomings": "Sinh hoạt còn hình thức\n\nChưa kiểm tra thường xuyên",
            "remedies": "Đổi mới nội dung | Bí thư | 30/06/2016\nThiếu cột\nKiểm tra | UBKT | 31/02/2016",
        },
    )
    text = r.content.decode()
    assert r.status_code == 400 and "dòng 2" in text and "dòng 3" in text
    assert counts(*MODELS) == before
    r = client.post(
        url,
        {
            "title": "Nâng cao chất lượng sinh hoạt",
            "shortcomings": "Sinh hoạt còn hình thức\n\nChưa kiểm tra thường xuyên",
            "remedies": "Đổi mới nội dung | Bí thư | 30/06/2016\nKiểm tra | UBKT | 28/02/2016",
        },
    )
    assert r.status_code == 302
    group = RemedyGroup.objects.get(cycle=earlier)
    assert group.shortcomings.count() == 2 and group.remedies.count() == 2
    # The next cycle shows the open remedies that must be reported on.
    text = client.get(reverse("reviews:cycle", args=[c.pk])).content.decode()
    assert "phải báo cáo" in text and "Đổi mới nội dung" in text
    item = group.remedies.get(owner="Bí thư")
    r = client.post(
        reverse("reviews:remedy", args=[item.pk]),
        {"status": RemedyStatus.DONE, "evidence": "", "ve-dot": c.pk},
    )
    assert r.status_code == 400 and "Kết quả, minh chứng" in r.content.decode()
    r = client.post(
        reverse("reviews:remedy", args=[item.pk]),
        {"status": RemedyStatus.DONE, "evidence": "Đã làm", "ve-dot": c.pk},
    )
    assert r.status_code == 302 and r.url == reverse("reviews:cycle", args=[c.pk])
    item.refresh_from_db()
    assert item.status == RemedyStatus.DONE
    as_user(client, world, "committee")  # no CHANGE
    assert (
        client.post(reverse("reviews:remedy", args=[item.pk]), {"status": "open"}).status_code
        == 404
    )
    assert client.post(url, {"title": "x"}).status_code == 404


# -- honours and exports ---------------------------------------------------------------------------


def five_years(world):
    for year in range(2012, 2017):
        c = services.open_cycle(
            actor=world.users["admin"], org=world.org("kim-long"), year=year, closes_on=today()
        )
        decided(world, c, "dtc_htxs", member=world.members["huong"])
        decided(world, c, "dtc_htt" if year != 2014 else "dtc_htxs", member=world.members["an"])


def test_honours_page_and_exports(client, world):
    five_years(world)
    as_user(client, world, "sensitive_staff")
    query = "?to-chuc=kim-long&nam=2016&so-nam=5&doi-tuong=member&muc=1"
    page = client.get(reverse("reviews:honours") + query)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền 2012–2016" in text
    assert "Ban Thường vụ Đảng bộ xã Kim Long" in text
    assert "Nguyễn Thị Hương" in text and "Trần Văn An" not in text
    assert "Chi bộ thôn Đồng Bông" in text
    # At "good or better", both.
    text = client.get(reverse("reviews:honours") + query.replace("muc=1", "muc=2")).content.decode()
    assert "Trần Văn An" in text

    before = AuditEntry.objects.filter(action="review.honours_exported").count()
    r = client.get(reverse("reviews:honours_xlsx") + query)
    assert r.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    values = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "Đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền 2012–2016" in values
    # The title above the header, the years and counts as numbers.
    assert values.index("Đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền 2012–2016") < (
        values.index("Họ và tên")
    )
    assert 2012 in values and 5 in values
    assert "Nguyễn Thị Hương" in values and "Trần Văn An" not in values

    # Who signs: the committee's secretary on the day, when one is recorded.
    from dangbo.orgs.models import Position

    Position.objects.create(
        member=world.members["binh"],
        org=world.org("kim-long"),
        title="secretary",
        valid_from=date(2015, 1, 1),
    )
    r = client.get(reverse("reviews:honours_docx") + query)
    assert r.status_code == 200
    from docx import Document

    doc = Document(io.BytesIO(r.content))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "DANH SÁCH" in paragraphs
    assert "Đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền 2012–2016" in paragraphs
    # The Party document's heading: the granting committee under its superior, a number.
    heading = [p.text for c in doc.tables[0].rows[0].cells for p in c.paragraphs]
    assert heading[:4] == ["HUYỆN ỦY TAM DƯƠNG", "ĐẢNG ỦY XÃ KIM LONG", "*", "Số       -DS/ĐU"]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in heading
    cells = [c.text for row in doc.tables[1].rows for c in row.cells]
    assert cells[:7] == [
        "STT",
        "Họ và tên",
        "Chi bộ",
        "Số năm liền",
        "Từ năm",
        "Đến năm",
        "Dài nhất",
    ]
    assert "Nguyễn Thị Hương" in cells and "Trần Văn An" not in cells and "2012" in cells
    assert "<w:tblHeader/>" in doc.tables[1].rows[0]._tr.xml
    closing = [p.text for c in doc.tables[-1].rows[0].cells for p in c.paragraphs if p.text]
    # A grassroots committee has no standing committee: it signs for the whole committee.
    assert "Nơi nhận:" in closing and "T/M ĐẢNG ỦY" in closing and "BÍ THƯ" in closing
    assert "- Huyện ủy Tam Dương (b/c)," in closing and closing[-1] == "Lê Văn Bình"
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)

    r = client.get(reverse("reviews:honours_pdf") + query)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "Nguyễn Thị Hương" in text and "Trần Văn An" not in text
    assert AuditEntry.objects.filter(action="review.honours_exported").count() == before + 3

    history = client.get(reverse("reviews:member_history", args=[world.members["huong"].pk]))
    assert "5 năm" in history.content.decode()


def test_honours_scoping(client, world):
    five_years(world)
    query = "?to-chuc=kim-long&nam=2016"
    for role in ("outsider", "member", "nobody"):
        as_user(client, world, role)
        assert client.get(reverse("reviews:honours") + query).status_code == 404, role
        assert client.get(reverse("reviews:honours_xlsx") + query).status_code == 404, role
    as_user(client, world, "outsider")
    assert (
        client.get(reverse("reviews:member_history", args=[world.members["huong"].pk])).status_code
        == 404
    )
    assert client.get(reverse("reviews:org_history", args=["kim-long"])).status_code == 404
    as_user(client, world, "member")
    assert (
        client.get(reverse("reviews:member_history", args=[world.members["huong"].pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("reviews:member_history", args=[world.members["an"].pk])).status_code
        == 404
    )


# -- query counts ---------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_rows(client, world):
    c = open_cycle(world, "tam-duong", year=2023)
    decided(world, c, "htt", member=world.members["huong"])
    decided(world, c, "htt", subject_org=world.org("kl-thon-1"))
    self_assessed(world, c, "htt", member=world.members["hoa"])
    as_user(client, world, "staff")
    urls = [reverse("reviews:evaluations", args=[c.pk]), reverse("reviews:cycle", args=[c.pk])]
    first = [_queries(client, u) for u in urls]
    for i in range(6):
        m = extra_member(world, f"x{i}", "kl-thon-2" if i % 2 else "hh-tdp-1", f"Thành viên {i}")
        decided(world, c, "htt", member=m)
    decided(world, c, "htt", subject_org=world.org("kl-thon-2"))
    decided(world, c, "ht", subject_org=world.org("cb-toa-an"))
    assert [_queries(client, u) for u in urls] == first
