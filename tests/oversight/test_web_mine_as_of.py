""" "My organisations" answers for any date: the quarter of that date, and a bad date says so."""

import pytest
from django.urls import reverse

from dangbo.members.models import Member

pytestmark = pytest.mark.django_db


def test_mine_as_of_a_date(client, world):
    Member.objects.filter(pk=world.members["an"].pk).update(user=world.users["committee"])
    client.force_login(world.users["committee"])
    url = reverse("oversight:mine")
    page = client.get(url, {"ngay": "15/11/2016"}).content.decode()
    assert "Quý 4/2016 (01/10/2016–31/12/2016)" in page and 'value="15/11/2016"' in page
    bad = client.get(url, {"ngay": "31/02/2016"}).content.decode()
    assert "Kỳ số liệu: tháng 2/2016 không có ngày 31" in bad and 'role="alert"' in bad
    assert "Quý 4/2016" in bad  # the period stays 15/11/2016
