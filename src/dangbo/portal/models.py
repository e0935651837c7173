"""The public portal: articles with their images, readers' comments, citizens' petitions
(each one an opinion of the existing pipeline, with a tracking code), and the submissions
the abuse limits count."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ArticleState, CommentState, SubmissionKind


class Category(models.Model):
    """A section of the portal ("Tin tức", "Xây dựng Đảng"…)."""

    slug = models.SlugField(_("đường dẫn"), max_length=80, unique=True)
    name = models.CharField(_("tên chuyên mục"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    slug = models.SlugField(_("đường dẫn"), max_length=80, unique=True)
    name = models.CharField(_("từ khóa"), max_length=80)

    class Meta:
        verbose_name = _("từ khóa")
        verbose_name_plural = _("từ khóa")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """A news item or report of the committee: draft → review → published (by a reviewer who
    is not its author), possibly scheduled (``publish_at`` in the future), and unpublished."""

    SCOPE_PREFIXES = ("org__",)

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cấp ủy đăng tin"),
    )
    title = models.CharField(_("tiêu đề"), max_length=250)
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    lead = models.TextField(_("sa-pô (tóm tắt)"), max_length=1000)
    body = models.TextField(_("nội dung"), max_length=100_000)
    author_name = models.CharField(_("tác giả"), max_length=120)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("chuyên mục")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    # The public date: when it is (or will be) shown; a published article with a future date
    # is scheduled.
    publish_at = models.DateTimeField(_("ngày đăng"), null=True, blank=True)
    comments_open = models.BooleanField(_("nhận ý kiến bạn đọc"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(_("ý kiến người duyệt"), blank=True)
    unpublished_at = models.DateTimeField(null=True, blank=True)
    unpublish_reason = models.TextField(_("lý do gỡ"), blank=True)
    search_text = models.TextField(editable=False, default="")  # folded, for accent-free search
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["state", "publish_at"]),
            models.Index(fields=["org", "state"]),
        ]

    def __str__(self) -> str:
        return self.title

    def is_public(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.state == ArticleState.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
        )


class Image(models.Model):
    """An uploaded picture, re-encoded by ``portal.images`` (never the bytes a client sent):
    its variants are JPEG files under DATA_DIR/portal/ named ``<token>-<width>.jpg``."""

    token = models.CharField(max_length=32, unique=True, editable=False)
    widths = models.JSONField(default=list)  # the variants kept, ascending
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    bytes = models.PositiveIntegerField(default=0)  # the largest variant's size
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")


class ArticleImage(models.Model):
    """A picture of an article, placed in the body by its number ("[ảnh 1]")."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    caption = models.CharField(_("chú thích ảnh"), max_length=300, blank=True)
    alt = models.CharField(_("mô tả ảnh cho người khiếm thị"), max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_image_number")
        ]


class Comment(models.Model):
    """ "Ý kiến của bạn" under an article: held until a moderator approves it; the email is
    personal data, never shown, kept only as long as the consent line says."""

    SCOPE_PREFIXES = ("article__org__",)

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="comments")
    name = models.CharField(_("họ tên"), max_length=120)
    email = models.CharField(_("email"), max_length=254, blank=True)
    text = models.TextField(_("ý kiến"), max_length=4000)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=CommentState.choices, default=CommentState.PENDING
    )
    consent = models.ForeignKey(
        "privacy.ConsentRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(_("lý do không đăng"), max_length=500, blank=True)
    answer = models.TextField(_("trả lời của cấp ủy"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    opinion = models.OneToOneField(
        "oversight.Opinion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portal_comment",
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ý kiến bạn đọc")
        verbose_name_plural = _("ý kiến bạn đọc")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["state", "received_at"]),
            models.Index(fields=["article", "state"]),
        ]

    def __str__(self) -> str:
        return f"Ý kiến bạn đọc #{self.pk}"


class Petition(models.Model):
    """A citizen's petition sent on the portal: the opinion it became, and what only the
    portal keeps — the tracking code, the sender's email for the status page and the mail,
    the sender's choice about publishing the answer, and the photos sent with it."""

    SCOPE_PREFIXES = ("opinion__org__", "opinion__received_by__", "opinion__assigned_to__")

    opinion = models.OneToOneField(
        "oversight.Opinion", on_delete=models.PROTECT, related_name="petition"
    )
    code = models.CharField(_("mã tra cứu"), max_length=16, unique=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    consent = models.ForeignKey(
        "privacy.ConsentRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publish_ok = models.BooleanField(_("đồng ý công khai nội dung trả lời"), default=False)
    published = models.BooleanField(_("đã công khai"), default=False)
    received_at = models.DateTimeField(default=timezone.now)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    answer_sent_at = models.DateTimeField(null=True, blank=True)
    contact_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"Phản ánh {self.code}"


class PetitionImage(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]


class Submission(models.Model):
    """One use of a public form, counted by the rate limits: the client address and the email
    as keyed hashes (never the address or the email themselves), erased after a day."""

    kind = models.CharField(max_length=16, choices=SubmissionKind.choices)
    address_key = models.CharField(max_length=64)
    email_key = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "address_key", "at"]),
            models.Index(fields=["kind", "email_key", "at"]),
            models.Index(fields=["at"]),
        ]
