"""The personal-data pages: who may open and act on what (out of scope is 404), the
office's flows through the forms, and a member's own page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangbo.core.models import AuditEntry
from dangbo.privacy import services
from dangbo.privacy.choices import RequestKind, RequestState
from dangbo.privacy.models import Breach, ConsentRecord, DataRequest
from tests.support import counts

pytestmark = pytest.mark.django_db

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
    "anonymous",
)
CHANGERS = {"root", "admin", "staff", "sensitive_staff", "outsider"}
AUDITORS = {"root", "admin", "auditor"}
VIEWERS = CHANGERS | AUDITORS | {"committee", "secretary"}
# Over Kim Long (in scope) / Tân Tiến, Vĩnh Tường (out of scope of Tam Dương's users).
IN_CHANGE = {"root", "admin", "staff", "sensitive_staff"}
OUT_CHANGE = {"root", "outsider"}
BREACH_READ = {"root", "admin", "auditor"}
BREACH_ACT = {"root", "admin"}


def _client(world, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _expect(role, allowed, ok=200):
    if role == "anonymous":
        return 302
    return ok if role in allowed else 404


@pytest.fixture
def things(world):
    staff = world.users["staff"]
    inside = services.file_request(
        actor=staff,
        kind=RequestKind.SEE,
        text="Cho xem.",
        name="Bé",
        email="be@example.vn",
        org=world.org("kim-long"),
    )
    outside = services.file_request(
        actor=None,
        kind=RequestKind.SEE,
        text="Cho xem.",
        name="Cô",
        email="co@example.vn",
        org=world.org("vt-xa"),
    )
    breach = services.record_breach(
        actor=world.users["admin"],
        org=world.org("tam-duong"),
        detected_at=timezone.now() - timedelta(hours=80),
        description="Lộ danh sách.",
        data_kinds="Họ tên",
    )
    return {"in": inside, "out": outside, "breach": breach}


PAGES = {
    "index": (lambda t: reverse("privacy:index"), CHANGERS | AUDITORS),
    "register": (lambda t: reverse("privacy:register"), VIEWERS),
    "requests": (lambda t: reverse("privacy:requests"), CHANGERS),
    "request_create": (lambda t: reverse("privacy:request_create"), CHANGERS),
    "request_in": (lambda t: reverse("privacy:request", args=[t["in"].pk]), IN_CHANGE),
    "request_out": (lambda t: reverse("privacy:request", args=[t["out"].pk]), OUT_CHANGE),
    "consents": (lambda t: reverse("privacy:consents"), CHANGERS),
    "breaches": (lambda t: reverse("privacy:breaches"), BREACH_READ),
    "breach": (lambda t: reverse("privacy:breach", args=[t["breach"].pk]), BREACH_READ),
    "mine": (lambda t: reverse("privacy:mine"), {"member"}),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_opens_which_page(world, things, role):
    client = _client(world, role)
    got = {name: client.get(url(things)).status_code for name, (url, _who) in PAGES.items()}
    want = {name: _expect(role, who) for name, (_url, who) in PAGES.items()}
    assert got == want


@pytest.mark.parametrize("role", ROLES)
def test_who_acts_on_a_request(world, things, role):
    client = _client(world, role)
    target = things["in"]
    before = counts(DataRequest, AuditEntry)
    response = client.post(reverse("privacy:request_action", args=[target.pk, "xac-nhan"]))
    target.refresh_from_db()
    if role in IN_CHANGE:
        assert response.status_code == 302
        assert target.state == RequestState.ACKNOWLEDGED
    else:
        assert response.status_code == _expect(role, IN_CHANGE)
        assert target.state == RequestState.RECEIVED
        assert counts(DataRequest, AuditEntry) == before


@pytest.mark.parametrize("role", ROLES)
def test_who_acts_on_a_breach(world, things, role):
    client = _client(world, role)
    breach = things["breach"]
    before = counts(Breach, AuditEntry)
    response = client.post(
        reverse("privacy:breach_action", args=[breach.pk, "ket-thuc"]),
        {"ket-thuc-measures": "Đã xử lý."},
    )
    breach.refresh_from_db()
    if role in BREACH_ACT:
        assert response.status_code == 302 and breach.closed_at is not None
    else:
        assert response.status_code == _expect(role, BREACH_ACT)
        assert breach.closed_at is None and counts(Breach, AuditEntry) == before


def test_an_auditor_reads_breaches_but_records_none(world, things):
    client = _client(world, "auditor")
    page = client.get(reverse("privacy:breaches")).content.decode()
    assert "Lộ danh sách" not in page  # the list shows the data kinds, not the description
    assert "Ghi nhận vi phạm" not in page
    assert client.post(reverse("privacy:breaches"), {"data_kinds": "x"}).status_code == 404
    detail = client.get(reverse("privacy:breach", args=[things["breach"].pk])).content.decode()
    assert "quá 72 giờ" in detail and "ket-thuc" not in detail


def test_the_overview_marks_overdue(world, things):
    DataRequest.objects.filter(pk=things["in"].pk).update(
        due=timezone.localdate() - timedelta(days=1),
        ack_due=timezone.localdate() - timedelta(days=3),
    )
    page = _client(world, "staff").get(reverse("privacy:index")).content.decode()
    assert things["in"].code in page and things["out"].code not in page
    assert "quá hạn" in page and "quá hạn xác nhận" in page
    assert "Sổ vi phạm" not in page  # staff hold no AUDIT
    admin = _client(world, "admin").get(reverse("privacy:index")).content.decode()
    assert "quá 72 giờ" in admin


def test_staff_file_extend_and_complete_through_the_forms(world):
    client = _client(world, "staff")
    response = client.post(
        reverse("privacy:request_create"),
        {
            "kind": "object",
            "name": "Trần Thị Bé",
            "email": "BE@example.vn",
            "text": "Phản đối.",
            "org": "Đảng bộ xã Kim Long",
            "third_party": "on",
        },
    )
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.org == world.org("kim-long") and request.requester_email == "be@example.vn"
    assert request.third_party and (request.due - timezone.localdate()).days == 20
    url = reverse("privacy:request_action", args=[request.pk, "gia-han"])
    assert client.post(url, {"gia-han-reason": "Chờ bên thứ ba"}).status_code == 302
    refused = client.post(url, {"gia-han-reason": "Lần hai"})
    assert refused.status_code == 400 and "một lần" in refused.content.decode()
    done = reverse("privacy:request_action", args=[request.pk, "hoan-thanh"])
    assert client.post(done, {"hoan-thanh-outcome": ""}).status_code == 400
    assert client.post(done, {"hoan-thanh-outcome": "Đã ngừng xử lý."}).status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.DONE and request.extended_until is not None


def test_bad_request_form_names_the_fields_and_stores_nothing(world):
    client = _client(world, "staff")
    response = client.post(
        reverse("privacy:request_create"),
        {"kind": "", "name": "", "email": "not-mail", "text": "", "org": "Vĩnh Tường"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Loại yêu cầu: bắt buộc." in page and "Email: không phải địa chỉ email hợp lệ." in page
    assert not DataRequest.objects.exists()


def test_an_out_of_scope_organisation_cannot_be_named(world):
    client = _client(world, "staff")
    response = client.post(
        reverse("privacy:request_create"),
        {
            "kind": "see",
            "name": "Cô",
            "email": "co@example.vn",
            "text": "x",
            "org": "Đảng bộ xã Tân Tiến",
        },
    )
    assert response.status_code == 400 and not DataRequest.objects.exists()


def test_admin_records_a_breach_through_the_form(world):
    client = _client(world, "admin")
    day = timezone.localdate() - timedelta(days=1)  # a time earlier today may still be ahead
    response = client.post(
        reverse("privacy:breaches"),
        {
            "org": "Đảng bộ huyện Tam Dương",
            "detected_on": f"{day:%d/%m/%Y}",
            "detected_time": "00:05",
            "description": "Gửi nhầm email.",
            "data_kinds": "Họ tên, email",
            "subjects_estimate": "3",
        },
    )
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert breach.notify_due - breach.detected_at == timedelta(hours=72)
    bad = client.post(reverse("privacy:breaches"), {"detected_on": "31/02/2026"})
    assert bad.status_code == 400 and Breach.objects.count() == 1


def test_staff_withdraw_a_consent_on_request(world, purpose):
    consent = services.record_consent(
        actor=None,
        purpose=purpose.code,
        subject_name="Dân",
        subject_email="dan@example.vn",
        ref="test.thing:3",
        org=world.org("kim-long"),
    )
    other = services.record_consent(
        actor=None,
        purpose=purpose.code,
        subject_name="Tư",
        subject_email="tu@example.vn",
        ref="test.thing:4",
        org=world.org("vt-xa"),
    )
    client = _client(world, "staff")
    page = client.get(reverse("privacy:consents"), {"q": "DAN@"}).content.decode()
    assert "dan@example.vn" in page and "tu@example.vn" not in page
    url = reverse("privacy:consent_withdraw", args=[consent.pk])
    assert client.post(url, {"how": ""}).status_code == 400
    assert client.post(url, {"how": "Gọi điện ngày 6/1"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and purpose.withdrawn == ["test.thing:3"]
    out = reverse("privacy:consent_withdraw", args=[other.pk])
    assert client.post(out, {"how": "x"}).status_code == 404
    assert ConsentRecord.objects.get(pk=other.pk).withdrawn_at is None


def test_a_member_files_a_request_and_withdraws_a_consent(world, purpose):
    huong = world.members["huong"]
    mine = services.record_consent(
        actor=None,
        purpose=purpose.code,
        subject_name="",
        subject_email="",
        ref="test.thing:9",
        member=huong,
    )
    someone = services.record_consent(
        actor=None,
        purpose=purpose.code,
        subject_name="Khác",
        subject_email="k@example.vn",
        ref="test.thing:10",
        org=world.org("kim-long"),
    )
    client = _client(world, "member")
    url = reverse("privacy:mine")
    page = client.get(url).content.decode()
    assert purpose.declared.text in page and "Đảng bộ xã Kim Long" in page
    assert client.post(url, {"kind": "", "text": ""}).status_code == 400
    response = client.post(url, {"kind": "correct", "text": "Sửa quê quán.", "org": "vt-xa"})
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.member == huong and request.org == world.org("kim-long")
    page = client.get(url).content.decode()
    assert request.code in page and request.due.strftime("%d/%m/%Y") in page
    assert "Mới tiếp nhận" in page
    # withdraw their own consent; another person's is absent
    assert client.post(reverse("privacy:mine_withdraw", args=[someone.pk])).status_code == 404
    assert client.post(reverse("privacy:mine_withdraw", args=[mine.pk])).status_code == 302
    assert ConsentRecord.objects.get(pk=mine.pk).withdrawn_at is not None
    assert ConsentRecord.objects.get(pk=someone.pk).withdrawn_at is None
    assert purpose.withdrawn == ["test.thing:9"]


def test_the_members_own_page_links_to_their_data(world):
    page = _client(world, "member").get(reverse("home:mine")).content.decode()
    assert "Dữ liệu cá nhân của tôi" in page and reverse("privacy:mine") in page


def test_the_register_page_lists_the_activities(world):
    page = _client(world, "secretary").get(reverse("privacy:register")).content.decode()
    for name in ("Yêu cầu của chủ thể dữ liệu", "Sổ theo dõi vi phạm", "Hồ sơ sự đồng ý"):
        assert name in page


def test_csrf_is_required(world, things):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["staff"])
    url = reverse("privacy:request_action", args=[things["in"].pk, "xac-nhan"])
    assert client.post(url).status_code == 403
