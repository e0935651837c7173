"""The annual review (brief §5): each year's classification scheme as data pointing to its
document, the review cycles, one evaluation per subject and period through the approval
chain, self-criticism with remedies, disciplines (they condition an excellent rating) and
commendations ("n years running")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import EvaluationState, PeriodKind, RemedyStatus, Subject, SubjectKind


class Scheme(models.Model):
    """A classification scheme for organisations or for members, in force for a range of
    years, tied to the document that set it. Levels, score bands and the quota are data: a
    new scheme that changes only those needs no code."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    subject = models.CharField(_("đối tượng"), max_length=16, choices=Subject.choices)
    document = models.ForeignKey(
        "core.LegalDocument",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("văn bản quy định"),
    )
    first_year = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    periods = models.JSONField(_("kỳ đánh giá được phép"), default=list)  # PeriodKind values
    scored = models.BooleanField(_("chấm điểm (thang 100)"), default=False)
    general_max = models.PositiveSmallIntegerField(_("điểm tiêu chí chung tối đa"), default=0)
    tasks_max = models.PositiveSmallIntegerField(_("điểm kết quả nhiệm vụ tối đa"), default=0)
    # Quota (rule 23): at most ``quota_rate`` × (number at ``quota_base``) at ``quota_level``
    # within a peer group; off where the scheme's text on it is not verified.
    quota_enabled = models.BooleanField(_("áp dụng tỷ lệ tối đa"), default=False)
    quota_rate = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    quota_level = models.CharField(max_length=24, blank=True)
    quota_base = models.CharField(max_length=24, blank=True)
    quota_note = models.CharField(_("ghi chú về tỷ lệ"), max_length=300, blank=True)
    # Extra conditions for the top level, by code (see services.CONDITIONS).
    conditions = models.JSONField(_("điều kiện bổ sung"), default=list, blank=True)

    class Meta:
        verbose_name = _("cách xếp loại")
        verbose_name_plural = _("cách xếp loại")
        ordering = ["subject", "first_year"]

    def __str__(self) -> str:
        return self.name


class SchemeLevel(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(_("mã"), max_length=24)
    name = models.CharField(_("tên"), max_length=200)
    rank = models.PositiveSmallIntegerField(_("thứ bậc"))  # 1 = best within the scheme
    # The explicit mapping between schemes used by streaks (choices.COMMON_RANKS).
    common_rank = models.PositiveSmallIntegerField(_("bậc quy đổi"))
    min_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["scheme", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="level_code"),
            models.UniqueConstraint(fields=["scheme", "rank"], name="level_rank"),
        ]

    def __str__(self) -> str:
        return self.name


