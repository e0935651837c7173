"""The demo's public portal: its first post is the district's 2016 report written by dangbo
itself (reports, kind "nam"), published as an article under a title and lead of our own —
the newspaper's figures are facts the data reproduces; its sentences are not ours to copy.
Its picture is a chart of the organisations' review levels, drawn from the data. The
organisation office ("tochuc") wrote it and the administrator ("quantri") approved it (four
eyes). A reader's comment answered by the committee and one waiting for moderation give the
newsroom's queue something to show.

Bulk path like the rest of the demo: rows written directly, no per-row services and no
audit entries (the loader writes one for the whole load); the picture goes through
``portal.images`` like any upload. No petition: the demo's opinions are 2016's, and a
petition is received today."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from dangbo.core.office import Bullets, Figure, Heading, Paragraph, Table
from dangbo.core.office.values import cell_text
from dangbo.core.text import fold
from dangbo.orgs.models import Organisation
from dangbo.portal import body as body_text
from dangbo.portal import images
from dangbo.portal.choices import ArticleState, CommentState
from dangbo.portal.models import Article, ArticleImage, Category, Comment, Image, Tag
from dangbo.portal.rules import COMMENT_CONSENT, COMMENT_CONSENT_VERSION, COMMENT_PURPOSE
from dangbo.privacy.models import ConsentRecord
from dangbo.reports import kinds
from dangbo.reports import services as reports
from dangbo.reports.kinds import Period

DISTRICT = "tam-duong"
WRITER, REVIEWER = "tochuc", "quantri"
CATEGORIES = (("xay-dung-dang", "Xây dựng Đảng"), ("tin-tuc", "Tin tức - Sự kiện"))
TITLE = "Năm 2016 qua số liệu: công tác xây dựng Đảng ở huyện Tam Dương"
LEAD = (
    "Số đảng viên, tổ chức cơ sở đảng, kết quả đánh giá, xếp loại và những việc đã làm trong "
    "năm 2016 của Đảng bộ huyện Tam Dương, tổng hợp từ báo cáo năm do phần mềm lập từ dữ "
    "liệu của các chi bộ, đảng bộ."
)
AUTHOR = "Ban Tổ chức Huyện ủy"
PUBLISHED = datetime(2017, 3, 20, 8, 0)


def _body(document) -> tuple[str, list[Figure]]:
    lines: list[str] = []
    figures: list[Figure] = []
    for block in document.blocks:
        if isinstance(block, Heading):
            lines += ["", ("## " if block.level <= 1 else "### ") + block.text, ""]
        elif isinstance(block, Paragraph):
            lines += [p for p in block.text.split("\n") if p.strip()] + [""]
        elif isinstance(block, Bullets):
            lines += [f"- {item}" for item in block.items] + [""]
        elif isinstance(block, Table):
            if block.caption:
                lines += [block.caption, ""]
            for row in block.rows:
                cells = [cell_text(v, c.kind) for v, c in zip(row, block.columns, strict=False)]
                label = " — ".join(c for c in cells[:-1] if c)
                lines.append(f"- {label}: {cells[-1]}" if label else f"- {cells[-1]}")
            lines.append("")
        elif isinstance(block, Figure):
            figures.append(block)
            lines += [f"[ảnh {len(figures)}]", ""]
    return "\n".join(lines).strip(), figures


def _levels_chart(org) -> Figure | None:
    """The article's picture: the organisations' review levels over the years, drawn from the
    data (the newspaper's photo is not ours; a chart of our own figures is)."""
    from dangbo.core import charts
    from dangbo.reviews.charts import COMMON_RANKS, results_by_year

    data = results_by_year(org, 2016, members=False)
    years = sorted(y for y, ranks in data.items() if ranks)
    if not years:
        return None
    chart = charts.Chart(
        charts.STACKED,
        "Kết quả đánh giá, xếp loại tổ chức cơ sở đảng",
        "",
        tuple(str(y) for y in years),
        tuple(
            charts.series(str(label), [data.get(y, {}).get(rank, 0) for y in years])
            for rank, label in COMMON_RANKS.items()
        ),
        unit="tổ chức",
        share=True,
    )
    caption = (
        f"Kết quả đánh giá, xếp loại tổ chức cơ sở đảng của {org.name} năm "
        + " – ".join(str(y) for y in (years[0], years[-1]) if y)
        + " (biểu đồ lập từ dữ liệu)"
    )
    return Figure(png=charts.png(chart, dpi=240), caption=caption)


def _place(body: str, number: int) -> str:
    """The picture after the paragraph that opens the review section, else at the end."""
    parts = body.split("\n\n")
    for i, part in enumerate(parts):
        if part.startswith("## ") and "ĐÁNH GIÁ" in part.upper() and i + 1 < len(parts):
            parts.insert(i + 2, f"[ảnh {number}]")
            return "\n\n".join(parts)
    return body + f"\n\n[ảnh {number}]"


TAGS = ("Tam Dương", "xây dựng Đảng", "năm 2016")
COMMENTS = (
    (
        "Nguyễn Văn Bình",
        "binh.nv@example.org",
        "Xin cho biết năm 2017 huyện có kế hoạch kết nạp bao nhiêu đảng viên mới, nhất là ở "
        "các thôn còn ít đảng viên trẻ?",
        "Cảm ơn bạn đọc. Chỉ tiêu kết nạp đảng viên năm 2017 được giao cho từng đảng bộ, chi "
        "bộ cơ sở và công bố sau hội nghị Ban Chấp hành Đảng bộ huyện đầu năm.",
    ),
    (
        "Trần Thị Lan",
        "lan.tt@example.org",
        "Đề nghị công khai danh sách các tổ chức cơ sở đảng đạt trong sạch vững mạnh tiêu biểu.",
        "",
    ),
)


def write(seed: int) -> dict:
    if not settings.PORTAL.get("ORG"):  # `dangbo demo` keeps it in the data directory too
        settings.PORTAL["ORG"] = DISTRICT
    User = get_user_model()
    writer = User.objects.filter(username=WRITER).first()
    reviewer = User.objects.filter(username=REVIEWER).first()
    org = Organisation.objects.filter(code=DISTRICT).first()
    if writer is None or reviewer is None or org is None:
        return {"articles": 0}
    try:
        kinds.get("nam")
    except KeyError:
        return {"articles": 0}
    categories = [
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": n})[0]
        for n, (slug, name) in enumerate(CATEGORIES)
    ]
    built = reports.build("nam", org, Period(2016), viewer=writer)
    body, figures = _body(built.document)
    chart = _levels_chart(org)
    if chart is not None:
        figures.append(chart)
        body = _place(body, len(figures))
    published = timezone.make_aware(PUBLISHED)
    article = Article.objects.create(
        org=org,
        title=TITLE,
        slug="nam-2016-qua-so-lieu-cong-tac-xay-dung-dang-o-huyen-tam-duong",
        lead=LEAD,
        body=body,
        author_name=AUTHOR,
        category=categories[0],
        state=ArticleState.PUBLISHED,
        publish_at=published,
        created_by=writer,
        submitted_by=writer,
        reviewed_by=reviewer,
        search_text=fold(" ".join([TITLE, LEAD, body_text.plain(body), AUTHOR])),
    )
    article.tags.set(
        [Tag.objects.get_or_create(slug=slugify(fold(t)), defaults={"name": t})[0] for t in TAGS]
    )
    for number, figure in enumerate(figures, start=1):
        done = images.process(io.BytesIO(figure.png), label="Ảnh")
        image = Image.objects.create(
            token=done.token,
            widths=done.widths,
            width=done.width,
            height=done.height,
            bytes=done.bytes,
            uploaded_by=writer,
        )
        ArticleImage.objects.create(
            article=article, image=image, number=number, caption=figure.caption, alt=figure.caption
        )
    for n, (name, email, text, answer) in enumerate(COMMENTS):
        sent = published + timedelta(days=2 + n, hours=3)
        comment = Comment.objects.create(
            article=article,
            name=name,
            email=email,
            text=text,
            state=CommentState.APPROVED if answer else CommentState.PENDING,
            received_at=sent,
            moderated_by=writer if answer else None,
            moderated_at=sent + timedelta(days=1) if answer else None,
            answer=answer,
            answered_at=sent + timedelta(days=1) if answer else None,
        )
        comment.consent = ConsentRecord.objects.create(
            purpose=COMMENT_PURPOSE,
            text_version=COMMENT_CONSENT_VERSION,
            text=COMMENT_CONSENT,
            subject_name=name,
            subject_email=email,
            org=org,
            ref=f"portal.comment:{comment.pk}",
            given_at=sent,
        )
        comment.save(update_fields=["consent"])
    return {"articles": 1, "images": len(figures), "comments": len(COMMENTS)}
