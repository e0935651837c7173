"""Legal documents, role grants, API tokens and the append-only, hash-chained audit log."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DocumentKind, Role
from .fields import BinaryCharField
from .text import document_key


class LegalDocument(models.Model):
    """A Party or State document a rule or decision comes from.

    Numbers repeat across years (three different "12-HD/BTCTW"), so identity is
    number + issuer + issue date, never the number alone.
    """

    number = models.CharField(_("số hiệu"), max_length=64)
    kind = models.CharField(_("loại văn bản"), max_length=8, choices=DocumentKind.choices)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    issue_date = models.DateField(_("ngày ban hành"))
    title = models.CharField(_("trích yếu"), max_length=500, blank=True)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hết hiệu lực"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    # The register (issue 14): the Party body that issued it when it is one of ours, the
    # higher document it carries out ("thực hiện Kết luận số 64-KL/TW"), the organisations it
    # applies to, its files, and a folded key of number + title for accent-blind search.
    body = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_issued",
        verbose_name=_("cấp ủy ban hành"),
    )
    implements = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_by",
        verbose_name=_("thực hiện văn bản"),
    )
    applies_to = models.ManyToManyField(
        "orgs.Organisation",
        blank=True,
        related_name="documents_applying",
        verbose_name=_("áp dụng cho"),
    )
    files = models.ManyToManyField(
        "core.StoredFile", blank=True, related_name="+", verbose_name=_("tệp đính kèm")
    )
    search_key = models.CharField(max_length=700, blank=True, editable=False)
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issuer", "issue_date"], name="legaldoc_identity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.issue_date:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        """Every way a document is written (the register, a decision named by a form, the
        demo) keeps its search key; rows written by migrations get theirs after migrating
        (``core.apps``)."""
        self.search_key = key_for(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_key" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_key"]
        super().save(*args, **kwargs)


def key_for(doc) -> str:
    """``core.text.document_key`` of a document (a model or a historical model's row)."""
    label = str(DocumentKind(doc.kind).label) if doc.kind in DocumentKind.values else ""
    return document_key(doc.number, doc.title, label)


class StoredFile(models.Model):
    """An uploaded file kept under the data directory by a random name (``core.files``):
    attachments of documents, evidence of progress reports. Served only as a download
    (``Content-Disposition: attachment``, ``nosniff``), never from its own name."""

    original_name = models.CharField(_("tên tệp"), max_length=255)
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.original_name


class RoleGrant(models.Model):
    """A role on an organisation; it covers that organisation's current subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="grants", null=True
    )
    can_view_sensitive = models.BooleanField(_("được xem thông tin nhạy cảm"), default=False)
    valid_from = models.DateField(_("từ ngày"), default=timezone.localdate)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org}"


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class AuditEntry(models.Model):
    """One change (or one read of sensitive data). Append-only; each entry chains the previous
    entry's hash so that editing or deleting any row is detectable by ``dangbo audit verify``.
    """

    SCOPE_PREFIXES = ("scope_",)  # scope_path: the organisation the entry concerns
    # Entries about no organisation (the demo load, exports, API keys) have an empty path:
    # the administrators of the top of the tree see them too (scope.sees_orgless).
    SCOPE_ORGLESS = "scope_path"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: the log is append-only, so a user who ever acted is deactivated, not deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    action = models.CharField(max_length=64)  # e.g. "member.admitted", "member.sensitive_read"
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    # Path of the organisation the entry concerns (empty: system-wide, for superusers and the
    # administrators of the top of the tree), so that an auditor sees the entries of their own
    # subtree and no other.
    scope_path = BinaryCharField(max_length=255, blank=True, default="", db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # How ``hash`` was made: 1 = plain SHA-256 (entries written before the keyed chain; the
    # migration gives them 1), 2 = HMAC-SHA256 with a key kept outside the database.
    # ``audit.record`` always writes the current version; never lower than the entry before.
    hash_version = models.PositiveSmallIntegerField(default=1)
    # Sensitive before/after values, encrypted (``audit.seal``) with a key derived from the
    # audit key, which is kept outside the database: ``before``/``after`` show "***", and
    # only a reader with the sensitive grant gets them back (``audit.unseal``). Null when
    # there is nothing sensitive; the hash covers it whenever it is set.
    sealed = models.TextField(null=True, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries are append-only")
