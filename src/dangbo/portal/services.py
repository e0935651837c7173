"""Every change the portal makes: articles through draft → review → published, their images,
readers' comments and their moderation, petitions into the opinions pipeline, and the
erasures the personal-data law asks for. One function per operation, one transaction each,
audited; mail goes out after the commit (``portal.mail``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from dangbo.core import audit, scope
from dangbo.core.errors import Problems, forbidden, invalid
from dangbo.core.text import clean_paragraphs, clean_text, fold
from dangbo.core.types import Actor
from dangbo.orgs.models import Organisation
from dangbo.oversight import services as opinions
from dangbo.oversight.choices import OpinionChannel, OpinionSource
from dangbo.oversight.models import Opinion, OpinionTopic
from dangbo.privacy import services as privacy

from . import body as body_text
from . import images, mail, throttle
from .choices import ArticleState, CommentState, PortalAudit
from .models import (
    Article,
    ArticleImage,
    Category,
    Comment,
    Image,
    Petition,
    PetitionImage,
    Tag,
)
from .rules import (
    COMMENT_PURPOSE,
    MAX_COMMENT,
    MAX_PETITION,
    MAX_PETITION_IMAGES,
    PETITION_PURPOSE,
    PORTAL_SENDER,
    format_code,
    new_code,
    normalise_code,
)

# ------------------------------------------------------------------ helpers


def _user(actor: Actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _email(value: str, *, required: bool, field: str = "email") -> str:
    return privacy.clean_email(value, field, required=required)


def portal_org() -> Organisation:
    """The committee that owns the portal: ``DANGBO_PORTAL_ORG`` (a code), else the one
    organisation at the top of the tree that is still active."""
    from django.conf import settings

    code = settings.PORTAL.get("ORG") or ""
    qs = Organisation.objects.all()
    org = (
        qs.filter(code=code).first()
        if code
        else qs.filter(parent__isnull=True, valid_to__isnull=True).order_by("depth", "id").first()
    )
    if org is None:
        raise invalid("org", "Cổng thông tin chưa có cấp ủy quản lý (DANGBO_PORTAL_ORG).")
    return org


def _require(actor: Actor, org: Organisation) -> None:
    if actor is None or not scope.covers(actor, scope.CHANGE, org):
        raise forbidden("Bạn không có quyền quản lý tin bài của tổ chức này.")


# ------------------------------------------------------------------ articles


@dataclass(frozen=True)
class ArticleInput:
    title: str
    lead: str
    body: str
    author_name: str
    category: Category | None
    tags: str = ""  # comma-separated, as typed
    comments_open: bool = True


def _clean_article(data: ArticleInput) -> dict[str, Any]:
    problems = Problems()
    out: dict[str, Any] = {}
    with problems.check():
        out["title"] = clean_text(data.title, "Tiêu đề", max_length=250, field="title")
    with problems.check():
        out["lead"] = clean_paragraphs(
            data.lead, "Sa-pô", max_length=1000, required=True, field="lead"
        )
    with problems.check():
        out["body"] = clean_paragraphs(
            data.body, "Nội dung", max_length=100_000, required=True, field="body"
        )
    with problems.check():
        out["author_name"] = clean_text(
            data.author_name, "Tác giả", max_length=120, field="author_name"
        )
    with problems.check():
        tags = [
            clean_text(t, "Từ khóa", max_length=80, field="tags")
            for t in data.tags.split(",")
            if t.strip()
        ]
        if len(tags) > 10:
            raise invalid("tags", "Từ khóa: nhiều nhất 10 từ khóa.")
        out["tags"] = tags
    if data.category is None:
        problems.errors["category"] = "Chuyên mục: bắt buộc."
    problems.raise_all()
    out["category"] = data.category
    out["comments_open"] = bool(data.comments_open)
    return out


def _slug(title: str, exclude: int = 0) -> str:
    base = slugify(fold(title))[:100].strip("-") or "bai-viet"
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exclude(pk=exclude).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _tags(names: list[str]) -> list[Tag]:
    out = []
    for name in names:
        slug = slugify(fold(name))[:80] or "tu-khoa"
        tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        out.append(tag)
    return out


def _index(article: Article) -> None:
    article.search_text = fold(
        " ".join([article.title, article.lead, body_text.plain(article.body), article.author_name])
    )


@transaction.atomic
def create_article(*, actor: Actor, org: Organisation, data: ArticleInput) -> Article:
    _require(actor, org)
    fields = _clean_article(data)
    tags = fields.pop("tags")
    article = Article(org=org, created_by=_user(actor), slug=_slug(fields["title"]), **fields)
    _index(article)
    article.save()
    article.tags.set(_tags(tags))
    audit.record(
        actor=actor,
        action=PortalAudit.ARTICLE_CREATED,
        obj=article,
        summary=f"Soạn bài viết “{article.title[:120]}”",
    )
    return article


@transaction.atomic
def edit_article(*, actor: Actor, article: Article, data: ArticleInput) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require(actor, article.org)
    fields = _clean_article(data)
    tags = fields.pop("tags")
    before = audit.snapshot(article, ["title", "lead", "author_name", "state"])
    for name, value in fields.items():
        setattr(article, name, value)
    if article.state == ArticleState.DRAFT:
        article.slug = _slug(article.title, exclude=article.pk)
    _index(article)
    article.save()
    article.tags.set(_tags(tags))
    audit.record(
        actor=actor,
        action=PortalAudit.ARTICLE_EDITED,
        obj=article,
        summary=f"Sửa bài viết “{article.title[:120]}”",
        before=before,
        after=audit.snapshot(article, ["title", "lead", "author_name", "state"]),
    )
    return article


def _missing_images(article: Article) -> list[int]:
    have = set(article.images.values_list("number", flat=True))
    return sorted(body_text.image_numbers(article.body) - have)


def _transition(article: Article, allowed: tuple[str, ...]) -> tuple[Article, str]:
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.state not in allowed:
        raise invalid(
            "state",
            f"Bài viết đang ở trạng thái “{article.get_state_display()}”: "
            "không thực hiện được thao tác này.",
        )
    return article, article.state


def _moved(article: Article, actor: Actor, event: PortalAudit, from_state: str, summary: str):
    article.save()
    audit.record(
        actor=actor,
        action=event,
        obj=article,
        summary=summary,
        before={"state": from_state},
        after={"state": article.state},
    )
    return article


@transaction.atomic
def submit_article(*, actor: Actor, article: Article) -> Article:
    article, from_state = _transition(article, (ArticleState.DRAFT, ArticleState.UNPUBLISHED))
    _require(actor, article.org)
    missing = _missing_images(article)
    if missing:
        raise invalid(
            "body",
            "Nội dung: chưa có ảnh số "
            + ", ".join(map(str, missing))
            + " (thêm ảnh trước khi trình).",
        )
    article.state, article.submitted_by = ArticleState.REVIEW, _user(actor)
    return _moved(
        article,
        actor,
        PortalAudit.ARTICLE_SUBMITTED,
        from_state,
        f"Trình duyệt “{article.title[:120]}”",
    )


@transaction.atomic
def publish_article(
    *, actor: Actor, article: Article, publish_at: datetime | None = None, note: str = ""
) -> Article:
    """Approve and publish — now, or at ``publish_at`` (scheduled). The reviewer is never the
    article's author nor the one who sent it for review (four eyes)."""
    article, from_state = _transition(article, (ArticleState.REVIEW,))
    _require(actor, article.org)
    user = _user(actor)
    if user is not None and user.pk in (article.created_by_id, article.submitted_by_id):
        raise forbidden("Người soạn hoặc người trình bài viết không tự duyệt đăng bài đó.")
    note = clean_paragraphs(note, "Ý kiến người duyệt", max_length=2000, field="note")
    now = timezone.now()
    article.state, article.reviewed_by, article.review_note = ArticleState.PUBLISHED, user, note
    article.publish_at = publish_at or now
    article.unpublished_at, article.unpublish_reason = None, ""
    when = (
        ""
        if article.publish_at <= now
        else f", hẹn đăng {timezone.localtime(article.publish_at):%d/%m/%Y %H:%M}"
    )
    return _moved(
        article,
        actor,
        PortalAudit.ARTICLE_PUBLISHED,
        from_state,
        f"Duyệt đăng “{article.title[:120]}”{when}",
    )


