"""Member endpoints: search, detail with sensitive fields, timeline and the lifecycle."""

from datetime import date

import pytest

from dangbo.core.models import AuditEntry
from dangbo.members.models import BadgeAward, Exemption, Member, Membership

from .conftest import fields

pytestmark = pytest.mark.django_db


def names(response):
    assert response.status_code == 200, response.content
    return [m["full_name"] for m in response.json()["items"]]


def test_search_folds_accents(api):
    assert names(api.get("staff", "/members/", q="nguyen thi huong")) == ["Nguyễn Thị Hương"]
    assert names(api.get("staff", "/members/", q="NGUYỄN hương")) == ["Nguyễn Thị Hương"]
    assert names(api.get("staff", "/members/", q="12345678")) == ["Nguyễn Thị Hương"]
    assert names(api.get("staff", "/members/", q="hoang minh tien")) == []  # out of scope


def test_list_is_in_vietnamese_order_and_filters(api):
    # By given name: An, Bình, Dung, Hoa, Hương, Khánh.
    assert names(api.get("staff", "/members/")) == [
        "Trần Văn An",
        "Lê Văn Bình",
        "Phạm Thị Dung",
        "Đỗ Thị Hoa",
        "Nguyễn Thị Hương",
        "Vũ Quốc Khánh",
    ]
    assert names(api.get("staff", "/members/", org="kim-long")) == [
        "Trần Văn An",
        "Lê Văn Bình",
        "Phạm Thị Dung",
        "Nguyễn Thị Hương",
    ]
    assert names(api.get("staff", "/members/", status="probationary")) == ["Lê Văn Bình"]
    assert api.get("staff", "/members/", org="vt-xa").status_code == 404
    page = api.get("staff", "/members/", limit=2, offset=2).json()
    assert page["count"] == 6 and [m["full_name"] for m in page["items"]] == [
        "Phạm Thị Dung",
        "Đỗ Thị Hoa",
    ]


def test_detail_has_summary(api, world):
    body = api.get("staff", f"/members/{world.members['binh'].pk}").json()
    assert body["org"] == "kl-thon-1" and body["org_name"] == "Chi bộ thôn Đồng Bông"
    assert body["status"] == "probationary" and body["status_label"] == "Đảng viên dự bị"
    assert body["summary"]["probation_end"] == "2017-06-01"
    assert body["summary"]["party_age"] is None
    assert body["summary"]["recognition_overdue"] is True
    an = api.get("staff", f"/members/{world.members['an'].pk}").json()
    assert an["summary"]["party_age"] >= 26 and an["summary"]["badges"] == []


@pytest.mark.parametrize(
    ("who", "granted"),
    [
        ("admin", True),
        ("sensitive_staff", True),
        ("root", True),
        ("staff", False),
        ("committee", False),
        ("member", True),  # huong reading her own record: one's own data, no grant needed
    ],
)
def test_sensitive_fields_only_with_grant_and_logged(api, world, who, granted):
    huong = world.members["huong"]
    before = AuditEntry.objects.filter(action="member.sensitive_read").count()
    body = api.get(who, f"/members/{huong.pk}").json()
    reads = AuditEntry.objects.filter(action="member.sensitive_read")
    if granted:
        assert body["sensitive"] == {
            "ethnicity": "Kinh",
            "religion": "Không",
            "id_number": "026180001234",
            "severe_illness": False,
        }
        entry = reads.last()
        assert reads.count() == before + 1
        assert entry.actor == world.users[who] and entry.object_id == str(huong.pk)
        assert "(api)" in entry.summary and "026180001234" not in str(entry.after)
    else:
        assert body["sensitive"] is None
        assert "026180001234" not in str(body)
        assert reads.count() == before


def test_sensitive_fields_never_in_lists(api):
    response = api.get("admin", "/members/", q="huong")
    assert "026180001234" not in response.content.decode()
    assert "ethnicity" not in response.content.decode()


def test_writing_sensitive_fields_needs_the_grant(api, world):
    huong = world.members["huong"]
    response = api.patch("staff", f"/members/{huong.pk}", {"religion": "Phật giáo"})
    assert response.status_code == 403
    assert Member.objects.get(pk=huong.pk).religion == "Không"
    response = api.patch("admin", f"/members/{huong.pk}", {"religion": "Phật giáo"})
    assert response.status_code == 200
    assert Member.objects.get(pk=huong.pk).religion == "Phật giáo"


def test_patch_changes_only_what_is_sent(api, world):
    an = world.members["an"]
    response = api.patch(
        "staff", f"/members/{an.pk}", {"phone": "0912 345 678", "occupation": "Nông dân"}
    )
    assert response.status_code == 200, response.content
    an.refresh_from_db()
    assert an.phone == "0912345678" and an.occupation == "Nông dân"
    assert an.full_name == "Trần Văn An"
    timeline = api.get("staff", f"/members/{an.pk}/timeline").json()
    assert timeline[-1]["kind"] == "updated"
    assert timeline[-1]["data"] == {"fields": ["occupation", "phone"]}


