"""The portal's and the opinions log's retention steps, run by ``dangbo retention --at`` as of
a frozen day: a comment's email after a year (a rejected comment's name and email after 90
days), a petition's name and email a year after it was closed, the opinions' submitters two
years after closing, the rate-limit counters after a day — each audited; the matter itself
stays; a second run finds nothing."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangbo.core.models import AuditEntry
from dangbo.oversight import services as opinions
from dangbo.oversight.models import Opinion, OpinionTopic
from dangbo.portal import services, throttle
from dangbo.portal.choices import CommentState, PortalAudit
from dangbo.portal.models import Comment, Petition, Submission
from dangbo.privacy.models import RetentionRun

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _retention(at: date) -> str:
    out = StringIO()
    call_command("retention", "--at", at.strftime("%d/%m/%Y"), stdout=out)
    return out.getvalue()


def _comment(article, email, state=CommentState.APPROVED, days_ago=0):
    comment = services.submit_comment(
        article=article, name="Nguyễn Văn Bình", email=email, text="Ý kiến.", consent=True
    )
    Comment.objects.filter(pk=comment.pk).update(
        state=state, received_at=timezone.now() - days_ago * DAY
    )
    return comment


def _closed_petition(world, closed_on: date):
    petition = services.submit_petition(
        data=services.PetitionInput(
            topic=OpinionTopic.objects.filter(active=True).first(),
            org=world.org("kim-long"),
            place="",
            text="Đường hỏng.",
            name="Lê Văn Hùng",
            email="hung@example.org",
            consent=True,
        )
    )
    staff = world.users["staff"]
    opinions.answer_opinion(
        actor=staff, opinion=petition.opinion, answer="Đã sửa.", approved_by="Chủ tịch"
    )
    opinions.close_opinion(actor=staff, opinion=petition.opinion)
    Opinion.objects.filter(pk=petition.opinion_id).update(closed_on=closed_on)
    return petition


def test_retention_erases_what_is_due_and_nothing_else(world, published):
    today = timezone.localdate()
    old = _comment(published, "old@example.org", days_ago=400)
    young = _comment(published, "young@example.org", days_ago=100)
    rejected = _comment(published, "spam@example.org", CommentState.REJECTED, days_ago=100)
    due_petition = _closed_petition(world, today - 400 * DAY)
    kept_petition = _closed_petition(world, today - 100 * DAY)
    throttle.admit("comment", "10.0.0.1", now=timezone.now() - 3 * DAY)
    throttle.admit("comment", "10.0.0.2")

    printed = _retention(today + DAY)

    assert "portal.comments" in printed and "portal.petitions" in printed
    old.refresh_from_db(), young.refresh_from_db(), rejected.refresh_from_db()
    assert old.email == "" and old.name == "Nguyễn Văn Bình"  # published with the article
    assert old.text == "Ý kiến." and old.anonymised_at is not None
    assert young.email == "young@example.org"
    assert rejected.email == "" and rejected.name == "Bạn đọc"
    due, kept = (Petition.objects.get(pk=p.pk) for p in (due_petition, kept_petition))
    assert due.email == "" and due.contact_erased_at is not None
    assert Opinion.objects.get(pk=due.opinion_id).submitter_name == ""
    assert Opinion.objects.get(pk=due.opinion_id).answer == "Đã sửa."  # the matter stays
    assert kept.email == "hung@example.org"
    assert Opinion.objects.get(pk=kept.opinion_id).submitter_name == "Lê Văn Hùng"
    assert Submission.objects.count() == 1
    run = RetentionRun.objects.filter(dry_run=False).latest("started_at")
    assert run.counts["portal.comments"] == 2 and run.counts["portal.petitions"] == 1
    assert run.counts["portal.submissions"] == 1
    assert AuditEntry.objects.filter(action=PortalAudit.CONTACT_ERASED).count() == 3

    _retention(today + DAY)  # a second run: nothing left to do
    again = RetentionRun.objects.filter(dry_run=False).latest("started_at")
    assert again.pk != run.pk and again.counts["portal.comments"] == 0
    assert again.counts["portal.petitions"] == 0


def test_opinions_heard_keep_their_submitter_two_years_after_closing(world):
    topic = OpinionTopic.objects.filter(active=True).first()
    staff = world.users["staff"]
    heard = opinions.record_opinion(
        actor=staff,
        received_on=date(2020, 3, 1),
        source="citizen",
        channel="staff",
        text="Ý kiến tại hội nghị.",
        topic=topic,
        org=world.org("kim-long"),
        received_by=world.org("tam-duong"),
        submitter_name="Phạm Văn Cường",
        submitter_contact="0912 000 111",
        consent=True,
    )
    opinions.close_opinion(actor=staff, opinion=heard, note="Đã giải thích tại hội nghị.")
    Opinion.objects.filter(pk=heard.pk).update(closed_on=date(2020, 3, 10))
    _retention(date(2022, 3, 1))  # less than two years after closing
    assert Opinion.objects.get(pk=heard.pk).submitter_name == "Phạm Văn Cường"
    _retention(date(2022, 3, 11))
    after = Opinion.objects.get(pk=heard.pk)
    assert after.submitter_name == "" and after.submitter_contact == "" and not after.consent
    assert after.text == "Ý kiến tại hội nghị."


def test_the_register_lists_the_portals_activities():
    out = StringIO()
    call_command("retention", "--register", stdout=out)
    text = out.getvalue()
    for code in ("portal.comments", "portal.petitions", "portal.submissions", "oversight.opinions"):
        assert code in text
    assert "quan điểm chính trị" in text  # declared sensitive


def test_the_daily_job_runs_once_a_day(world):
    from dangbo.privacy.tasks import run_if_due

    now = timezone.make_aware(datetime.combine(timezone.localdate(), time(2, 30)))
    assert run_if_due(now) is not None
    assert run_if_due(now + timedelta(hours=5)) is None  # already ran today
    assert run_if_due(now + timedelta(hours=25)) is not None
