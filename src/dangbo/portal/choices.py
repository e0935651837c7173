from django.db import models
from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    REVIEW = "review", _("Chờ duyệt")
    PUBLISHED = "published", _("Đã đăng")
    UNPUBLISHED = "unpublished", _("Đã gỡ")


class CommentState(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã đăng")
    REJECTED = "rejected", _("Không đăng")


class SubmissionKind(models.TextChoices):
    COMMENT = "comment", _("Ý kiến bạn đọc")
    PETITION = "petition", _("Phản ánh, kiến nghị")
    STATUS = "status", _("Tra cứu phản ánh")
    DATA_REQUEST = "data_request", _("Yêu cầu về dữ liệu cá nhân")


class PortalAudit(AuditEvent):
    ARTICLE_CREATED = "portal.article_created", _("Soạn bài viết")
    ARTICLE_EDITED = "portal.article_edited", _("Sửa bài viết")
    ARTICLE_SUBMITTED = "portal.article_submitted", _("Trình duyệt bài viết")
    ARTICLE_RETURNED = "portal.article_returned", _("Trả lại bài viết")
    ARTICLE_PUBLISHED = "portal.article_published", _("Duyệt đăng bài viết")
    ARTICLE_UNPUBLISHED = "portal.article_unpublished", _("Gỡ bài viết")
    IMAGE_ADDED = "portal.image_added", _("Thêm ảnh vào bài viết")
    IMAGE_REMOVED = "portal.image_removed", _("Bỏ ảnh khỏi bài viết")
    COMMENT_RECEIVED = "portal.comment_received", _("Nhận ý kiến bạn đọc")
    COMMENT_APPROVED = "portal.comment_approved", _("Đăng ý kiến bạn đọc")
    COMMENT_REJECTED = "portal.comment_rejected", _("Không đăng ý kiến bạn đọc")
    COMMENT_ANSWERED = "portal.comment_answered", _("Trả lời ý kiến bạn đọc")
    COMMENT_TO_OPINION = "portal.comment_to_opinion", _("Chuyển ý kiến bạn đọc thành ý kiến xử lý")
    PETITION_RECEIVED = "portal.petition_received", _("Nhận phản ánh, kiến nghị qua cổng")
    PETITION_PUBLISHED = "portal.petition_published", _("Công khai trả lời phản ánh")
    CONTACT_ERASED = "portal.contact_erased", _("Xóa thông tin liên hệ của người gửi")
