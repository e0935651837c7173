"""The portal's workflows: articles through draft → review → published (four eyes, scheduled,
unpublished), comments held for moderation and turned into opinions, petitions into the
opinions pipeline with a tracking code, and the erasures consent withdrawal asks for."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangbo.core.models import AuditEntry
from dangbo.oversight import services as opinions
from dangbo.oversight.choices import OpinionChannel, OpinionSource, OpinionState
from dangbo.oversight.models import Opinion, OpinionTopic
from dangbo.portal import queries, services
from dangbo.portal.choices import ArticleState, CommentState, PortalAudit
from dangbo.portal.models import Article, Comment, Petition
from dangbo.portal.rules import format_code, normalise_code
from dangbo.privacy.models import ConsentRecord
from tests.support import counts

from .conftest import article_input, png

pytestmark = pytest.mark.django_db


def _actions(action) -> int:
    return AuditEntry.objects.filter(action=action).count()


# ---------------------------------------------------------------- articles


def test_an_article_goes_from_draft_to_review_to_published(world, category):
    staff, admin = world.users["staff"], world.users["admin"]
    article = services.create_article(
        actor=staff, org=world.org("tam-duong"), data=article_input(category)
    )
    assert (
        article.state == ArticleState.DRAFT
        and article.slug == "hoi-nghi-so-ket-cong-tac-xay-dung-dang"
    )
    assert "so ket" in article.search_text  # folded for accent-free search
    assert not queries.public_articles().filter(pk=article.pk).exists()
    services.submit_article(actor=staff, article=article)
    article = services.publish_article(actor=admin, article=article)
    assert article.state == ArticleState.PUBLISHED and article.reviewed_by == admin
    assert queries.public_articles().filter(pk=article.pk).exists()
    assert [t.name for t in article.tags.order_by("name")] == ["sơ kết", "xây dựng Đảng"]
    for event in (
        PortalAudit.ARTICLE_CREATED,
        PortalAudit.ARTICLE_SUBMITTED,
        PortalAudit.ARTICLE_PUBLISHED,
    ):
        assert _actions(event) == 1


def test_the_author_never_approves_their_own_article(world, category):
    staff = world.users["staff"]
    article = services.create_article(
        actor=staff, org=world.org("tam-duong"), data=article_input(category)
    )
    services.submit_article(actor=staff, article=article)
    with pytest.raises(PermissionDenied):
        services.publish_article(actor=staff, article=article)
    article.refresh_from_db()
    assert article.state == ArticleState.REVIEW


def test_a_scheduled_article_is_public_only_from_its_date(world, category):
    staff, admin = world.users["staff"], world.users["admin"]
    article = services.create_article(
        actor=staff, org=world.org("tam-duong"), data=article_input(category)
    )
    services.submit_article(actor=staff, article=article)
    later = timezone.now() + timedelta(days=2)
    services.publish_article(actor=admin, article=article, publish_at=later)
    assert not queries.public_articles().filter(pk=article.pk).exists()
    assert queries.public_articles(now=later + timedelta(minutes=1)).filter(pk=article.pk).exists()


def test_unpublishing_needs_a_reason_and_is_audited(world, published):
    with pytest.raises(ValidationError) as exc:
        services.unpublish_article(actor=world.users["admin"], article=published, reason=" ")
    assert "Lý do gỡ" in str(exc.value)
    services.unpublish_article(
        actor=world.users["admin"], article=published, reason="Số liệu cần đính chính."
    )
    published.refresh_from_db()
    assert published.state == ArticleState.UNPUBLISHED
    assert not queries.public_articles().filter(pk=published.pk).exists()
    assert _actions(PortalAudit.ARTICLE_UNPUBLISHED) == 1


def test_an_article_out_of_scope_is_refused(world, category):
    with pytest.raises(PermissionDenied):
        services.create_article(
            actor=world.users["outsider"], org=world.org("tam-duong"), data=article_input(category)
        )
    with pytest.raises(PermissionDenied):
        services.create_article(
            actor=world.users["secretary"], org=world.org("tam-duong"), data=article_input(category)
        )
    assert Article.objects.count() == 0


def test_bad_article_fields_are_named_together(world, category):
    with pytest.raises(ValidationError) as exc:
        services.create_article(
            actor=world.users["staff"],
            org=world.org("tam-duong"),
            data=article_input(None, title="", lead="x" * 1001, body="a\x00b"),
        )
    fields = exc.value.message_dict
    assert {"title", "lead", "body", "category"} <= set(fields)
    assert Article.objects.count() == 0


def test_a_placed_picture_must_exist_before_review(world, category):
    staff = world.users["staff"]
    article = services.create_article(
        actor=staff,
        org=world.org("tam-duong"),
        data=article_input(category, body="Đoạn đầu.\n\n[ảnh 1]\n\nĐoạn sau."),
    )
    with pytest.raises(ValidationError, match="ảnh số 1"):
        services.submit_article(actor=staff, article=article)
    placed = services.add_image(actor=staff, article=article, upload=png(), caption="Hội nghị")
    assert placed.number == 1
    services.submit_article(actor=staff, article=article)
    blocks, rest = queries.article_blocks(article)
    assert [b.kind for b in blocks] == ["p", "figure", "p"] and rest == []
    assert blocks[1].figure.caption == "Hội nghị"


# ---------------------------------------------------------------- comments


def test_a_comment_is_held_then_approved_and_answered(world, published):
    comment = services.submit_comment(
        article=published,
        name="Nguyễn Văn Bình",
        email="Binh@Example.org",
        text="Đề nghị công khai kết quả.",
        consent=True,
    )
    assert comment.state == CommentState.PENDING and comment.email == "binh@example.org"
    consent = ConsentRecord.objects.get(pk=comment.consent_id)
    assert consent.ref == f"portal.comment:{comment.pk}" and consent.text_version == 1
    assert queries.public_comments(published) == []  # held for moderation
    services.answer_comment(
        actor=world.users["staff"], comment=comment, answer="Kết quả đăng cuối năm."
    )
    shown = queries.public_comments(published)
    assert [(c.name, c.answer) for c in shown] == [("Nguyễn Văn Bình", "Kết quả đăng cuối năm.")]
    assert not hasattr(shown[0], "email")  # the read model carries no email at all


def test_a_rejected_comment_keeps_its_reason_and_is_never_shown(world, published):
    comment = services.submit_comment(
        article=published, name="A", email="a@example.org", text="Quảng cáo", consent=True
    )
    services.reject_comment(actor=world.users["staff"], comment=comment, reason="Quảng cáo")
    comment.refresh_from_db()
    assert comment.state == CommentState.REJECTED and comment.reject_reason == "Quảng cáo"
    assert queries.public_comments(published) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"email": "khong-phai-email"}, "email"),
        ({"text": ""}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({"consent": False}, "consent"),
        ({"text": "xem http://a.com http://b.com http://c.com"}, "text"),
        ({"name": "Tên\x07lạ"}, "name"),
    ],
)
def test_a_bad_comment_is_refused_and_nothing_is_kept(world, published, fields, field):
    data = {"name": "Bình", "email": "b@example.org", "text": "Ý kiến.", "consent": True}
    data.update(fields)
    before = counts(Comment, ConsentRecord)
    with pytest.raises(ValidationError) as exc:
        services.submit_comment(article=published, **data)
    assert field in exc.value.message_dict
    assert counts(Comment, ConsentRecord) == before


def test_markup_is_stored_as_typed(world, published):
    text = '<script>alert("x")</script> & <b>đậm</b>'
    comment = services.submit_comment(
        article=published, name="<i>Bình</i>", email="b@example.org", text=text, consent=True
    )
    comment.refresh_from_db()
    assert comment.text == text and comment.name == "<i>Bình</i>"


def test_a_comment_becomes_an_opinion_keeping_the_link(world, published):
    comment = services.submit_comment(
        article=published, name="Bình", email="b@example.org", text="Đường hỏng.", consent=True
    )
    topic = OpinionTopic.objects.filter(active=True).first()
    opinion = services.comment_to_opinion(
        actor=world.users["staff"],
        comment=comment,
        topic=topic,
        org=world.org("kim-long"),
        assign_to=world.org("kim-long"),
        deadline=timezone.localdate() + timedelta(days=15),
    )
    comment.refresh_from_db()
    assert comment.opinion == opinion and opinion.portal_comment == comment
    assert opinion.state == OpinionState.ASSIGNED and opinion.assigned_to == world.org("kim-long")
    assert (opinion.source, opinion.channel) == (OpinionSource.CITIZEN, OpinionChannel.PORTAL)
    assert opinion.received_by == world.org("tam-duong") and opinion.text == "Đường hỏng."
    with pytest.raises(ValidationError):
        services.comment_to_opinion(
            actor=world.users["staff"], comment=comment, topic=topic, org=world.org("kim-long")
        )


def test_moderating_out_of_scope_is_refused(world, published):
    comment = services.submit_comment(
        article=published, name="Bình", email="b@example.org", text="Ý kiến.", consent=True
    )
    for user in ("outsider", "secretary", "committee", "member"):
        with pytest.raises(PermissionDenied):
            services.approve_comment(actor=world.users[user], comment=comment)
    comment.refresh_from_db()
    assert comment.state == CommentState.PENDING


# ---------------------------------------------------------------- petitions


def _petition(world, **over):
    data = {
        "topic": OpinionTopic.objects.filter(active=True).first(),
        "org": world.org("kim-long"),
        "place": "Thôn Đồng Bông",
        "text": "Đường liên thôn bị sụt lún.",
        "name": "Lê Văn Hùng",
        "email": "hung@example.org",
        "consent": True,
        "publish_ok": True,
    }
    data.update(over)
    return services.submit_petition(data=services.PetitionInput(**data))


def test_a_petition_enters_the_opinions_pipeline_with_a_code(world):
    petition = _petition(world, uploads=(png(),))
    opinion = petition.opinion
    assert (opinion.source, opinion.channel, opinion.state) == (
        OpinionSource.CITIZEN,
        OpinionChannel.PORTAL,
        OpinionState.RECEIVED,
    )
    assert opinion.org == world.org("kim-long") and opinion.received_by == world.org("tam-duong")
    assert opinion.grassroots == world.org("kim-long")
    assert opinion.submitter_name == "Lê Văn Hùng" and opinion.consent
    assert len(petition.code) == 8 and normalise_code(format_code(petition.code)) == petition.code
    assert petition.images.count() == 1
    assert ConsentRecord.objects.filter(ref=f"portal.petition:{petition.pk}").exists()


def test_an_anonymous_petition_keeps_no_personal_data(world):
    petition = _petition(world, name="", email="", consent=False)
    assert petition.email == "" and petition.consent is None
    assert petition.opinion.submitter_name == "" and not petition.opinion.consent


def test_contact_without_consent_is_refused(world):
    before = counts(Opinion, Petition)
    with pytest.raises(ValidationError) as exc:
        _petition(world, consent=False)
    assert "consent" in exc.value.message_dict
    assert counts(Opinion, Petition) == before


def test_a_commune_outside_the_portal_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        _petition(world, org=world.org("vt-xa"))
    assert "org" in exc.value.message_dict


def test_the_status_needs_the_code_and_the_senders_email(world):
    petition = _petition(world)
    code = format_code(petition.code)
    assert services.find_petition(code, "hung@example.org") == petition
    assert services.find_petition(code.lower().replace("-", " "), "HUNG@example.org ") == petition
    assert services.find_petition(code, "other@example.org") is None  # someone else's code
    assert services.find_petition(code, "") is None
    assert services.find_petition("PA-0000-0000", "hung@example.org") is None  # forged
    assert services.find_petition("<script>", "") is None


def test_an_anonymous_petition_opens_by_its_code_alone(world):
    petition = _petition(world, name="", email="", consent=False)
    assert services.find_petition(format_code(petition.code), "") == petition


def test_the_status_reveals_the_answer_and_nothing_else(world):
    petition = _petition(world)
    staff = world.users["staff"]
    opinion = opinions.assign_opinion(
        actor=staff,
        opinion=petition.opinion,
        to_org=world.org("kim-long"),
        deadline=timezone.localdate() + timedelta(days=10),
    )
    status = queries.status_of(Petition.objects.get(pk=petition.pk))
    assert status.state == OpinionState.ASSIGNED and status.answer == ""
    opinions.start_opinion(actor=staff, opinion=opinion)
    opinions.answer_opinion(
        actor=staff, opinion=opinion, answer="Xã đã sửa xong.", approved_by="Chủ tịch UBND xã"
    )
    status = queries.status_of(Petition.objects.get(pk=petition.pk))
    assert status.answer == "Xã đã sửa xong." and status.state_label == "Đã trả lời"
    fields = set(vars(status))
    assert not fields & {"name", "email", "submitter_name", "submitter_contact", "assigned_to"}


def test_an_answer_is_published_only_with_the_senders_agreement(world):
    staff = world.users["staff"]
    refusing = _petition(world, publish_ok=False)
    with pytest.raises(ValidationError):
        services.publish_petition(actor=staff, petition=refusing)
    agreeing = _petition(world)
    with pytest.raises(ValidationError):  # not answered yet
        services.publish_petition(actor=staff, petition=agreeing)
    opinions.answer_opinion(
        actor=staff, opinion=agreeing.opinion, answer="Đã sửa.", approved_by="Chủ tịch"
    )
    services.publish_petition(actor=staff, petition=agreeing)
    shown = queries.published_answers()
    assert [a.answer for a in shown] == ["Đã sửa."]
    assert "Lê Văn Hùng" not in repr(shown) and "hung@example.org" not in repr(shown)


# ---------------------------------------------------------------- personal data


def test_withdrawing_a_consent_erases_the_contact(world, published):
    from dangbo.privacy import services as privacy

    petition = _petition(world)
    privacy.withdraw_consent(
        actor=world.users["staff"], consent=petition.consent, how="Email của người gửi"
    )
    petition.refresh_from_db()
    assert petition.email == "" and petition.contact_erased_at is not None
    opinion = Opinion.objects.get(pk=petition.opinion_id)
    assert opinion.submitter_name == "" and opinion.submitter_contact == ""
    assert opinion.text == "Đường liên thôn bị sụt lún."  # the matter itself stays
    assert _actions(PortalAudit.CONTACT_ERASED) == 1
