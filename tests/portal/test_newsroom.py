"""The newsroom (/tin-bai/) through the staff's browser: an article written in the form,
given a picture, sent for review and published by someone else (now or on a later date),
then taken down with a reason; readers' comments approved, refused, answered and turned
into opinions; the portal's petitions in the opinions dashboard ("kenh=portal")."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.core.dates import today
from dangbo.oversight import services as oversight
from dangbo.oversight.choices import OpinionChannel, OpinionState
from dangbo.oversight.models import OpinionTopic
from dangbo.portal import services
from dangbo.portal.choices import ArticleState, CommentState
from dangbo.portal.models import Article, Comment

from .conftest import article_input, png

pytestmark = pytest.mark.django_db


def as_user(client, world, role):
    client.force_login(world.users[role])
    return client


def home_html(client) -> str:
    return client.get(reverse("portal:home")).content.decode()


def _d(day) -> str:
    return f"{day:%d/%m/%Y}"


# ---------------------------------------------------------------- articles


def test_staff_write_illustrate_and_submit_an_article(world, client, category):
    as_user(client, world, "staff")
    assert client.get(reverse("newsroom:article_create")).status_code == 200
    response = client.post(
        reverse("newsroom:article_create"),
        {
            "title": "Hội nghị Ban Chấp hành mở rộng",
            "lead": "Sáng nay, Huyện ủy họp.",
            "body": "Đoạn một.\n\n[ảnh 1]\n\nĐoạn hai.",
            "author_name": "Văn phòng",
            "category": category.pk,
            "tags": "hội nghị, Ban Chấp hành",
            "comments_open": "on",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("newsroom:article", args=[article.pk])
    assert (article.state, article.org, article.created_by) == (
        ArticleState.DRAFT,
        world.org("tam-duong"),
        world.users["staff"],
    )
    # The body places picture 1, which does not exist yet: it cannot be sent for review.
    client.post(reverse("newsroom:article_action", args=[article.pk, "trinh"]))
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    response = client.post(
        reverse("newsroom:article_action", args=[article.pk, "them-anh"]),
        {"image": png(), "caption": "Quang cảnh", "alt": "Hội trường"},
    )
    assert response.status_code == 302
    placed = article.images.get()
    assert (placed.number, placed.caption, placed.alt) == (1, "Quang cảnh", "Hội trường")
    page = client.get(reverse("newsroom:article", args=[article.pk]))
    assert reverse("newsroom:image", args=[placed.image.token, placed.image.widths[0]]) in (
        page.content.decode()
    )
    client.post(reverse("newsroom:article_action", args=[article.pk, "trinh"]))
    article.refresh_from_db()
    assert article.state == ArticleState.REVIEW


def test_a_bad_article_form_is_400_and_keeps_nothing(world, client, category):
    as_user(client, world, "staff")
    response = client.post(
        reverse("newsroom:article_create"),
        {"title": "Tiêu\x07đề", "lead": "", "body": "x", "author_name": "A", "category": ""},
    )
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_a_picture_that_is_not_one_is_refused_with_a_message(world, client, category):
    article = services.create_article(
        actor=world.users["staff"], org=world.org("tam-duong"), data=article_input(category)
    )
    as_user(client, world, "staff")
    fake = png()
    fake.seek(0)
    fake.truncate()
    fake.write(b"<svg><script>alert(1)</script></svg>")
    fake.seek(0)
    response = client.post(
        reverse("newsroom:article_action", args=[article.pk, "them-anh"]),
        {"image": fake},
        follow=True,
    )
    assert "tệp không phải ảnh" in response.content.decode()
    assert not article.images.exists()


@pytest.fixture
def in_review(world, category):
    """An article written and sent for review by ``staff``."""
    article = services.create_article(
        actor=world.users["staff"], org=world.org("tam-duong"), data=article_input(category)
    )
    return services.submit_article(actor=world.users["staff"], article=article)


def test_the_author_cannot_publish_their_own_article(world, client, in_review):
    """Four eyes: the writer's own approval is refused and the article stays in review."""
    as_user(client, world, "staff")
    response = client.post(
        reverse("newsroom:article_action", args=[in_review.pk, "dang"]), follow=True
    )
    assert response.status_code in (200, 403)  # refused outright, or back with the reason
    if response.status_code == 200:
        assert "không tự duyệt" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.state == ArticleState.REVIEW and in_review.reviewed_by is None
    assert in_review.title not in home_html(client)


