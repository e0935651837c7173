"""A download asked for with ?tai=<token> answers with the cookie dangbo_tai=<token>, so that
the page waiting with "Đang chuẩn bị tệp…" (app.js) knows the file has come."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("token", "cookie"),
    [("1733250000123456", "1733250000123456"), ("abc", None), ("1" * 40, None), ("", None)],
)
def test_download_token_becomes_a_cookie(client, world, token, cookie):
    client.force_login(world.users["staff"])
    response = client.get(reverse("members:export"), {"tai": token} if token else {})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    got = response.cookies.get("dangbo_tai")
    assert (got.value if got else None) == cookie
    if got:
        assert got["max-age"] == 60 and not got["httponly"]


def test_a_page_never_gets_the_cookie(client, world):
    client.force_login(world.users["staff"])
    response = client.get(reverse("members:list"), {"tai": "1733250000123456"})
    assert response.status_code == 200 and "dangbo_tai" not in response.cookies