def test_timeline(api, world):
    events = api.get("secretary", f"/members/{world.members['huong'].pk}/timeline").json()
    assert [e["kind"] for e in events] == ["admitted", "recognised"]
    assert events[0]["to_org"] == "kl-thon-1" and events[0]["kind_label"] == "Kết nạp"


def test_admission_then_recognition(api, world):
    response = api.post(
        "staff",
        "/members/",
        {
            "org": "kl-thon-2",
            "full_name": "  Ngô   Thị Mai ",
            "gender": "F",
            "date_of_birth": "1998-02-28",
            "admission_vote_date": "2019-12-20",
            "admission_decision_date": "2020-01-06",
            "admission_ceremony_date": "2020-01-15",
            "card_number": "87654321",
            "occupation": "Giáo viên",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["full_name"] == "Ngô Thị Mai" and body["card_number"] == "87654321"
    member = Member.objects.get(pk=body["id"])
    assert member.admission_org.code == "kl-thon-2" and member.occupation == "Giáo viên"
    entry = AuditEntry.objects.filter(action="member.admitted").last()
    assert entry.actor == world.users["staff"] and entry.object_id == str(member.pk)
    done = api.post("staff", f"/members/{member.pk}/recognise", {"recognition_date": "2021-01-15"})
    assert done.status_code == 200 and done.json()["official_recognition_date"] == "2021-01-15"


def test_transfer_temporary_exempt_badge_exit(api, world):
    dung = world.members["dung"]
    path = f"/members/{dung.pk}"
    moved = api.post(
        "staff", f"{path}/transfer", {"to_org": "hh-tdp-1", "effective_date": "2020-05-01"}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["org"] == "hh-tdp-1"
    temp = api.post(
        "staff",
        f"{path}/temporary-transfer",
        {"to_org": "vt-thon", "start": "2021-01-01", "planned_end": "2021-09-01", "reason": "work"},
    )
    assert temp.status_code == 200, temp.content
    assert Membership.objects.filter(member=dung, kind="temporary", org__code="vt-thon").exists()
    back = api.post("staff", f"{path}/end-temporary", {"end_date": "2021-08-01"})
    assert back.status_code == 200, back.content
    ex = api.post("staff", f"{path}/exempt", {"category": "health", "start": "2022-01-01"})
    assert ex.status_code == 200, ex.content
    assert api.post("staff", f"{path}/end-exemption", {"end_date": "2022-06-01"}).status_code == 200
    assert Exemption.objects.get(member=dung).valid_to == date(2022, 6, 1)
    badge = api.post("staff", f"{path}/badges", {"milestone": 30, "award_date": "2030-02-03"})
    assert badge.status_code == 422  # too far in the future
    badge = api.post("staff", f"{path}/badges", {"milestone": 30, "award_date": "2026-02-03"})
    # Admitted in 2000: thirty years of party age only in 2030.
    assert "Chưa đủ 30 năm" in fields(badge)["milestone"]
    out = api.post(
        "staff",
        f"{path}/exit",
        {"kind": "deceased", "effective_date": "2023-03-03", "note": "Từ trần"},
    )
    assert out.status_code == 200 and out.json()["status"] == "deceased"
    assert out.json()["exit_date"] == "2023-03-03"
    kinds = [e["kind"] for e in api.get("staff", f"{path}/timeline").json()]
    assert kinds[-6:] == [
        "transferred",
        "temporary_out",
        "temporary_return",
        "exempted",
        "exemption_ended",
        "deceased",
    ]


def test_badge_for_an_old_member(api, world):
    an = world.members["an"]
    Member.objects.filter(pk=an.pk).update(admission_decision_date=date(1980, 5, 19))
    response = api.post(
        "staff", f"/members/{an.pk}/badges", {"milestone": 40, "award_date": "2021-02-03"}
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "milestone": 40,
        "award_date": "2021-02-03",
        "early": False,
        "posthumous": False,
        "badge_number": "",
    }
    assert BadgeAward.objects.filter(member=an, milestone=40).exists()


# ---------------------------------------------------------------- bad input changes nothing

ADMISSION = {
    "org": "kl-thon-1",
    "full_name": "Ngô Văn Mới",
    "gender": "M",
    "date_of_birth": "1995-04-30",
    "admission_decision_date": "2020-03-02",
    "admission_ceremony_date": "2020-03-10",
}


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"date_of_birth": "2016-02-31"}, "date_of_birth", "Ngày sinh: ngày không hợp lệ"),
        ({"date_of_birth": "2005-01-01"}, "date_of_birth", "chưa đủ 18 tuổi"),
        ({"card_number": "12345678"}, "card_number", "Số thẻ đảng viên: đã được sử dụng."),
        ({"card_number": "1234"}, "card_number", "8 chữ số"),
        ({"org": "khong-co"}, "org", "không có tổ chức mã “khong-co”"),
        ({"org": "kim-long"}, "org", "không phải là chi bộ"),
        ({"full_name": "N" * 121}, "full_name", "dài quá 120"),
        ({"full_name": "Ngô\x00Văn"}, "full_name", "ký tự điều khiển"),
        ({"full_name": "Ngô\u202eVăn"}, "full_name", "ký tự điều khiển"),
        ({"gender": "X"}, "gender", "Giới tính"),
        (
            {"admission_ceremony_date": "2020-03-01"},
            "admission_ceremony_date",
            "trước ngày quyết định",
        ),
        ({"admission_decision_date": "2999-01-01"}, "admission_decision_date", "sau hôm nay"),
        ({"phone": "abc"}, "phone", "Điện thoại"),
        ({"severe_illness": "maybe"}, "severe_illness", "true hoặc false"),
        ({"status": "official"}, "status", "không được hỗ trợ"),
    ],
)
def test_admission_bad_input(api, change, field, fragment):
    before = (Member.objects.count(), AuditEntry.objects.count())
    response = api.post("staff", "/members/", {**ADMISSION, **change})
    errors = fields(response)
    assert fragment in errors[field], errors
    assert (Member.objects.count(), AuditEntry.objects.count()) == before