def test_publishing_on_a_later_date_schedules_the_article(world, client, in_review):
    as_user(client, world, "admin")
    later = today() + timedelta(days=3)
    response = client.post(
        reverse("newsroom:article_action", args=[in_review.pk, "dang"]),
        {"publish_on": _d(later), "note": "Đăng sau hội nghị."},
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.state == ArticleState.PUBLISHED and in_review.reviewed_by.username == "admin"
    assert timezone.localtime(in_review.publish_at).date() == later
    assert not in_review.is_public()
    client.logout()
    assert in_review.title not in home_html(client)
    assert client.get(reverse("portal:article", args=[in_review.slug])).status_code == 404


def test_publishing_without_a_date_publishes_now_and_unpublishing_takes_it_down(
    world, client, in_review
):
    as_user(client, world, "admin")
    client.post(reverse("newsroom:article_action", args=[in_review.pk, "dang"]), {})
    in_review.refresh_from_db()
    assert in_review.is_public()
    assert in_review.title in home_html(client)
    # Taking it down needs a reason.
    client.post(reverse("newsroom:article_action", args=[in_review.pk, "go"]), {"reason": ""})
    in_review.refresh_from_db()
    assert in_review.state == ArticleState.PUBLISHED
    client.post(
        reverse("newsroom:article_action", args=[in_review.pk, "go"]),
        {"reason": "Số liệu chưa chính xác"},
    )
    in_review.refresh_from_db()
    assert in_review.state == ArticleState.UNPUBLISHED
    assert in_review.unpublish_reason == "Số liệu chưa chính xác"
    assert in_review.title not in home_html(client)
    assert client.get(reverse("portal:article", args=[in_review.slug])).status_code == 404


def test_an_unknown_action_is_404(world, client, in_review):
    as_user(client, world, "admin")
    response = client.post(reverse("newsroom:article_action", args=[in_review.pk, "bay"]))
    assert response.status_code == 404


# ---------------------------------------------------------------- comments


@pytest.fixture
def comment(published):
    return services.submit_comment(
        article=published,
        name="Trần Thị Mai",
        email="mai@example.org",
        text="Đề nghị sửa đèn đường thôn Đồng Bông.",
        consent=True,
    )


def moderate(client, comment, **data):
    return client.post(reverse("newsroom:comment", args=[comment.pk]), data)


def test_pending_comments_are_listed_for_moderation(world, client, comment):
    as_user(client, world, "staff")
    html = client.get(reverse("newsroom:comments")).content.decode()
    assert reverse("newsroom:comment", args=[comment.pk]) in html
    detail = client.get(reverse("newsroom:comment", args=[comment.pk])).content.decode()
    assert "mai@example.org" in detail  # the moderators see the email, the public never


def test_approving_a_comment_publishes_it(world, client, comment, published):
    as_user(client, world, "staff")
    assert moderate(client, comment, action="duyet").status_code == 302
    comment.refresh_from_db()
    assert comment.state == CommentState.APPROVED
    assert comment.moderated_by == world.users["staff"]
    client.logout()
    html = client.get(reverse("portal:article", args=[published.slug])).content.decode()
    assert comment.text in html and "mai@example.org" not in html


def test_refusing_a_comment_needs_a_reason(world, client, comment):
    as_user(client, world, "staff")
    assert moderate(client, comment, action="tu-choi", reason="").status_code == 400
    comment.refresh_from_db()
    assert comment.state == CommentState.PENDING
    assert moderate(client, comment, action="tu-choi", reason="Lạc đề").status_code == 302
    comment.refresh_from_db()
    assert (comment.state, comment.reject_reason) == (CommentState.REJECTED, "Lạc đề")


def test_answering_a_comment_approves_it_with_the_answer(world, client, comment, published):
    as_user(client, world, "staff")
    response = moderate(client, comment, action="tra-loi", answer="Xã đã sửa xong.")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.state, comment.answer) == (CommentState.APPROVED, "Xã đã sửa xong.")
    client.logout()
    html = client.get(reverse("portal:article", args=[published.slug])).content.decode()
    assert "Xã đã sửa xong." in html


def test_a_comment_becomes_an_opinion_assigned_by_organisation_name(world, client, comment):
    as_user(client, world, "staff")
    kim_long = world.org("kim-long")
    html = client.get(reverse("newsroom:comment", args=[comment.pk])).content.decode()
    # Organisations are picked by their name, in a select (not by a typed code).
    assert f'<option value="{kim_long.pk}">{kim_long.name}</option>' in html
    topic = OpinionTopic.objects.filter(active=True).order_by("position", "name").first()
    deadline = today() + timedelta(days=15)
    response = moderate(
        client,
        comment,
        **{
            "action": "chuyen",
            "yk-topic": topic.pk,
            "yk-org": kim_long.pk,
            "yk-assign_to": kim_long.pk,
            "yk-deadline": _d(deadline),
        },
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    opinion = comment.opinion
    assert opinion is not None and opinion.portal_comment == comment
    assert (opinion.channel, opinion.state, opinion.assigned_to, opinion.deadline) == (
        OpinionChannel.PORTAL,
        OpinionState.ASSIGNED,
        kim_long,
        deadline,
    )
    assert opinion.text == comment.text
    # Converted once only.
    again = moderate(
        client, comment, **{"action": "chuyen", "yk-topic": topic.pk, "yk-org": kim_long.pk}
    )
    assert again.status_code == 400
    assert Comment.objects.filter(opinion__isnull=False).count() == 1


def test_a_comment_to_opinion_without_its_organisation_is_400(world, client, comment):
    as_user(client, world, "staff")
    response = moderate(client, comment, **{"action": "chuyen", "yk-topic": "", "yk-org": ""})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.opinion is None


# ---------------------------------------------------------------- the petitions inbox


def test_the_opinions_dashboard_filters_the_portals_petitions(world, client):
    topic = OpinionTopic.objects.filter(active=True).order_by("position", "name").first()
    services.submit_petition(
        data=services.PetitionInput(
            topic=topic,
            org=world.org("kim-long"),
            place="Thôn Gia Du",
            text="Phản ánh qua cổng: cống thoát nước bị tắc.",
        )
    )
    oversight.record_opinion(
        actor=None,
        received_on=today(),
        source="citizen",
        channel="staff",
        text="Ý kiến tại trụ sở: xin lắp đèn đường.",
        topic=topic,
        org=world.org("kl-thon-1"),
        received_by=world.org("tam-duong"),
    )
    as_user(client, world, "staff")
    everything = client.get(reverse("oversight:opinions")).content.decode()
    assert "cống thoát nước" in everything and "xin lắp đèn đường" in everything
    portal = client.get(reverse("oversight:opinions"), {"kenh": "portal"}).content.decode()
    assert "cống thoát nước" in portal and "xin lắp đèn đường" not in portal
    staff_only = client.get(reverse("oversight:opinions"), {"kenh": "staff"}).content.decode()
    assert "cống thoát nước" not in staff_only and "xin lắp đèn đường" in staff_only
