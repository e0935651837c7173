"""The opinions log in the register of processing activities (``core.privacy``): who raised
an opinion is personal data, and an opinion may reveal political views (sensitive, brief
§9.2). The matter and its answer stay in the log; the person's name and contact are
anonymised once the opinion has been closed for ``SUBMITTER_KEEP_DAYS``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from dangbo.core import audit, privacy

SUBMITTER_KEEP_DAYS = 2 * 365  # dangbo's choice: two years after the opinion was closed


@transaction.atomic
def anonymise_submitters(now: datetime, actor) -> int:
    from .choices import OpinionAudit, OpinionState
    from .models import Opinion

    day = (now - timedelta(days=SUBMITTER_KEEP_DAYS)).date()
    due = Opinion.objects.filter(state=OpinionState.CLOSED, closed_on__lt=day).exclude(
        submitter_name="", submitter_contact=""
    )
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return 0
    Opinion.objects.filter(pk__in=ids).update(
        submitter_name="", submitter_contact="", consent=False
    )
    audit.record(
        actor=actor,
        action=OpinionAudit.ANONYMISED,
        object_type="oversight.opinion",
        object_id="retention",
        summary=f"Ẩn danh người nêu của {len(ids)} ý kiến đã kết thúc quá 2 năm",
        after={"opinions": ids[:1000], "count": len(ids)},
    )
    return len(ids)


def declare_all() -> None:
    privacy.declare(
        privacy.Processing(
            code="oversight.opinions",
            name="Sổ ý kiến của cán bộ, đảng viên và nhân dân",
            purpose="Ghi nhận ý kiến nghe được khi dự sinh hoạt chi bộ, tại hội nghị và qua "
            "Cổng thông tin; giao xử lý, theo dõi đến khi trả lời.",
            subjects="Cán bộ, đảng viên, công dân nêu ý kiến",
            data=("Họ tên người nêu (không bắt buộc)", "Liên hệ (khi đồng ý)", "Nội dung ý kiến"),
            legal_basis="Sự đồng ý của người nêu đối với thông tin liên hệ; nhiệm vụ của cấp ủy "
            "trong lãnh đạo, kiểm tra, giám sát (Điều lệ Đảng)",
            recipients="Cấp ủy tiếp nhận, tổ chức được giao xử lý; người có quyền xem thông tin "
            "nhạy cảm mới xem được người nêu",
            sensitive=True,
            sensitive_data=("Ý kiến có thể thể hiện quan điểm chính trị",),
            retention=privacy.Retention(
                period="Người nêu, liên hệ: 2 năm sau khi ý kiến kết thúc thì ẩn danh; nội "
                "dung và trả lời được giữ trong sổ",
                run=anonymise_submitters,
            ),
        )
    )
