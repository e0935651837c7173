"""Each workflow of ``privacy.services``: what it stores, its audit entry, and bad input
refused by field with nothing written."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangbo.core.models import AuditEntry
from dangbo.privacy import rules, services
from dangbo.privacy.choices import (
    BreachAudit,
    ConsentAudit,
    DataRequestAudit,
    RequestKind,
    RequestState,
)
from dangbo.privacy.models import Breach, ConsentRecord, DataRequest
from tests.support import assert_refused

pytestmark = pytest.mark.django_db


def _actions(since: int) -> list[str]:
    return list(
        AuditEntry.objects.filter(id__gt=since).order_by("id").values_list("action", flat=True)
    )


def _last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


# ---- consents


def test_record_consent_snapshots_the_words(world, purpose):
    since = _last_id()
    consent = services.record_consent(
        actor=None,
        purpose=purpose.code,
        subject_name="  Nguyễn  Văn Dân ",
        subject_email="Dan.Nguyen@Example.VN ",
        ref="portal.comment:12",
        org=world.org("tam-duong"),
    )
    assert consent.text == purpose.declared.text and consent.text_version == 3
    assert consent.subject_name == "Nguyễn Văn Dân"
    assert consent.subject_email == "dan.nguyen@example.vn"
    assert consent.ref == "portal.comment:12" and consent.withdrawn_at is None
    assert _actions(since) == [ConsentAudit.GIVEN]
    entry = AuditEntry.objects.get(id__gt=since)
    assert "Dân" not in entry.summary and "example" not in entry.summary  # no personal data
    assert entry.scope_path == world.org("tam-duong").path


def test_a_members_consent_is_held_by_their_grassroots(world, purpose):
    huong = world.members["huong"]
    consent = services.record_consent(
        actor=world.users["member"],
        purpose=purpose.code,
        subject_name="",
        subject_email="",
        ref="",
        member=huong,
    )
    assert consent.org == world.org("kim-long") and consent.user == world.users["member"]


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("purpose", {"purpose": "no.such"}),
        ("subject_email", {"subject_email": "not-an-email"}),
        ("subject_name", {"subject_name": "A\x00B"}),
        ("subject_name", {"subject_name": "x" * 121}),
        ("subject_name", {"subject_name": "", "subject_email": ""}),
    ],
)
def test_record_consent_refuses_bad_input(world, purpose, field, kwargs):
    base = {
        "actor": None,
        "purpose": purpose.code,
        "subject_name": "Dân",
        "subject_email": "dan@example.vn",
        "ref": "portal.comment:1",
    }
    message = assert_refused([ConsentRecord], field, services.record_consent, **{**base, **kwargs})
    assert ":" in message


def test_withdraw_consent_calls_the_owner_once(world, purpose):
    consent = services.record_consent(
        actor=None,
        purpose=purpose.code,
        subject_name="Dân",
        subject_email="dan@example.vn",
        ref="portal.comment:7",
        org=world.org("kim-long"),
    )
    since = _last_id()
    services.withdraw_consent(actor=world.users["staff"], consent=consent, how="Đơn ngày 5/1")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_how == "Đơn ngày 5/1"
    assert purpose.withdrawn == ["portal.comment:7"]
    assert _actions(since) == [ConsentAudit.WITHDRAWN]
    assert_refused(
        [ConsentRecord],
        "consent",
        services.withdraw_consent,
        actor=None,
        consent=consent,
        how="lần nữa",
    )
    assert purpose.withdrawn == ["portal.comment:7"]
    assert_refused(
        [ConsentRecord], "how", services.withdraw_consent, actor=None, consent=consent, how=" "
    )


# ---- requests


def _file(world, **kw):
    base = {
        "actor": world.users["staff"],
        "kind": RequestKind.SEE,
        "text": "Đề nghị cho xem dữ liệu của tôi.",
        "name": "Trần Thị Bé",
        "email": "be@example.vn",
        "org": world.org("kim-long"),
    }
    return services.file_request(**{**base, **kw})


def test_file_request_fixes_the_deadlines(world):
    since = _last_id()
    request = _file(world, kind=RequestKind.OBJECT, third_party=True)
    local = timezone.localtime(request.received_at)
    assert request.state == RequestState.RECEIVED
    assert request.ack_due == rules.ack_due(local)
    assert request.due == local.date() + timedelta(days=20)
    assert len(request.code) == 10 and request.code.isalnum()
    assert _actions(since) == [DataRequestAudit.FILED]
    assert "Bé" not in AuditEntry.objects.get(id__gt=since).summary


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("kind", {"kind": "burn"}),
        ("text", {"text": "   "}),
        ("text", {"text": "x" * (services.MAX_REQUEST_TEXT + 1)}),
        ("text", {"text": "bad \x07 bell"}),
        ("email", {"email": "be@"}),
        ("email", {"email": ""}),
        ("name", {"name": ""}),
        ("org", {"org": None}),
    ],
)
def test_file_request_refuses_bad_input(world, field, kwargs):
    assert_refused([DataRequest], field, lambda **kw: _file(world, **kw), **kwargs)


def test_a_member_files_at_their_grassroots(world):
    request = services.file_member_request(
        actor=world.users["member"], kind=RequestKind.CORRECT, text="Sửa quê quán."
    )
    assert request.member == world.members["huong"] and request.user == world.users["member"]
    assert request.org == world.org("kim-long")
    assert request.requester_name == "Nguyễn Thị Hương"
    assert_refused(
        [DataRequest],
        "member",
        services.file_member_request,
        actor=world.users["nobody"],
        kind=RequestKind.SEE,
        text="x",
    )


def test_the_request_lifecycle(world):
    request = _file(world, kind=RequestKind.RESTRICT)
    staff = world.users["staff"]
    since = _last_id()
    request = services.acknowledge_request(actor=staff, request=request)
    assert request.state == RequestState.ACKNOWLEDGED and request.handled_by == staff
    assert_refused(
        [DataRequest], "state", services.acknowledge_request, actor=staff, request=request
    )
    request = services.extend_request(actor=staff, request=request, reason="Cần hỏi bên thứ ba")
    assert request.extended_until == request.due + timedelta(days=15)
    message = assert_refused(
        [DataRequest],
        "reason",
        services.extend_request,
        actor=staff,
        request=request,
        reason="lần hai",
    )
    assert "một lần" in message
    assert_refused(
        [DataRequest],
        "outcome",
        services.complete_request,
        actor=staff,
        request=request,
        outcome="",
    )
    request = services.complete_request(actor=staff, request=request, outcome="Đã hạn chế.")
    assert request.state == RequestState.DONE and request.closed_at is not None
    assert_refused(
        [DataRequest], "state", services.refuse_request, actor=staff, request=request, reason="x"
    )
    assert _actions(since) == [
        DataRequestAudit.ACKNOWLEDGED,
        DataRequestAudit.EXTENDED,
        DataRequestAudit.DONE,
    ]


def test_refuse_a_request(world):
    request = services.refuse_request(
        actor=world.users["staff"],
        request=_file(world, kind=RequestKind.DELETE),
        reason="Dữ liệu phải lưu theo quy định.",
    )
    assert request.state == RequestState.REFUSED and request.outcome.startswith("Dữ liệu")
    assert request.acknowledged_at is not None


# ---- breaches


def _breach(world, **kw):
    base = {
        "actor": world.users["admin"],
        "org": world.org("tam-duong"),
        "detected_at": timezone.now() - timedelta(hours=2),
        "description": "Một máy tính có bản sao danh sách đảng viên bị mất.",
        "data_kinds": "Họ tên, ngày sinh, số CCCD",
        "sensitive": True,
        "subjects_estimate": 120,
    }
    return services.record_breach(**{**base, **kw})


def test_the_breach_lifecycle(world):
    since = _last_id()
    breach = _breach(world)
    assert breach.notify_due == breach.detected_at + timedelta(hours=72)
    admin = world.users["admin"]
    breach = services.mark_authority_notified(actor=admin, breach=breach, reference="12/TB")
    assert breach.authority_notified_at is not None and breach.authority_reference == "12/TB"
    assert_refused([Breach], "at", services.mark_authority_notified, actor=admin, breach=breach)
    breach = services.mark_subjects_notified(actor=admin, breach=breach)
    assert_refused([Breach], "measures", services.close_breach, actor=admin, breach=breach)
    breach = services.close_breach(actor=admin, breach=breach, measures="Đổi mật khẩu, thu hồi.")
    assert breach.closed_at is not None
    assert_refused(
        [Breach], "closed_at", services.mark_subjects_notified, actor=admin, breach=breach
    )
    assert _actions(since) == [
        BreachAudit.RECORDED,
        BreachAudit.AUTHORITY_NOTIFIED,
        BreachAudit.SUBJECTS_NOTIFIED,
        BreachAudit.CLOSED,
    ]


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("org", {"org": None}),
        ("detected_at", {"detected_at": None}),
        ("detected_at", {"detected_at": timezone.now() + timedelta(days=1)}),
        ("description", {"description": ""}),
        ("data_kinds", {"data_kinds": ""}),
        ("subjects_estimate", {"subjects_estimate": -1}),
    ],
)
def test_record_breach_refuses_bad_input(world, field, kwargs):
    assert_refused([Breach], field, lambda **kw: _breach(world, **kw), **kwargs)


def test_a_notice_cannot_precede_the_detection(world):
    breach = _breach(world)
    with pytest.raises(ValidationError) as exc:
        services.mark_subjects_notified(
            actor=None, breach=breach, at=breach.detected_at - timedelta(minutes=1)
        )
    assert "at" in exc.value.message_dict
