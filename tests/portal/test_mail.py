"""Receipts and answers leave through a real SMTP server started by the test (aiosmtpd):
after the commit, to the sender's address only, with the tracking code; a server that is
down changes nothing of what the citizen sent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dangbo.oversight import services as opinions
from dangbo.oversight.models import OpinionTopic
from dangbo.portal import services
from dangbo.portal.models import Petition
from dangbo.portal.rules import format_code

from .smtp import free_port, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    controller, inbox = start(settings)
    yield inbox
    controller.stop()


def _petition(world, email="hung@example.org"):
    return services.submit_petition(
        data=services.PetitionInput(
            topic=OpinionTopic.objects.filter(active=True).first(),
            org=world.org("kim-long"),
            place="",
            text="Đèn đường thôn Đồng Bông không sáng.",
            name="Lê Văn Hùng" if email else "",
            email=email,
            consent=bool(email),
        )
    )


def test_the_receipt_carries_the_code_after_the_commit(
    world, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        petition = _petition(world)
    assert smtp.messages == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["X-Rcpt-To"] == "hung@example.org"
    code = format_code(petition.code)
    assert code in smtp.subjects()[0] and code in smtp.bodies()[0]
    assert "Đèn đường" not in smtp.bodies()[0]  # the receipt does not repeat the petition
    assert Petition.objects.get(pk=petition.pk).receipt_sent_at is not None


def test_the_answer_is_mailed_when_the_opinion_is_answered(
    world, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        petition = _petition(world)
    staff = world.users["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        opinion = opinions.assign_opinion(
            actor=staff,
            opinion=petition.opinion,
            to_org=world.org("kim-long"),
            deadline=timezone.localdate() + timedelta(days=7),
        )
    assert len(smtp.messages) == 1  # assigning mails nothing
    with django_capture_on_commit_callbacks(execute=True):
        opinions.answer_opinion(
            actor=staff, opinion=opinion, answer="Đã thay bóng đèn.", approved_by="Chủ tịch xã"
        )
    assert len(smtp.messages) == 2
    assert "Đã thay bóng đèn." in smtp.bodies()[1]
    assert Petition.objects.get(pk=petition.pk).answer_sent_at is not None


def test_an_anonymous_petition_sends_no_mail(world, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _petition(world, email="")
    assert smtp.messages == []


def test_a_mail_server_that_is_down_loses_nothing(
    world, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    with django_capture_on_commit_callbacks(execute=True):
        petition = _petition(world)
    petition.refresh_from_db()
    assert petition.receipt_sent_at is None and Petition.objects.count() == 1
    assert "hung@example.org" not in caplog.text  # the log never carries the address


def test_without_a_server_mail_goes_to_files(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    with django_capture_on_commit_callbacks(execute=True):
        petition = _petition(world)
    files = list((tmp_path / "mail").iterdir())
    assert len(files) == 1 and petition.code[:4] in files[0].read_text(encoding="utf-8")
