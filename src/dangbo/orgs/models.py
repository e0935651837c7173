"""Organisations through time: effective-dated parent links, events, bodies and positions.

The current tree is denormalised into ``path`` (ids joined by '.', ending in '.'), so that a
subtree is one range on an index: ``path >= 'p' AND path < p[:-1] + '/'``. History is
answered from the ``OrgLink`` intervals.
"""

import re

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangbo.core.fields import BinaryCharField
from dangbo.core.modelfields import max_length_of

from .choices import (
    AppointMethod,
    BodyType,
    FormedBy,
    OrgEventKind,
    OrgKind,
    PartnerKind,
    Sector,
    Title,
)

# Organisation codes: lower-case ASCII words joined by hyphens ("tam-duong", "kl-thon-1").
# ``Organisation.code`` (its label, length and this validator) is the one definition that
# the services, forms, imports and API read (``valid_code``, ``code_problem``).
CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_RULE = "chỉ gồm chữ thường không dấu, số và dấu gạch ngang"
ORG_CODE = RegexValidator(CODE_RE, CODE_RULE)


class AdminUnit(models.Model):
    """An administrative unit (province, district, commune) with its own validity."""

    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=8)  # TINH / HUYEN / XA
    subtype = models.CharField(_("loại"), max_length=40)  # xã, thị trấn, huyện, tỉnh…
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="adminunit_code_from")
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    SCOPE_PREFIXES = ("",)  # in scope where its own place in the tree is

    code = models.SlugField(_("mã"), max_length=64, unique=True, validators=[ORG_CODE])
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại tổ chức"), max_length=32, choices=OrgKind.choices)
    sector = models.CharField(_("loại hình"), max_length=32, choices=Sector.choices)
    admin_unit = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("địa bàn")
    )
    valid_from = models.DateField(_("thành lập ngày"))
    valid_to = models.DateField(_("kết thúc ngày"), null=True, blank=True)
    # Current (latest) tree, denormalised; history lives in OrgLink.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = BinaryCharField(max_length=255, db_index=True, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    has_seal = models.BooleanField(_("có con dấu"), default=False)
    exception_doc = models.ForeignKey(
        "core.LegalDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("văn bản cho phép ngoại lệ quy mô"),
    )

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        indexes = [models.Index(fields=["kind", "path"])]

    def __str__(self) -> str:
        return self.name

    @property
    def subtree_upper(self) -> str:
        return self.path[:-1] + "/"

    def subtree_q(self, prefix: str = "") -> Q:
        """Q for this organisation and everything below it in the current tree."""
        return Q(**{f"{prefix}path__gte": self.path, f"{prefix}path__lt": self.subtree_upper})

    def is_active(self, on) -> bool:
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)


def valid_code(code: str | None) -> bool:
    """Whether ``code`` is an organisation code as ``Organisation.code`` defines it."""
    return (
        code is not None
        and len(code) <= max_length_of(Organisation, "code")
        and CODE_RE.fullmatch(code) is not None
    )


def code_problem() -> str:
    """What a code must look like, for a message after the field's label: "chỉ gồm chữ
    thường không dấu, số và dấu gạch ngang (tối đa 64 ký tự)"."""
    return f"{CODE_RULE} (tối đa {max_length_of(Organisation, 'code')} ký tự)"


class OrgLink(models.Model):
    """Parent link over an interval (inclusive dates); re-parenting closes one, opens another."""

    child = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="child_links")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    document = models.ForeignKey(
        "core.LegalDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["parent", "valid_from"]),
            models.Index(fields=["child", "valid_from"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="orglink_interval",
            ),
            models.UniqueConstraint(
                fields=["child"], condition=Q(valid_to__isnull=True), name="orglink_one_open"
            ),
        ]


class OrgEvent(models.Model):
    """A reorganisation decided by a document: inputs become outputs on a date."""

    kind = models.CharField(_("loại sự kiện"), max_length=16, choices=OrgEventKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    document = models.ForeignKey(
        "core.LegalDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="org_events",
        verbose_name=_("văn bản quyết định"),
    )
    inputs = models.ManyToManyField(Organisation, related_name="events_as_input", blank=True)
    outputs = models.ManyToManyField(Organisation, related_name="events_as_output", blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)  # e.g. old/new name, old/new parent
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_date", "id"]


class CommitteeBody(models.Model):
    """An executive, standing, inspection or cell committee for a term."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="bodies")
    body_type = models.CharField(_("loại"), max_length=32, choices=BodyType.choices)
    term_start_year = models.PositiveSmallIntegerField(_("nhiệm kỳ từ năm"))
    term_end_year = models.PositiveSmallIntegerField(_("nhiệm kỳ đến năm"))
    formed_by = models.CharField(
        _("hình thức"), max_length=16, choices=FormedBy.choices, default=FormedBy.ELECTED
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    document = models.ForeignKey(
        "core.LegalDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["org", "body_type", "-term_start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "body_type", "term_start_year"], name="body_per_term"
            )
        ]

    @property
    def term(self) -> str:
        return f"{self.term_start_year}–{self.term_end_year}"

    def __str__(self) -> str:
        return f"{self.get_body_type_display()} {self.org} ({self.term})"


class Position(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="positions")
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="positions")
    body = models.ForeignKey(
        CommitteeBody, null=True, blank=True, on_delete=models.CASCADE, related_name="positions"
    )
    title = models.CharField(_("chức vụ"), max_length=32, choices=Title.choices)
    method = models.CharField(
        _("hình thức"), max_length=16, choices=AppointMethod.choices, default=AppointMethod.ELECTED
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    document = models.ForeignKey(
        "core.LegalDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["org", "valid_from"])]


class PartnerBody(models.Model):
    """A body outside the Party tree (People's Committee and its offices, the Fatherland
    Front, the mass organisations) that leads or coordinates tasks. It belongs to no subtree
    of its own: it is reached through the Party organisations that lead it (``PartnerLead``).
    """

    SCOPE_PREFIXES = ("leads__org__",)  # through the Party organisations that lead it

    code = models.SlugField(_("mã"), max_length=64, unique=True, validators=[ORG_CODE])
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại cơ quan"), max_length=32, choices=PartnerKind.choices)
    admin_unit = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("địa bàn")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("trực thuộc"),
    )
    valid_from = models.DateField(_("thành lập ngày"))
    valid_to = models.DateField(_("kết thúc ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("cơ quan phối hợp")
        verbose_name_plural = _("cơ quan phối hợp")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="partner_interval",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_active(self, on) -> bool:
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)


class PartnerLead(models.Model):
    """Which Party organisation leads a partner body over an interval (inclusive dates): the
    đảng đoàn, ban cán sự đảng or party cell inside it, or the committee above it."""

    partner = models.ForeignKey(PartnerBody, on_delete=models.CASCADE, related_name="leads")
    org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_partners",
        verbose_name=_("tổ chức đảng lãnh đạo"),
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    document = models.ForeignKey(
        "core.LegalDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["org", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="partnerlead_interval",
            ),
            models.UniqueConstraint(
                fields=["partner"], condition=Q(valid_to__isnull=True), name="partnerlead_one_open"
            ),
        ]
