"""Members and their life in the Party.

``Member`` holds the record and the denormalised *current* state (status, cell); the
append-only ``MemberEvent`` rows and the ``Membership`` intervals are the history from
which any "as of" figure is answered.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangbo.core.fields import BinaryCharField
from dangbo.core.text import PlainText

from .choices import (
    EventKind,
    ExemptionCategory,
    Gender,
    MembershipKind,
    PoliticalTheory,
    Status,
    TemporaryReason,
)

# Fields that need an explicit grant to read; every read is logged (brief §9, rule 27).
SENSITIVE_FIELDS = ("ethnicity", "religion", "id_number", "severe_illness")

# The shapes of the number-like fields, once: the service, the forms, the import and the API
# read them from the fields (``dangbo.core.modelfields``). Inputs may carry spaces and dots
# between the digits; the service removes them before these run.
CARD_NUMBER_DIGITS = RegexValidator(r"\A[0-9]{8}\Z", _("phải gồm 8 chữ số."))
ID_NUMBER_DIGITS = RegexValidator(r"\A[0-9]{12}\Z", _("phải gồm 12 chữ số."))
PHONE_DIGITS = RegexValidator(r"\A\+?[0-9]{8,15}\Z", _("phải gồm 8–15 chữ số."))
# ``[0-9]`` is ASCII only: digits typed full-width or in another script are folded to ASCII
# by the input normaliser (``core.text.compact_digits``) before these run, never stored.
# Text fields hold no control, non-character or invisible character (``core.text.plain``).
PLAIN_TEXT = PlainText()


class Member(models.Model):
    SCOPE_PREFIXES = ("org__",)
    SCOPE_SELF = "user"  # a member grant reads its own record

    # Identity
    full_name = models.CharField(_("họ và tên"), max_length=120, validators=[PLAIN_TEXT])
    birth_name = models.CharField(
        _("họ và tên khai sinh"), max_length=120, blank=True, validators=[PLAIN_TEXT]
    )
    aliases = models.CharField(_("bí danh"), max_length=200, blank=True, validators=[PLAIN_TEXT])
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices)
    date_of_birth = models.DateField(_("ngày sinh"))
    birthplace = models.CharField(
        _("nơi sinh"), max_length=300, blank=True, validators=[PLAIN_TEXT]
    )
    home_town = models.CharField(_("quê quán"), max_length=300, blank=True, validators=[PLAIN_TEXT])
    permanent_address = models.CharField(
        _("nơi thường trú"), max_length=300, blank=True, validators=[PLAIN_TEXT]
    )
    temporary_address = models.CharField(
        _("nơi tạm trú"), max_length=300, blank=True, validators=[PLAIN_TEXT]
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True, validators=[PHONE_DIGITS])
    # Sensitive (brief §9.2): explicit grant to read, every read logged.
    ethnicity = models.CharField(_("dân tộc"), max_length=50, blank=True, validators=[PLAIN_TEXT])
    religion = models.CharField(_("tôn giáo"), max_length=50, blank=True, validators=[PLAIN_TEXT])
    id_number = models.CharField(
        _("số CCCD"), max_length=12, blank=True, validators=[ID_NUMBER_DIGITS]
    )
    severe_illness = models.BooleanField(_("bệnh hiểm nghèo"), default=False)
    # Education and work
    education = models.CharField(
        _("giáo dục phổ thông"), max_length=20, blank=True, validators=[PLAIN_TEXT]
    )
    qualification = models.CharField(
        _("chuyên môn, nghiệp vụ"), max_length=200, blank=True, validators=[PLAIN_TEXT]
    )
    political_theory = models.CharField(
        _("lý luận chính trị"), max_length=16, choices=PoliticalTheory.choices, blank=True
    )
    languages = models.CharField(
        _("ngoại ngữ"), max_length=200, blank=True, validators=[PLAIN_TEXT]
    )
    occupation = models.CharField(
        _("nghề nghiệp"), max_length=200, blank=True, validators=[PLAIN_TEXT]
    )
    workplace = models.CharField(
        _("nơi làm việc"), max_length=300, blank=True, validators=[PLAIN_TEXT]
    )
    # Party record
    card_number = models.CharField(
        _("số thẻ đảng viên"), max_length=8, blank=True, validators=[CARD_NUMBER_DIGITS]
    )
    record_number = models.CharField(
        _("số lý lịch"), max_length=12, blank=True, validators=[PLAIN_TEXT]
    )
    admission_vote_date = models.DateField(_("ngày chi bộ xét kết nạp"), null=True, blank=True)
    admission_decision_date = models.DateField(_("ngày quyết định kết nạp"))
    admission_ceremony_date = models.DateField(_("ngày lễ kết nạp"))
    admission_org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("nơi kết nạp"),
    )
    provincial_approval_doc = models.ForeignKey(
        "core.LegalDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("văn bản đồng ý của cấp tỉnh (trên 60 tuổi)"),
    )
    official_recognition_date = models.DateField(
        _("ngày công nhận chính thức"), null=True, blank=True
    )
    # An official member whose recognition date is not known (a roll imported without that
    # column, read as official by the office's answer): listed for completion, never counted
    # as probationary.
    recognition_unknown = models.BooleanField(
        _("chưa rõ ngày công nhận chính thức"), default=False, db_default=False
    )
    # Current state, kept by the services; history is in MemberEvent / Membership.
    status = models.CharField(_("tình trạng"), max_length=16, choices=Status.choices)
    exit_date = models.DateField(_("ngày ra khỏi danh sách"), null=True, blank=True)
    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("chi bộ sinh hoạt"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    # Derived for Vietnamese search and order.
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    sort_key = BinaryCharField(max_length=400, db_index=True, editable=False)
    # The name's parts, for PostgreSQL's ICU collation "vi-VN-x-icu" (an index orders by
    # given, family, middle); SQLite orders by ``sort_key``, which gives the same order.
    given_name = models.CharField(max_length=120, default="", db_default="", editable=False)
    family_name = models.CharField(max_length=120, default="", db_default="", editable=False)
    middle_name = models.CharField(max_length=120, default="", db_default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        constraints = [
            models.UniqueConstraint(
                fields=["card_number"], condition=~Q(card_number=""), name="member_card_unique"
            ),
            models.UniqueConstraint(
                fields=["id_number"], condition=~Q(id_number=""), name="member_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(admission_ceremony_date__gte=F("admission_decision_date")),
                name="member_ceremony_after_decision",
            ),
        ]
        indexes = [
            # On PostgreSQL it also carries what the age and party-age charts count, so that
            # a province's charts are an index-only scan (100 ms, not 1-2 s; issue 17).
            models.Index(
                fields=["org", "status"],
                include=["gender", "date_of_birth", "admission_decision_date"],
                name="member_org_status",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Membership(models.Model):
    """Where a member is active, over an interval of dates (inclusive)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=MembershipKind.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)  # temporary transfers
    reason = models.CharField(max_length=16, choices=TemporaryReason.choices, blank=True)
    register_no = models.CharField(_("số sổ đảng viên"), max_length=20, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["org", "kind", "valid_from"]),
            models.Index(fields=["member", "valid_from"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(kind=MembershipKind.OFFICIAL, valid_to__isnull=True),
                name="one_open_official_membership",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="membership_interval",
            ),
        ]