@transaction.atomic
def return_article(*, actor: Actor, article: Article, note: str) -> Article:
    article, from_state = _transition(article, (ArticleState.REVIEW,))
    _require(actor, article.org)
    article.review_note = clean_paragraphs(
        note, "Ý kiến người duyệt", max_length=2000, required=True, field="note"
    )
    article.state = ArticleState.DRAFT
    return _moved(
        article, actor, PortalAudit.ARTICLE_RETURNED, from_state, f"Trả lại “{article.title[:120]}”"
    )


@transaction.atomic
def unpublish_article(*, actor: Actor, article: Article, reason: str) -> Article:
    article, from_state = _transition(article, (ArticleState.PUBLISHED,))
    _require(actor, article.org)
    article.unpublish_reason = clean_paragraphs(
        reason, "Lý do gỡ", max_length=2000, required=True, field="reason"
    )
    article.state, article.unpublished_at = ArticleState.UNPUBLISHED, timezone.now()
    return _moved(
        article,
        actor,
        PortalAudit.ARTICLE_UNPUBLISHED,
        from_state,
        f"Gỡ bài viết “{article.title[:120]}”: {article.unpublish_reason[:200]}",
    )


def _stored_image(actor: Actor, upload: Any, label: str, field: str) -> Image:
    processed = images.process(upload, label=label, field=field)
    image = Image.objects.create(
        token=processed.token,
        widths=processed.widths,
        width=processed.width,
        height=processed.height,
        bytes=processed.bytes,
        uploaded_by=_user(actor),
    )
    return image