def test_admission_missing_fields_are_all_named(api):
    errors = fields(api.post("staff", "/members/", {"org": "kl-thon-1"}))
    assert errors["full_name"] == "Họ và tên: bắt buộc."
    assert errors["date_of_birth"] == "Ngày sinh: bắt buộc."
    assert "admission_decision_date" in errors and "gender" in errors


@pytest.mark.parametrize(
    ("op", "body", "field", "fragment"),
    [
        ("recognise", {"recognition_date": "2017-01-01"}, "recognition_date", "12 tháng dự bị"),
        ("recognise", {"recognition_date": "2017-02-29"}, "recognition_date", "ngày không hợp lệ"),
        (
            "recognise",
            {"recognition_date": "2017-06-01", "decision_ref": "x\x00"},
            "decision_ref",
            "ký tự điều khiển",
        ),
        ("transfer", {"to_org": "kl-thon-1", "effective_date": "2020-01-01"}, "to_org", "trùng"),
        (
            "transfer",
            {"to_org": "hh-tdp-1", "effective_date": "2020-01-01", "letter_no": "\x01"},
            "letter_no",
            "ký tự điều khiển",
        ),
        (
            "temporary-transfer",
            {
                "to_org": "kl-thon-2",
                "start": "2020-01-01",
                "planned_end": "2020-02-01",
                "reason": "work",
            },
            "planned_end",
            "3 tháng",
        ),
        (
            "temporary-transfer",
            {
                "to_org": "khong-co",
                "start": "2020-01-01",
                "planned_end": "2020-06-01",
                "reason": "work",
            },
            "to_org",
            "khong-co",
        ),
        (
            "temporary-transfer",
            {
                "to_org": "kl-thon-2",
                "start": "2020-01-01",
                "planned_end": "2020-06-01",
                "reason": "holiday",
            },
            "reason",
            "Lý do",
        ),
        ("end-temporary", {"end_date": "2020-01-01"}, "member", "không sinh hoạt tạm thời"),
        ("exempt", {"category": "health", "start": "1990-01-01"}, "start", "trước ngày kết nạp"),
        ("end-exemption", {"end_date": "2020-01-01"}, "member", "không đang được miễn"),
        ("exit", {"kind": "expelled", "effective_date": "2020-01-01"}, "kind", "dự bị"),
        ("exit", {"kind": "vanished", "effective_date": "2020-01-01"}, "kind", "Loại"),
        ("badges", {"milestone": 30, "award_date": "2020-02-03"}, "milestone", "chính thức"),
    ],
)
def test_lifecycle_bad_input_for_binh(api, world, op, body, field, fragment):
    binh = world.members["binh"]
    before = AuditEntry.objects.count()
    response = api.post("staff", f"/members/{binh.pk}/{op}", body)
    errors = fields(response)
    assert fragment in errors[field], errors
    assert AuditEntry.objects.count() == before
    binh.refresh_from_db()
    assert binh.status == "probationary" and binh.org.code == "kl-thon-1"


def test_patch_duplicate_card_number(api, world):
    an = world.members["an"]
    errors = fields(api.patch("staff", f"/members/{an.pk}", {"card_number": "12345678"}))
    assert errors["card_number"] == "Số thẻ đảng viên: đã được sử dụng."
    errors = fields(api.patch("staff", f"/members/{an.pk}", {"full_name": None}))
    assert "full_name" in errors
    an.refresh_from_db()
    assert an.card_number == "" and an.full_name == "Trần Văn An"
