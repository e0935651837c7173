"""This app's own processing activities in the register (``core.privacy``): the consent
records, the data subjects' requests and the breach log, each with its retention step.

The periods are dangbo's choices where the law sets none (``rules``): a consent record and a
closed request are the controller's proof that it processed lawfully and answered in time,
so they are kept as long as a breach record must be (5 years), then the consent is erased and
the request anonymised (its kind, dates and state stay, counted in reports). A breach record
is kept 5 years after it was closed (the law: at least 5 years), then erased."""

from __future__ import annotations

from datetime import datetime

from dangbo.core import privacy

from . import rules


def _consents(now: datetime, actor) -> int:
    from .services import erase_withdrawn_consents

    return erase_withdrawn_consents(now, actor)


def _requests(now: datetime, actor) -> int:
    from .services import anonymise_closed_requests

    return anonymise_closed_requests(now, actor)


def _breaches(now: datetime, actor) -> int:
    from .services import erase_old_breaches

    return erase_old_breaches(now, actor)


LAW = "Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 và Nghị định 356/2025/NĐ-CP"


def declare_all() -> None:
    privacy.declare(
        privacy.Processing(
            code="privacy.consents",
            name="Hồ sơ sự đồng ý xử lý dữ liệu cá nhân",
            purpose="Chứng minh người dùng đã đồng ý (nội dung, phiên bản lời đồng ý, thời "
            "điểm) và thực hiện việc rút lại sự đồng ý.",
            subjects="Công dân, bạn đọc, đảng viên đã cho sự đồng ý",
            data=(
                "Họ tên",
                "Email",
                "Mục đích, lời đồng ý đã hiển thị",
                "Thời điểm đồng ý, rút lại",
            ),
            legal_basis=f"Nghĩa vụ của bên kiểm soát dữ liệu ({LAW}, Điều 9)",
            recipients="Cán bộ tổ chức của cấp ủy lưu giữ dữ liệu",
            retention=privacy.Retention(
                period=f"Trong thời gian sự đồng ý còn hiệu lực; {rules.CONSENT_KEEP_YEARS} "
                "năm sau khi rút lại thì xóa",
                run=_consents,
                action="erase",
            ),
        )
    )
    privacy.declare(
        privacy.Processing(
            code="privacy.requests",
            name="Yêu cầu của chủ thể dữ liệu",
            purpose="Tiếp nhận, xác nhận, giải quyết yêu cầu xem, chỉnh sửa, xóa, hạn chế xử "
            "lý, rút lại sự đồng ý, phản đối xử lý dữ liệu cá nhân trong thời hạn luật định.",
            subjects="Công dân, đảng viên gửi yêu cầu",
            data=("Họ tên", "Email", "Nội dung yêu cầu", "Kết quả giải quyết"),
            legal_basis=f"Nghĩa vụ pháp lý của bên kiểm soát dữ liệu ({LAW}, Điều 4)",
            recipients="Cán bộ tổ chức của cấp ủy xử lý yêu cầu",
            retention=privacy.Retention(
                period=f"{rules.REQUEST_KEEP_YEARS} năm sau khi kết thúc thì ẩn danh (giữ "
                "loại yêu cầu, thời hạn, kết quả)",
                run=_requests,
                action="anonymise",
            ),
        )
    )
    privacy.declare(
        privacy.Processing(
            code="privacy.breaches",
            name="Sổ theo dõi vi phạm quy định bảo vệ dữ liệu cá nhân",
            purpose="Ghi nhận vi phạm, thông báo cho cơ quan chức năng (A05, Bộ Công an) và "
            "cho chủ thể dữ liệu trong 72 giờ, theo dõi biện pháp khắc phục.",
            subjects="Người có dữ liệu bị ảnh hưởng (chỉ số lượng ước tính)",
            data=("Mô tả vi phạm", "Loại dữ liệu bị ảnh hưởng", "Số người bị ảnh hưởng"),
            legal_basis=f"Nghĩa vụ pháp lý ({LAW}); lưu ít nhất {rules.BREACH_KEEP_YEARS} năm",
            recipients="Quản trị hệ thống, kiểm tra; Cục A05 Bộ Công an khi thông báo",
            retention=privacy.Retention(
                period=f"{rules.BREACH_KEEP_YEARS} năm sau khi kết thúc xử lý thì xóa",
                run=_breaches,
                action="erase",
            ),
        )
    )
