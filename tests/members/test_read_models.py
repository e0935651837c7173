"""The member read models: what a reader may see is built beside the stored rows, never
written onto them (a later save cannot persist a redaction)."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.members import queries
from dangbo.members.choices import EventKind, ExemptionCategory
from dangbo.members.models import BadgeAward, Exemption, MemberEvent

pytestmark = pytest.mark.django_db


def test_timeline_redacts_in_the_read_model_only(world):
    an = world.members["an"]
    event = MemberEvent.objects.create(
        member=an,
        kind=EventKind.BADGE,
        effective_date=date(2029, 5, 19),
        data={"milestone": 30, "early": True},
    )
    hidden = {e.id: e for e in queries.timeline(an)}
    shown = {e.id: e for e in queries.timeline(an, sensitive=True)}
    assert hidden[event.pk].data["early"] is False and shown[event.pk].data["early"] is True
    assert MemberEvent.objects.get(pk=event.pk).data["early"] is True
    first = queries.timeline(an)[0]
    assert first.is_admission and first.kind_label == "Kết nạp"
    assert first.to_code == "kl-thon-1" and first.from_code is None


def test_exemptions_and_badges_hide_health_without_touching_rows(world):
    an = world.members["an"]
    Exemption.objects.create(
        member=an, category=ExemptionCategory.HEALTH, valid_from=date(2020, 1, 1)
    )
    BadgeAward.objects.create(member=an, milestone=30, award_date=date(2029, 2, 3), early=True)
    (row,) = queries.exemptions(an)
    assert row.category == ExemptionCategory.OTHER and row.category_label == "Khác"
    assert queries.exemptions(an, sensitive=True)[0].category == ExemptionCategory.HEALTH
    assert [b.early for b in queries.badges(an)] == [False]
    assert [b.early for b in queries.badges(an, sensitive=True)] == [True]
    assert Exemption.objects.get(member=an).category == ExemptionCategory.HEALTH
    assert BadgeAward.objects.get(member=an).early is True


def test_member_page_says_where_the_member_was_admitted(client, world):
    client.force_login(world.users["staff"])
    an = world.members["an"]
    page = client.get(reverse("members:detail", args=[an.pk])).content.decode()
    assert "tại Chi bộ thôn" in " ".join(page.split())
