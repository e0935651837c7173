"""Ids in form values are never localised: with the thousands separator on, "12.345"
would silently stop the form working once ids pass 999."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.orgs.models import Position

pytestmark = pytest.mark.django_db


def test_end_position_form_carries_the_raw_id(client, world):
    Position.objects.create(
        pk=12345,
        member=world.members["an"],
        org=world.org("kl-thon-1"),
        title="secretary",
        valid_from=date(2015, 3, 1),
    )
    client.force_login(world.users["staff"])
    page = client.get(reverse("orgs:detail", args=["kl-thon-1"])).content.decode()
    url = reverse("orgs:action", args=["kl-thon-1", "thoi-chuc-vu"])
    assert f"{url}?chuc-vu=12345" in page
    form = client.get(url, {"chuc-vu": "12345"}).content.decode()
    assert '<option value="12345" selected>' in form
    response = client.post(
        reverse("orgs:action", args=["kl-thon-1", "thoi-chuc-vu"]),
        {"position": "12345", "valid_to": "01/01/2017"},
    )
    assert response.status_code == 302
    assert Position.objects.get(pk=12345).valid_to == date(2017, 1, 1)
