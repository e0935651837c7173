"""Read side of the portal: what the public may see (published articles whose date has come,
approved comments without emails, a petition's state by its code) and the staff queues,
scoped like every other list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangbo.core import scope
from dangbo.core.search import terms
from dangbo.core.text import fold
from dangbo.oversight.choices import OpinionChannel, OpinionState
from dangbo.oversight.models import Opinion

from . import body as body_text
from .choices import ArticleState, CommentState
from .models import Article, ArticleImage, Category, Comment, Petition
from .rules import format_code


def public_articles(now: datetime | None = None) -> QuerySet[Article]:
    now = now or timezone.now()
    return (
        Article.objects.filter(state=ArticleState.PUBLISHED, publish_at__lte=now)
        .select_related("category")
        .order_by("-publish_at", "-id")
    )


def search(text: str, now: datetime | None = None) -> QuerySet[Article]:
    """Accent-free, every word: "tam duong" finds "Tam Dương", "ĐỔI MỚI" finds "đổi mới"."""
    t = terms(text)
    qs = public_articles(now)
    if t is None:
        return qs.none()
    for word in fold(text).split()[:8]:
        qs = qs.filter(search_text__contains=word)
    return qs


def categories() -> list[Category]:
    return list(
        Category.objects.annotate(
            n=Count(
                "articles",
                filter=Q(
                    articles__state=ArticleState.PUBLISHED,
                    articles__publish_at__lte=timezone.now(),
                ),
            )
        )
        .filter(n__gt=0)
        .order_by("position", "name")
    )


@dataclass(frozen=True)
class Figure:
    number: int
    token: str
    widths: list[int]
    width: int
    height: int
    caption: str
    alt: str


@dataclass(frozen=True)
class Block:
    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    figure: Figure | None = None


@dataclass(frozen=True)
class PublicComment:
    name: str
    text: str
    received_at: datetime
    answer: str
    answered_at: datetime | None


@dataclass(frozen=True)
class ArticlePage:
    article: Article
    blocks: list[Block]
    figures: list[Figure]
    comments: list[PublicComment]
    tags: list


def _figures(article: Article) -> dict[int, Figure]:
    return {
        p.number: Figure(
            p.number,
            p.image.token,
            list(p.image.widths),
            p.image.width,
            p.image.height,
            p.caption,
            p.alt,
        )
        for p in ArticleImage.objects.filter(article=article).select_related("image")
    }


def article_blocks(article: Article) -> tuple[list[Block], list[Figure]]:
    figures = _figures(article)
    blocks = []
    for b in body_text.blocks(article.body):
        if b.kind == "figure":
            figure = figures.get(b.number)
            if figure is not None:
                blocks.append(Block("figure", figure=figure))
        else:
            blocks.append(Block(b.kind, b.text, tuple(b.items)))
    placed = {b.figure.number for b in blocks if b.figure is not None}
    # Pictures not placed in the text follow it, in their order.
    rest = [f for n, f in sorted(figures.items()) if n not in placed]
    return blocks, rest


def public_comments(article: Article) -> list[PublicComment]:
    return [
        PublicComment(c.name, c.text, c.received_at, c.answer, c.answered_at)
        for c in article.comments.filter(state=CommentState.APPROVED).order_by("received_at", "id")
    ]


def article_page(article: Article) -> ArticlePage:
    blocks, rest = article_blocks(article)
    return ArticlePage(article, blocks, rest, public_comments(article), list(article.tags.all()))


def public_image(token: str, width: int) -> bool:
    """Whether the picture (at that width) is shown by an article the public may read."""
    widths = (
        ArticleImage.objects.filter(
            image__token=token,
            article__state=ArticleState.PUBLISHED,
            article__publish_at__lte=timezone.now(),
        )
        .values_list("image__widths", flat=True)
        .first()
    )
    return widths is not None and width in widths


# ---------------------------------------------------------------- petitions: the status page


@dataclass(frozen=True)
class PetitionStatus:
    """What the status page reveals, and nothing else: no name, no contact, no handler."""

    code: str
    received_on: date
    topic: str
    place: str
    state: str
    state_label: str
    done: bool
    answer: str
    answered_on: date | None


PUBLIC_STATE: dict[str, str] = {
    OpinionState.RECEIVED: "Đã tiếp nhận, đang phân loại",
    OpinionState.ASSIGNED: "Đã chuyển cơ quan có thẩm quyền xử lý",
    OpinionState.IN_PROGRESS: "Đang xử lý",
    OpinionState.RETURNED: "Đang xem xét lại",
    OpinionState.ESCALATED: "Đang xem xét lại",
    OpinionState.ANSWERED: "Đã trả lời",
    OpinionState.CLOSED: "Đã giải quyết xong",
}


def status_of(petition: Petition) -> PetitionStatus:
    o = petition.opinion
    answered = o.state in (OpinionState.ANSWERED, OpinionState.CLOSED) and bool(o.answer)
    return PetitionStatus(
        code=format_code(petition.code),
        received_on=o.received_on,
        topic=o.topic.name,
        place=o.org.name,
        state=o.state,
        state_label=PUBLIC_STATE.get(o.state, o.get_state_display()),
        done=o.state == OpinionState.CLOSED,
        answer=o.answer if answered else "",
        answered_on=o.answered_on if answered else None,
    )


@dataclass(frozen=True)
class PublishedAnswer:
    topic: str
    place: str
    received_on: date
    text: str
    answer: str
    answered_on: date | None


def published_answers(limit: int = 50) -> list[PublishedAnswer]:
    rows = (
        Petition.objects.filter(published=True, publish_ok=True)
        .exclude(opinion__answer="")
        .select_related("opinion__topic", "opinion__org")
        .order_by("-opinion__answered_on", "-id")[:limit]
    )
    return [
        PublishedAnswer(
            p.opinion.topic.name,
            p.opinion.org.name,
            p.opinion.received_on,
            p.opinion.text,
            p.opinion.answer,
            p.opinion.answered_on,
        )
        for p in rows
    ]


# ---------------------------------------------------------------- staff queues


def staff_articles(user) -> QuerySet[Article]:
    return scope.restrict(Article.objects.all(), user, scope.CHANGE).select_related(
        "category", "org", "created_by", "reviewed_by"
    )


def pending_comments(user) -> QuerySet[Comment]:
    return (
        scope.restrict(Comment.objects.all(), user, scope.CHANGE)
        .filter(state=CommentState.PENDING)
        .select_related("article")
        .order_by("received_at", "id")
    )


def staff_comments(user) -> QuerySet[Comment]:
    return scope.restrict(Comment.objects.all(), user, scope.CHANGE).select_related(
        "article", "opinion"
    )


def portal_opinions(user) -> QuerySet[Opinion]:
    """The petitions inbox: the opinions dashboard's "from the portal" rows in ``user``'s
    sight (a commune's staff see those about their commune)."""
    return scope.restrict(
        Opinion.objects.filter(channel=OpinionChannel.PORTAL, petition__isnull=False), user
    ).select_related("topic", "org", "petition")


@dataclass(frozen=True)
class Queues:
    review: int
    drafts: int
    comments: int
    petitions_open: int


def queues(user) -> Queues:
    articles = staff_articles(user)
    return Queues(
        review=articles.filter(state=ArticleState.REVIEW).count(),
        drafts=articles.filter(state=ArticleState.DRAFT).count(),
        comments=pending_comments(user).count(),
        petitions_open=portal_opinions(user)
        .exclude(state__in=(OpinionState.ANSWERED, OpinionState.CLOSED))
        .count(),
    )