class MemberEvent(models.Model):
    """One step of a member's life; append-only, the timeline of the member page."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("sự kiện"), max_length=24, choices=EventKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    document = models.ForeignKey(
        "core.LegalDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_ref = models.CharField(_("số quyết định / nghị quyết"), max_length=100, blank=True)
    from_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_after = models.CharField(max_length=16, choices=Status.choices, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_date", "id"]
        indexes = [models.Index(fields=["member", "effective_date"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Member events are append-only")
        super().save(*args, **kwargs)


class Exemption(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="exemptions")
    category = models.CharField(_("lý do"), max_length=16, choices=ExemptionCategory.choices)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    resolution_ref = models.CharField(_("nghị quyết chi bộ"), max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(valid_to__isnull=True), name="one_open_exemption"
            )
        ]


class PartyAgeInterruption(models.Model):
    """A period without Party activity, subtracted from party age (rule 9)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="interruptions")
    interrupted_from = models.DateField(_("từ ngày"))
    interrupted_to = models.DateField(_("đến ngày"))
    reason = models.CharField(_("lý do"), max_length=300)
    fee_backpaid = models.BooleanField(_("đã truy nộp đảng phí"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(interrupted_to__gte=F("interrupted_from")), name="interruption_interval"
            )
        ]


class BadgeAward(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="badges")
    milestone = models.PositiveSmallIntegerField(_("mốc (năm tuổi đảng)"))
    award_date = models.DateField(_("đợt trao"))
    early = models.BooleanField(_("trao sớm"), default=False)
    posthumous = models.BooleanField(_("truy tặng"), default=False)
    badge_number = models.CharField(_("số huy hiệu"), max_length=20, blank=True)
    document = models.ForeignKey(
        "core.LegalDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "milestone"], name="badge_once_per_milestone")
        ]


class MemberTally(models.Model):
    """How many members each organisation holds today, by status and gender — kept by
    database triggers on ``Member`` (so COPY, bulk loads and services all keep it right),
    with the organisation's ``path`` copied in so that a subtree's figures are one range
    scan. Rebuilt and checked by ``dangbo aggregates``."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    path = BinaryCharField(max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices)
    gender = models.CharField(max_length=1, choices=Gender.choices)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "status", "gender"], name="tally_key")
        ]
        indexes = [models.Index(fields=["path", "status", "gender", "n"], name="tally_path")]


class MemberTallyRollup(models.Model):
    """``MemberTally`` summed per province: the tally's rows grouped by the first two
    segments of their path (the root's own rows by its one). Kept by triggers on the tally
    itself, so whatever moves a tally row — a member's change, a re-parenting, a rebuild —
    moves its province's row. The national root's figures are then ~34 × 14 rows instead of
    a range over 800,000 (issue 17: 140 ms → a few ms)."""

    prefix = BinaryCharField(max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices)
    gender = models.CharField(max_length=1, choices=Gender.choices)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "status", "gender"], name="tally_rollup_key")
        ]
