from django.db import models
from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class RequestKind(models.TextChoices):
    """The rights a data subject exercises by a request (Luật BVDLCN 91/2025/QH15, Art. 4)."""

    SEE = "see", _("Xem dữ liệu")
    CORRECT = "correct", _("Chỉnh sửa dữ liệu")
    DELETE = "delete", _("Xóa dữ liệu")
    RESTRICT = "restrict", _("Hạn chế xử lý")
    WITHDRAW = "withdraw", _("Rút lại sự đồng ý")
    OBJECT = "object", _("Phản đối xử lý")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Mới tiếp nhận")
    ACKNOWLEDGED = "acknowledged", _("Đã xác nhận, đang xử lý")
    DONE = "done", _("Đã thực hiện")
    REFUSED = "refused", _("Từ chối")


OPEN_REQUEST_STATES = (RequestState.RECEIVED, RequestState.ACKNOWLEDGED)
CLOSED_REQUEST_STATES = (RequestState.DONE, RequestState.REFUSED)


class ConsentAudit(AuditEvent):
    GIVEN = "consent.given", _("Ghi nhận sự đồng ý xử lý dữ liệu cá nhân")
    WITHDRAWN = "consent.withdrawn", _("Rút lại sự đồng ý xử lý dữ liệu cá nhân")


class DataRequestAudit(AuditEvent):
    FILED = "datarequest.filed", _("Tiếp nhận yêu cầu của chủ thể dữ liệu")
    ACKNOWLEDGED = "datarequest.acknowledged", _("Xác nhận đã nhận yêu cầu của chủ thể dữ liệu")
    EXTENDED = "datarequest.extended", _("Gia hạn xử lý yêu cầu của chủ thể dữ liệu")
    DONE = "datarequest.done", _("Thực hiện xong yêu cầu của chủ thể dữ liệu")
    REFUSED = "datarequest.refused", _("Từ chối yêu cầu của chủ thể dữ liệu")


class BreachAudit(AuditEvent):
    RECORDED = "breach.recorded", _("Ghi nhận vi phạm dữ liệu cá nhân")
    AUTHORITY_NOTIFIED = "breach.authority_notified", _("Thông báo vi phạm cho cơ quan chức năng")
    SUBJECTS_NOTIFIED = "breach.subjects_notified", _("Thông báo vi phạm cho chủ thể dữ liệu")
    CLOSED = "breach.closed", _("Kết thúc xử lý vi phạm dữ liệu cá nhân")


class RetentionAudit(AuditEvent):
    RUN = "retention.run", _("Chạy xóa, ẩn danh dữ liệu hết thời hạn lưu")
    ERASED = "retention.erased", _("Xóa dữ liệu cá nhân hết thời hạn lưu")
    ANONYMISED = "retention.anonymised", _("Ẩn danh dữ liệu cá nhân hết thời hạn lưu")
