"""Indicators (definitions, targets, observed values per organisation and year) and the
new-rural standard (criteria sets tied to their decisions, assessments, recognitions).

Values are per organisation (a commune's Party committee stands for its commune) and per
year. A parent's value is the roll-up of its children by the indicator's aggregation unless
one is entered for it directly (then both are shown). Criteria sets are data: a new set is
rows, not code (``indicators/ntm_sets.py`` and the migration that loads it).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.orgs.models import ORG_CODE

from .choices import Aggregation, Direction, ValueType


class Indicator(models.Model):
    code = models.SlugField(_("mã chỉ tiêu"), max_length=64, unique=True, validators=[ORG_CODE])
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    unit = models.CharField(_("đơn vị tính"), max_length=40)
    value_type = models.CharField(
        _("kiểu giá trị"), max_length=8, choices=ValueType.choices, default=ValueType.NUMBER
    )
    direction = models.CharField(
        _("chiều tốt"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    aggregation = models.CharField(
        _("cách cộng dồn"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    # SHARE / COUNT: a unit "meets" when its value >= threshold (a BOOLEAN meets at 1).
    threshold = models.DecimalField(
        _("ngưỡng đạt"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    min_value = models.DecimalField(
        _("giá trị nhỏ nhất"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("giá trị lớn nhất"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân"), default=0)
    # Computed where dangbo holds the data: a key of ``indicators.computed.SOURCES``
    # ("members_admitted", "tsvm_share"…); empty = entered by people.
    computed = models.CharField(_("cách tính tự động"), max_length=40, blank=True)
    document = models.ForeignKey(
        "core.LegalDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("văn bản quy định"),
    )
    description = models.TextField(_("mô tả"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    SCOPE_PREFIXES = ("org__",)

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("chỉ tiêu giao"), max_digits=18, decimal_places=4)
    document = models.ForeignKey(
        "core.LegalDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "org", "year"], name="indicator_target_once"
            )
        ]
        indexes = [models.Index(fields=["org", "year"])]


class Observation(models.Model):
    """The value of an indicator for an organisation and year, with where it came from and
    who entered it. One row per (indicator, org, year); a correction is an audited update."""

    SCOPE_PREFIXES = ("org__",)

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị"), max_digits=18, decimal_places=4)
    source = models.CharField(_("nguồn số liệu"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "org", "year"], name="indicator_value_once"
            )
        ]
        indexes = [models.Index(fields=["indicator", "year", "org"])]


class NtmSet(models.Model):
    """A national set of new-rural criteria, in force over an interval (inclusive)."""

    code = models.SlugField(_("mã bộ tiêu chí"), max_length=40, unique=True)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=300)
    document = models.ForeignKey(
        "core.LegalDocument",
        on_delete=models.PROTECT,
        related_name="ntm_sets",
        verbose_name=_("quyết định ban hành"),
    )
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    commune_groups = models.PositiveSmallIntegerField(_("số nhóm xã"), default=1)
    verified = models.BooleanField(_("đã đối chiếu nguồn"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bộ tiêu chí nông thôn mới")
        verbose_name_plural = _("bộ tiêu chí nông thôn mới")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="ntmset_interval",
            )
        ]

    def __str__(self) -> str:
        return self.name


class NtmCriterion(models.Model):
    set = models.ForeignKey(NtmSet, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    name = models.CharField(_("tên tiêu chí"), max_length=200)
    group_name = models.CharField(_("nhóm"), max_length=200, blank=True)
    verified = models.BooleanField(_("đã đối chiếu nguồn"), default=True)

    class Meta:
        ordering = ["set", "number"]
        constraints = [models.UniqueConstraint(fields=["set", "number"], name="ntm_criterion_once")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class NtmAssessment(models.Model):
    """Whether a commune met one criterion in a year, with the evidence."""

    SCOPE_PREFIXES = ("org__",)

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("xã")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    criterion = models.ForeignKey(
        NtmCriterion, on_delete=models.PROTECT, related_name="assessments"
    )
    met = models.BooleanField(_("đạt"))
    evidence = models.TextField(_("minh chứng"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "criterion"], name="ntm_assessment_once")
        ]
        indexes = [models.Index(fields=["year", "org"])]


class NtmRecognition(models.Model):
    """The province's decision recognising a commune at the standard (or taking it back)."""

    SCOPE_PREFIXES = ("org__",)

    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("xã")
    )
    set = models.ForeignKey(NtmSet, on_delete=models.PROTECT, related_name="recognitions")
    document = models.ForeignKey(
        "core.LegalDocument",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("quyết định công nhận"),
    )
    recognised_on = models.DateField(_("ngày công nhận"))
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["org", "recognised_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("recognised_on")),
                name="recognition_interval",
            )
        ]
