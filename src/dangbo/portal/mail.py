"""The portal's mail: the receipt of a petition (with its tracking code) and the notice of
an answer, through Django's mail backend (SMTP from ``DANGBO_SMTP_HOST``; without it, files
under DATA_DIR/mail/). Sent after the transaction commits; a mail server that fails is
logged (without the address) and never undoes what the citizen sent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


def after_commit(send: Callable[[int], None], pk: int) -> None:
    transaction.on_commit(partial(send, pk))


def _portal_url(path: str = "") -> str:
    base = (settings.PORTAL.get("URL") or "").rstrip("/")
    return f"{base}/{path}" if base else ""


def _send(subject: str, body: str, to: str) -> bool:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any mail failure is logged, never raised
        log.warning("portal mail not sent: %s", type(exc).__name__)
        return False
    return True


def petition_received(petition_id: int) -> None:
    from .models import Petition
    from .rules import format_code

    petition = Petition.objects.select_related("opinion__topic").filter(pk=petition_id).first()
    if petition is None or not petition.email:
        return
    code = format_code(petition.code)
    where = _portal_url("tra-cuu/")
    body = "\n".join(
        [
            "Kính gửi ông/bà,",
            "",
            f"Cổng thông tin đã nhận phản ánh, kiến nghị của ông/bà ngày "
            f"{timezone.localtime(petition.received_at):%d/%m/%Y} "
            f"(lĩnh vực: {petition.opinion.topic.name}).",
            "",
            f"Mã tra cứu: {code}",
            "",
            "Ông/bà dùng mã này cùng email đã gửi để xem tình trạng xử lý và nội dung trả lời "
            "trên trang “Tra cứu phản ánh” của Cổng thông tin" + (f": {where}" if where else "."),
            "",
            "Thư này được gửi tự động; xin không trả lời thư.",
        ]
    )
    if _send(f"Đã nhận phản ánh — mã {code}", body, petition.email):
        Petition.objects.filter(pk=petition.pk).update(receipt_sent_at=timezone.now())


def petition_answered(petition_id: int) -> None:
    from .models import Petition
    from .rules import format_code

    petition = Petition.objects.select_related("opinion").filter(pk=petition_id).first()
    if petition is None or not petition.email or not petition.opinion.answer:
        return
    code = format_code(petition.code)
    body = "\n".join(
        [
            "Kính gửi ông/bà,",
            "",
            f"Phản ánh, kiến nghị mã {code} đã được trả lời:",
            "",
            petition.opinion.answer,
            "",
            "Ông/bà có thể xem lại tại trang “Tra cứu phản ánh” của Cổng thông tin"
            + (f": {_portal_url('tra-cuu/')}" if _portal_url() else "."),
            "",
            "Thư này được gửi tự động; xin không trả lời thư.",
        ]
    )
    if _send(f"Trả lời phản ánh — mã {code}", body, petition.email):
        Petition.objects.filter(pk=petition.pk).update(answer_sent_at=timezone.now())


def comment_answered(comment_id: int) -> None:
    from .models import Comment

    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or not comment.email:
        return
    body = "\n".join(
        [
            f"Kính gửi {comment.name},",
            "",
            f"Ý kiến của ông/bà về bài “{comment.article.title}” đã được trả lời:",
            "",
            comment.answer,
            "",
            "Thư này được gửi tự động; xin không trả lời thư.",
        ]
    )
    _send("Trả lời ý kiến bạn đọc", body, comment.email)