@transaction.atomic
def add_image(
    *, actor: Actor, article: Article, upload: Any, caption: str = "", alt: str = ""
) -> ArticleImage:
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require(actor, article.org)
    problems = Problems()
    with problems.check():
        caption = clean_text(
            caption, "Chú thích ảnh", max_length=300, required=False, field="caption"
        )
    with problems.check():
        alt = clean_text(alt, "Mô tả ảnh", max_length=300, required=False, field="alt")
    problems.raise_all()
    image = _stored_image(actor, upload, "Ảnh", "image")
    number = (article.images.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    placed = ArticleImage.objects.create(
        article=article, image=image, number=number, caption=caption, alt=alt or caption
    )
    audit.record(
        actor=actor,
        action=PortalAudit.IMAGE_ADDED,
        obj=article,
        summary=f"Thêm ảnh số {number} vào “{article.title[:120]}”",
    )
    return placed


@transaction.atomic
def remove_image(*, actor: Actor, placed: ArticleImage) -> None:
    article = placed.article
    _require(actor, article.org)
    if article.state == ArticleState.PUBLISHED and placed.number in body_text.image_numbers(
        article.body
    ):
        raise invalid("image", f"Ảnh số {placed.number} đang dùng trong bài đã đăng.")
    number = placed.number
    placed.delete()
    audit.record(
        actor=actor,
        action=PortalAudit.IMAGE_REMOVED,
        obj=article,
        summary=f"Bỏ ảnh số {number} khỏi “{article.title[:120]}”",
    )


# ------------------------------------------------------------------ comments


@transaction.atomic
def submit_comment(*, article: Article, name: str, email: str, text: str, consent: bool) -> Comment:
    """A reader's comment, held for moderation. The name, the email and the consent line
    are required: the office answers by email and the law asks for consent to keep them."""
    if not article.is_public() or not article.comments_open:
        raise invalid("article", "Bài viết này không nhận ý kiến.")
    problems = Problems()
    with problems.check():
        name = clean_text(name, "Họ tên", max_length=120, field="name")
    with problems.check():
        email = _email(email, required=True)
    with problems.check():
        text = clean_paragraphs(text, "Ý kiến", max_length=MAX_COMMENT, required=True, field="text")
        throttle.check_links(text, "Ý kiến", "text")
    if not consent:
        problems.errors["consent"] = (
            "Đồng ý: cần đánh dấu đồng ý cho lưu họ tên và email để gửi ý kiến."
        )
    problems.raise_all()
    comment = Comment.objects.create(article=article, name=name, email=email, text=text)
    comment.consent = privacy.record_consent(
        actor=None,
        purpose=COMMENT_PURPOSE,
        subject_name=name,
        subject_email=email,
        ref=f"portal.comment:{comment.pk}",
        org=article.org,
    )
    comment.save(update_fields=["consent"])
    audit.record(
        actor=None,
        action=PortalAudit.COMMENT_RECEIVED,
        obj=comment,
        summary=f"Nhận ý kiến bạn đọc #{comment.pk} về “{article.title[:100]}”",
    )
    return comment


def _comment(comment: Comment, actor: Actor) -> Comment:
    comment = Comment.objects.select_for_update().select_related("article__org").get(pk=comment.pk)
    _require(actor, comment.article.org)
    return comment


@transaction.atomic
def approve_comment(*, actor: Actor, comment: Comment) -> Comment:
    comment = _comment(comment, actor)
    if comment.state != CommentState.PENDING:
        raise invalid("state", f"Ý kiến #{comment.pk} đã được xử lý.")
    comment.state, comment.moderated_by, comment.moderated_at = (
        CommentState.APPROVED,
        _user(actor),
        timezone.now(),
    )
    comment.save()
    audit.record(
        actor=actor,
        action=PortalAudit.COMMENT_APPROVED,
        obj=comment,
        summary=f"Đăng ý kiến bạn đọc #{comment.pk}",
    )
    return comment


@transaction.atomic
def reject_comment(*, actor: Actor, comment: Comment, reason: str) -> Comment:
    comment = _comment(comment, actor)
    if comment.state == CommentState.REJECTED:
        raise invalid("state", f"Ý kiến #{comment.pk} đã bị từ chối.")
    reason = clean_text(reason, "Lý do không đăng", max_length=500, field="reason")
    comment.state, comment.reject_reason = CommentState.REJECTED, reason
    comment.moderated_by, comment.moderated_at = _user(actor), timezone.now()
    comment.save()
    audit.record(
        actor=actor,
        action=PortalAudit.COMMENT_REJECTED,
        obj=comment,
        summary=f"Không đăng ý kiến bạn đọc #{comment.pk}: {reason[:200]}",
    )
    return comment


@transaction.atomic
def answer_comment(*, actor: Actor, comment: Comment, answer: str) -> Comment:
    """The committee's public answer; a pending comment is approved with it."""
    comment = _comment(comment, actor)
    if comment.state == CommentState.REJECTED:
        raise invalid("state", f"Ý kiến #{comment.pk} không được đăng: không trả lời công khai.")
    comment.answer = clean_paragraphs(
        answer, "Trả lời", max_length=MAX_COMMENT, required=True, field="answer"
    )
    now = timezone.now()
    if comment.state == CommentState.PENDING:
        comment.state, comment.moderated_by, comment.moderated_at = (
            CommentState.APPROVED,
            _user(actor),
            now,
        )
    comment.answered_at = now
    comment.save()
    audit.record(
        actor=actor,
        action=PortalAudit.COMMENT_ANSWERED,
        obj=comment,
        summary=f"Trả lời ý kiến bạn đọc #{comment.pk}",
    )
    if comment.email:
        mail.after_commit(mail.comment_answered, comment.pk)
    return comment


@transaction.atomic
def comment_to_opinion(
    *,
    actor: Actor,
    comment: Comment,
    topic: OpinionTopic | None,
    org: Organisation | None,
    assign_to: Organisation | None = None,
    deadline: date | None = None,
) -> Opinion:
    """Staff turn a comment that raises a matter to act on into an opinion of the pipeline
    (received by the portal's committee, about ``org``), keeping the link both ways; with
    ``assign_to`` and ``deadline`` it is assigned at once."""
    comment = _comment(comment, actor)
    if comment.opinion_id is not None:
        raise invalid("comment", f"Ý kiến #{comment.pk} đã được chuyển xử lý.")
    received_by = comment.article.org
    opinion = opinions.record_opinion(
        actor=actor,
        received_on=timezone.localdate(),
        source=OpinionSource.CITIZEN,
        channel=OpinionChannel.PORTAL,
        text=comment.text,
        topic=topic,
        org=org,
        received_by=received_by,
        submitter_name=comment.name,
        submitter_contact=comment.email,
        consent=bool(comment.email),
    )
    if assign_to is not None or deadline is not None:
        opinion = opinions.assign_opinion(
            actor=actor,
            opinion=opinion,
            # assign_opinion names a missing one ("Giao cho: bắt buộc", "Hạn xử lý: bắt buộc")
            to_org=assign_to,  # type: ignore[arg-type]
            deadline=deadline,  # type: ignore[arg-type]
        )
    comment.opinion = opinion
    comment.save(update_fields=["opinion"])
    audit.record(
        actor=actor,
        action=PortalAudit.COMMENT_TO_OPINION,
        obj=comment,
        summary=f"Chuyển ý kiến bạn đọc #{comment.pk} thành ý kiến #{opinion.pk}",
    )
    return opinion


# ------------------------------------------------------------------ petitions


@dataclass(frozen=True)
class PetitionInput:
    topic: OpinionTopic | None
    org: Organisation | None  # the commune it concerns (None: the whole district)
    place: str
    text: str
    name: str = ""
    email: str = ""
    consent: bool = False
    publish_ok: bool = False
    uploads: tuple[Any, ...] = ()


def _unique_code() -> str:
    for _ in range(10):
        code = new_code(secrets.token_bytes(8))
        if not Petition.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free tracking code")  # 10 collisions in 2^40: never


@transaction.atomic
def submit_petition(*, data: PetitionInput) -> Petition:
    """A citizen's petition: an opinion of the committee's pipeline (source citizen, channel
    portal) with a tracking code; the name and the contact are kept only with consent."""
    owner = portal_org()
    problems = Problems()
    name = email = ""
    with problems.check():
        name = clean_text(data.name, "Họ tên", max_length=120, required=False, field="name")
    with problems.check():
        email = _email(data.email, required=False)
    with problems.check():
        text = clean_paragraphs(
            data.text, "Nội dung", max_length=MAX_PETITION, required=True, field="text"
        )
        throttle.check_links(text, "Nội dung", "text")
    with problems.check():
        place = clean_text(data.place, "Địa điểm", max_length=300, required=False, field="place")
    if (name or email) and not data.consent:
        problems.errors["consent"] = (
            "Đồng ý: họ tên và email chỉ được lưu khi bạn đánh dấu đồng ý "
            "(hoặc để trống để gửi không ghi danh)."
        )
    if data.topic is None or not data.topic.active:
        problems.errors["topic"] = "Lĩnh vực: chọn một lĩnh vực trong danh sách."
    org = data.org or owner
    if not (owner.path <= org.path < owner.subtree_upper):
        problems.errors["org"] = "Xã, thị trấn: chọn trong danh sách."
    if len(data.uploads) > MAX_PETITION_IMAGES:
        problems.errors["images"] = f"Ảnh kèm theo: nhiều nhất {MAX_PETITION_IMAGES} ảnh."
    problems.raise_all()
    stored: list[Image] = []
    try:
        for i, upload in enumerate(data.uploads, start=1):
            stored.append(_stored_image(None, upload, f"Ảnh kèm theo {i}", "images"))
    except BaseException:
        # A later picture refused: the files of the earlier ones go too (their rows roll back).
        for image in stored:
            images.remove(image.token, image.widths)
        raise
    opinion = opinions.record_opinion(
        actor=None,
        received_on=timezone.localdate(),
        source=OpinionSource.CITIZEN,
        channel=OpinionChannel.PORTAL,
        text=text,
        topic=data.topic,
        org=org,
        received_by=owner,
        place=place,
        submitter_name=name,
        submitter_contact=email,
        consent=bool(data.consent and (name or email)),
        recorder_shown_as=PORTAL_SENDER,
    )
    petition = Petition.objects.create(
        opinion=opinion, code=_unique_code(), email=email, publish_ok=bool(data.publish_ok)
    )
    for image in stored:
        PetitionImage.objects.create(petition=petition, image=image)
    if data.consent and (name or email):
        petition.consent = privacy.record_consent(
            actor=None,
            purpose=PETITION_PURPOSE,
            subject_name=name,
            subject_email=email,
            ref=f"portal.petition:{petition.pk}",
            org=owner,
        )
        petition.save(update_fields=["consent"])
    audit.record(
        actor=None,
        action=PortalAudit.PETITION_RECEIVED,
        obj=opinion,
        summary=f"Nhận phản ánh {format_code(petition.code)} (ý kiến #{opinion.pk}, "
        f"{data.topic.name if data.topic else ''}) về {org.name}",
    )
    if email:
        mail.after_commit(mail.petition_received, petition.pk)
    return petition


def find_petition(code: str, email: str) -> Petition | None:
    """The petition of ``code`` — and, when the sender left an email, only with that email
    (a code alone never opens someone else's petition that carries their contact)."""
    normal = normalise_code(code)
    if not normal:
        return None
    petition = (
        Petition.objects.select_related("opinion__topic", "opinion__org")
        .filter(code=normal)
        .first()
    )
    if petition is None:
        return None
    if petition.email and petition.email != (email or "").strip().lower():
        return None
    return petition


@transaction.atomic
def publish_petition(*, actor: Actor, petition: Petition, published: bool = True) -> Petition:
    """Show an answered petition (without the sender's data) on the portal — only when the
    sender agreed."""
    petition = Petition.objects.select_for_update().select_related("opinion").get(pk=petition.pk)
    if actor is None or not scope.covers(actor, scope.CHANGE, petition.opinion.received_by):
        raise forbidden("Bạn không có quyền công khai phản ánh này.")
    if published and not petition.publish_ok:
        raise invalid("published", "Người gửi không đồng ý công khai nội dung trả lời.")
    if published and not petition.opinion.answer:
        raise invalid("published", "Phản ánh chưa được trả lời.")
    petition.published = published
    petition.save(update_fields=["published"])
    audit.record(
        actor=actor,
        action=PortalAudit.PETITION_PUBLISHED,
        obj=petition.opinion,
        summary=f"{'Công khai' if published else 'Thôi công khai'} trả lời phản ánh "
        f"{format_code(petition.code)}",
    )
    return petition


def answered(opinion_id: int) -> None:
    """oversight's hook (after commit): mail the sender of a portal petition its answer."""
    petition = Petition.objects.filter(opinion_id=opinion_id).exclude(email="").first()
    if petition is not None:
        mail.petition_answered(petition.pk)


# ------------------------------------------------------------------ personal data


@transaction.atomic
def erase_comment_contact(comment_id: int, *, actor: Actor = None, why: str) -> bool:
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None or not comment.email:
        return False
    comment.email, comment.anonymised_at = "", timezone.now()
    if comment.state != CommentState.APPROVED:
        comment.name = "Bạn đọc"
    comment.save(update_fields=["email", "name", "anonymised_at"])
    audit.record(
        actor=actor,
        action=PortalAudit.CONTACT_ERASED,
        obj=comment,
        summary=f"Xóa email của ý kiến bạn đọc #{comment.pk} ({why})",
    )
    return True


@transaction.atomic
def erase_petition_contact(petition_id: int, *, actor: Actor = None, why: str) -> bool:
    petition = (
        Petition.objects.select_for_update()
        .select_related("opinion")
        .filter(pk=petition_id)
        .first()
    )
    if petition is None or petition.contact_erased_at is not None:
        return False
    opinion = petition.opinion
    petition.email, petition.contact_erased_at = "", timezone.now()
    petition.save(update_fields=["email", "contact_erased_at"])
    Opinion.objects.filter(pk=opinion.pk).update(
        submitter_name="", submitter_contact="", consent=False
    )
    audit.record(
        actor=actor,
        action=PortalAudit.CONTACT_ERASED,
        obj=opinion,
        summary=f"Xóa họ tên, liên hệ người gửi phản ánh {format_code(petition.code)} ({why})",
    )
    return True


def file_data_request(*, kind: str, text: str, name: str, email: str):
    """A citizen's data request, handled by the portal's committee."""
    return privacy.file_request(
        actor=None, kind=kind, text=text, name=name, email=email, org=portal_org()
    )


def withdraw_ref(ref: str) -> None:
    """A consent withdrawn (privacy's hook): erase what it covered."""
    kind, _, pk = ref.partition(":")
    if not pk.isdigit():
        return
    if kind == "portal.comment":
        erase_comment_contact(int(pk), why="rút lại sự đồng ý")
    elif kind == "portal.petition":
        erase_petition_contact(int(pk), why="rút lại sự đồng ý")
