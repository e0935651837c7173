"""Card and ID numbers as people type or copy them ("83.016532", "83 016532", "8301 6532")
find the member in the search, the list, the type-ahead, the member fields and the API; the
record's form and API store them compacted the same way."""

import pytest
from django.test import Client
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.core.services import issue_token
from dangbo.members import fields, queries
from dangbo.members import services as svc
from dangbo.members.models import Member
from tests.api.conftest import Api
from tests.conftest import _member

pytestmark = pytest.mark.django_db

CARD = "83016532"
TYPED = [
    "83016532",
    "83.016532",
    "83 016532",
    "8301 6532",
    "83-016532",
    " 83.016.532 ",
    "８３０１６５３２",
]


@pytest.fixture
def carded(world):
    _member(world, "the", "kl-thon-2", "Đặng Văn Thẻ", card_number=CARD)
    _member(world, "zero", "kl-thon-2", "Đặng Văn Không", card_number="03016532")
    return world


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("typed", TYPED)
def test_search_finds_the_card_however_typed(carded, typed):
    found = list(queries.search(Member.objects.all(), typed))
    assert [m.full_name for m in found] == ["Đặng Văn Thẻ"]


def test_the_digits_of_a_search(carded):
    assert {queries.search_digits(t) for t in TYPED} == {CARD}
    assert queries.search_digits("026 180 001 234") == "026180001234"
    assert queries.search_digits("3016532") == "03016532"  # a spreadsheet dropped the zero
    assert queries.search_digits("26180001234") == "026180001234"
    for text in ("nguyen", "123", "83.01a6532", "830165321", "", None):
        assert queries.search_digits(text) == ""


def test_a_dropped_leading_zero_still_finds(carded):
    found = list(queries.search(Member.objects.all(), "3016532"))
    assert [m.full_name for m in found] == ["Đặng Văn Không"]


def test_an_id_number_however_typed_only_with_the_grant(carded):
    admin, staff = carded.users["admin"], carded.users["staff"]
    for typed in ("026 180 001 234", "026.180.001.234", "26180001234"):
        found = list(queries.search(Member.objects.all(), typed, admin))
        assert [m.full_name for m in found] == ["Nguyễn Thị Hương"], typed
        assert list(queries.search(Member.objects.all(), typed, staff)) == []
    assert AuditEntry.objects.filter(action="member.sensitive_search").count() == 3


def test_the_list_page_and_the_picker(carded):
    client = client_for(carded, "staff")
    for typed in ("83.016532", "83 016532", "8301 6532"):
        html = client.get(reverse("members:list"), {"q": typed}).content.decode()
        assert "Đặng Văn Thẻ" in html and "Đặng Văn Không" not in html, typed
        picked = client.get(reverse("members:pick"), {"q": typed}).json()
        assert [r["name"] for r in picked["results"]] == ["Đặng Văn Thẻ"], typed
    # Out of scope: never found, however typed.
    outsider = client_for(carded, "outsider")
    assert outsider.get(reverse("members:pick"), {"q": "83.016532"}).json()["count"] == 0


def test_a_member_field_takes_the_card_however_typed(carded):
    for typed in ("83.016532", "8301 6532"):
        found = fields.resolve(carded.users["staff"], typed, "Đảng viên")
        assert found.full_name == "Đặng Văn Thẻ"


def test_the_export_log_keeps_no_typed_number(carded):
    client = client_for(carded, "admin")
    response = client.get(reverse("members:export"), {"q": "83.016532"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Đặng Văn Thẻ" in text
    entry = AuditEntry.objects.filter(action="member.exported").latest("id")
    assert entry.after["filters"]["q"] == "***"


@pytest.fixture
def api(carded) -> Api:
    return Api(
        {
            name: issue_token(actor=None, user=user, name=f"test {name}")
            for name, user in carded.users.items()
        }
    )


def test_the_api_search_and_write(carded, api):
    for typed in ("83.016532", "8301 6532"):
        items = api.get("staff", "/members/", q=typed).json()["items"]
        assert [m["full_name"] for m in items] == ["Đặng Văn Thẻ"], typed
    dung = carded.members["dung"]
    response = api.patch("staff", f"/members/{dung.pk}", {"card_number": "83.016 599"})
    assert response.status_code == 200, response.content
    assert response.json()["card_number"] == "83016599"
    # The same number, typed otherwise, is the same number: taken.
    taken = api.patch("staff", f"/members/{carded.members['an'].pk}", {"card_number": "8301.6599"})
    assert taken.status_code == 422
    assert "đã được sử dụng" in taken.content.decode()


def test_the_form_and_the_service_store_it_compacted(carded):
    an = carded.members["an"]
    svc.update_member(actor=None, member=an, data={"card_number": "83 016 577"})
    an.refresh_from_db()
    assert an.card_number == "83016577"
    dung = carded.members["dung"]
    client = client_for(carded, "staff")
    url = reverse("members:action", args=[dung.pk, "sua-ho-so"])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(card_number="83.016.588", date_of_birth=dung.date_of_birth.strftime("%d/%m/%Y"))
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    dung.refresh_from_db()
    assert dung.card_number == "83016588"
    html = client.get(reverse("members:list"), {"q": "83 016 588"}).content.decode()
    assert "Phạm Thị Dung" in html
