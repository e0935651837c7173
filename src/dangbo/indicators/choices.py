"""Enumerations of the indicators: value types, direction, aggregation, audit events."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class ValueType(models.TextChoices):
    NUMBER = "number", _("Số")
    PERCENT = "percent", _("Tỷ lệ phần trăm")
    BOOLEAN = "boolean", _("Đạt / không đạt")


class Direction(models.TextChoices):
    UP = "up", _("Càng cao càng tốt")
    DOWN = "down", _("Càng thấp càng tốt")


class Aggregation(models.TextChoices):
    """How the values of the units below make the value of their parent."""

    SUM = "sum", _("Cộng")
    MEAN = "mean", _("Trung bình")
    SHARE = "share", _("Tỷ lệ đơn vị đạt")
    COUNT = "count", _("Số đơn vị đạt")
    NONE = "none", _("Không cộng dồn")


class IndicatorAudit(AuditEvent):
    DEFINED = "indicator.defined", _("Khai báo chỉ tiêu")
    TARGET_SET = "indicator.target_set", _("Giao chỉ tiêu")
    VALUE_RECORDED = "indicator.value_recorded", _("Nhập số liệu chỉ tiêu")
    NTM_ASSESSED = "ntm.assessed", _("Đánh giá tiêu chí nông thôn mới")
    NTM_RECOGNISED = "ntm.recognised", _("Công nhận đạt chuẩn nông thôn mới")
    NTM_REVOKED = "ntm.revoked", _("Thu hồi công nhận đạt chuẩn nông thôn mới")
    NTM_SET_ADDED = "ntm.set_added", _("Thêm bộ tiêu chí nông thôn mới")
