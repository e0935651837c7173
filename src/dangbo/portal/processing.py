"""What the portal collects about people, declared for the register of processing
activities (``core.privacy``), with the retention steps ``dangbo retention`` runs, and the
consent purposes its forms show."""

from __future__ import annotations

from datetime import datetime, timedelta

from dangbo.core import privacy

from . import rules


def _comment_emails(now: datetime, actor) -> int:
    from .choices import CommentState
    from .models import Comment
    from .services import erase_comment_contact

    due = Comment.objects.exclude(email="").filter(
        received_at__lt=now - timedelta(days=rules.COMMENT_EMAIL_DAYS)
    ) | Comment.objects.exclude(email="").filter(
        state=CommentState.REJECTED,
        received_at__lt=now - timedelta(days=rules.REJECTED_COMMENT_DAYS),
    )
    return sum(
        erase_comment_contact(pk, actor=actor, why="hết thời hạn lưu")
        for pk in due.values_list("pk", flat=True).distinct()
    )


def _petition_contacts(now: datetime, actor) -> int:
    from dangbo.oversight.choices import OpinionState

    from .models import Petition
    from .services import erase_petition_contact

    day = (now - timedelta(days=rules.PETITION_CONTACT_DAYS)).date()
    due = Petition.objects.filter(
        contact_erased_at__isnull=True,
        opinion__state=OpinionState.CLOSED,
        opinion__closed_on__lt=day,
    ).values_list("pk", flat=True)
    return sum(erase_petition_contact(pk, actor=actor, why="hết thời hạn lưu") for pk in due)


def _submissions(now: datetime, actor) -> int:
    from .throttle import purge

    return purge(now)


def declare_all() -> None:
    from dangbo.oversight import hooks

    from .services import answered, withdraw_ref

    hooks.on_answered(answered)
    privacy.declare_purpose(
        privacy.ConsentPurpose(
            rules.COMMENT_PURPOSE,
            rules.COMMENT_CONSENT_VERSION,
            rules.COMMENT_CONSENT,
            withdraw_ref,
        )
    )
    privacy.declare_purpose(
        privacy.ConsentPurpose(
            rules.PETITION_PURPOSE,
            rules.PETITION_CONSENT_VERSION,
            rules.PETITION_CONSENT,
            withdraw_ref,
        )
    )
    privacy.declare(
        privacy.Processing(
            code="portal.comments",
            name="Ý kiến bạn đọc dưới bài viết (“Ý kiến của bạn”)",
            purpose="Duyệt, đăng và trả lời ý kiến của bạn đọc về bài viết trên Cổng thông tin.",
            subjects="Bạn đọc, công dân",
            data=("Họ tên", "Email", "Nội dung ý kiến"),
            legal_basis="Sự đồng ý của chủ thể dữ liệu (Luật BVDLCN 2025, Điều 9)",
            recipients="Cán bộ quản lý Cổng thông tin của cấp ủy đăng bài",
            sensitive=True,
            sensitive_data=("Ý kiến có thể thể hiện quan điểm chính trị",),
            consent_purpose=rules.COMMENT_PURPOSE,
            retention=privacy.Retention(
                period="Email: 12 tháng kể từ khi gửi (ý kiến không được đăng: 90 ngày, kèm "
                "họ tên); ý kiến đã đăng được giữ cùng bài viết",
                run=_comment_emails,
            ),
        )
    )
    privacy.declare(
        privacy.Processing(
            code="portal.petitions",
            name="Phản ánh, kiến nghị của công dân qua Cổng thông tin",
            purpose="Tiếp nhận, giao xử lý, trả lời phản ánh, kiến nghị và báo kết quả cho "
            "người gửi.",
            subjects="Công dân",
            data=("Họ tên (không bắt buộc)", "Email (không bắt buộc)", "Nội dung", "Ảnh kèm theo"),
            legal_basis="Sự đồng ý của chủ thể dữ liệu (Luật BVDLCN 2025, Điều 9); gửi không "
            "ghi danh thì không lưu dữ liệu cá nhân",
            recipients="Cấp ủy tiếp nhận và tổ chức được giao xử lý",
            sensitive=True,
            sensitive_data=("Ý kiến có thể thể hiện quan điểm chính trị",),
            consent_purpose=rules.PETITION_PURPOSE,
            retention=privacy.Retention(
                period="Họ tên, email: 12 tháng sau khi kết thúc xử lý; nội dung và trả lời "
                "được giữ trong sổ ý kiến (không kèm người gửi)",
                run=_petition_contacts,
            ),
        )
    )
    privacy.declare(
        privacy.Processing(
            code="portal.submissions",
            name="Giới hạn số lần gửi biểu mẫu công khai",
            purpose="Chống gửi tràn, gửi rác vào các biểu mẫu của Cổng thông tin.",
            subjects="Người dùng Cổng thông tin",
            data=("Mã băm có khóa của địa chỉ mạng", "Mã băm có khóa của email"),
            legal_basis="Bảo đảm an ninh mạng, an toàn hệ thống (lợi ích chính đáng)",
            recipients="Không ai (chỉ hệ thống dùng)",
            retention=privacy.Retention(period="1 ngày", run=_submissions, action="erase"),
        )
    )