class ReviewCycle(models.Model):
    """One review of an organisation's subtree for a period, under the schemes in force."""

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="review_cycles",
        verbose_name=_("cấp ủy tổ chức kiểm điểm"),
    )
    kind = models.CharField(_("kỳ"), max_length=8, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    # The review window: self-assessments and proposals from ``opens_on`` to ``closes_on``;
    # decisions from ``opens_on`` until the cycle is locked.
    opens_on = models.DateField(_("bắt đầu kiểm điểm"))
    closes_on = models.DateField(_("hạn tự đánh giá và đề xuất"))
    org_scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    member_scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    locked_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("đợt kiểm điểm")
        verbose_name_plural = _("đợt kiểm điểm")
        ordering = ["-period_end", "org"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind", "period_start", "period_end"], name="cycle_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} — {self.org}"

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class Evaluation(models.Model):
    """One subject's result for one cycle: self-assessment → the cell's (or the committee's)
    proposal → the competent body's decision."""

    SCOPE_PREFIXES = ("org__",)

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="evaluations")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    subject_org = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    # Where the subject belonged for the period (the member's cell; the organisation itself):
    # scoping and peer groups use it.
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    peer_group = models.CharField(_("nhóm tương đồng"), max_length=80)
    state = models.CharField(_("trạng thái"), max_length=16, choices=EvaluationState.choices)
    self_level = models.ForeignKey(
        SchemeLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score_general = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    score_tasks = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    self_comment = models.TextField(_("tự nhận xét"), blank=True)
    residence_comment = models.TextField(_("nhận xét của chi bộ nơi cư trú"), blank=True)
    proposed_level = models.ForeignKey(
        SchemeLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    final_level = models.ForeignKey(
        SchemeLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_body = models.CharField(_("cơ quan quyết định"), max_length=32, blank=True)
    decision_ref = models.CharField(_("số quyết định"), max_length=100, blank=True)
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    # Denormalised for streaks and counts: the final level's common rank.
    final_common_rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("đánh giá, xếp loại")
        verbose_name_plural = _("đánh giá, xếp loại")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "member"],
                condition=Q(member__isnull=False),
                name="evaluation_member_once",
            ),
            models.UniqueConstraint(
                fields=["cycle", "subject_org"],
                condition=Q(subject_org__isnull=False),
                name="evaluation_org_once",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=True) ^ Q(subject_org__isnull=True),
                name="evaluation_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "final_common_rank"]),
            models.Index(fields=["subject_org", "final_common_rank"]),
            models.Index(fields=["cycle", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.subject_org} — {self.cycle}"

    @property
    def subject_kind(self) -> SubjectKind:
        return SubjectKind.MEMBER if self.member_id else SubjectKind.ORG

    @property
    def subject_name(self) -> str:
        if self.member is not None:
            return self.member.full_name
        assert self.subject_org is not None  # evaluation_one_subject
        return self.subject_org.name


class EvaluationStep(models.Model):
    """One step of the approval chain; append-only."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=16)  # self_assessed, proposed, returned, decided, reopened
    level = models.ForeignKey(
        SchemeLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Evaluation steps are append-only")
        super().save(*args, **kwargs)


class Discipline(models.Model):
    """A disciplinary measure; it bars an excellent rating of the collective above (rule 22)."""

    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disciplines",
    )
    subject_org = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disciplines",
    )
    form = models.CharField(_("hình thức"), max_length=32)  # khiển trách, cảnh cáo, cách chức…
    decided_on = models.DateField(_("ngày quyết định"))
    decided_by = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    decision_ref = models.CharField(_("số quyết định"), max_length=100, blank=True)


class RemedyGroup(models.Model):
    """A group of remedies a collective set itself in a review (self-criticism, NQ TW4)."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="remedy_groups")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("nhóm giải pháp"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cycle", "org", "position", "id"]


class Shortcoming(models.Model):
    group = models.ForeignKey(RemedyGroup, on_delete=models.CASCADE, related_name="shortcomings")
    text = models.TextField(_("hạn chế, khuyết điểm"))


class Remedy(models.Model):
    group = models.ForeignKey(RemedyGroup, on_delete=models.CASCADE, related_name="remedies")
    text = models.TextField(_("giải pháp"))
    owner = models.CharField(_("người / bộ phận chịu trách nhiệm"), max_length=200)
    deadline = models.DateField(_("thời hạn"))
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=RemedyStatus.choices, default=RemedyStatus.OPEN
    )
    evidence = models.TextField(_("kết quả, minh chứng"), blank=True)
    # An open remedy carried into the next review, where it must be reported on.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to"
    )

    class Meta:
        ordering = ["deadline", "id"]


class Commendation(models.Model):
    """A commendation, e.g. "TSVM tiêu biểu 5 năm liền 2012–2016" (giấy khen, bằng khen)."""

    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    subject_org = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    kind = models.CharField(_("hình thức"), max_length=32)  # giay_khen, bang_khen
    title = models.CharField(_("danh hiệu"), max_length=300)
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    awarded_by = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    awarded_on = models.DateField(_("ngày khen thưởng"))
    decision_ref = models.CharField(_("số quyết định"), max_length=100, blank=True)
