"""The public forms' guards: rate limits per address and per email (refusals not counted),
the honeypot, the fill time, the link limit; keys never hold the address itself."""

import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangbo.portal import throttle
from dangbo.portal.models import Submission

pytestmark = pytest.mark.django_db


def test_an_address_is_limited_and_refusals_are_not_counted(portal_settings):
    now = timezone.now()
    for _ in range(5):
        assert throttle.admit("comment", "10.0.0.1", now=now) is None
    refusal = throttle.admit("comment", "10.0.0.1", now=now)
    assert refusal is not None and refusal.status == 429 and refusal.retry_after > 0
    assert "thử lại sau" in refusal.message
    assert Submission.objects.count() == 5  # the refused sixth is not counted
    assert throttle.admit("comment", "10.0.0.2", now=now) is None  # another address
    assert throttle.admit("petition", "10.0.0.1", now=now) is None  # another form
    later = now + timedelta(seconds=3601)
    assert throttle.admit("comment", "10.0.0.1", now=later) is None  # the window has passed


def test_an_email_is_limited_across_addresses(portal_settings):
    for i in range(3):
        assert throttle.admit("comment", f"10.0.1.{i}", "a@example.org") is None
    assert throttle.admit("comment", "10.0.1.9", "A@Example.org ") is not None


def test_keys_are_keyed_hashes():
    throttle.admit("comment", "192.168.1.20", "a@example.org")
    row = Submission.objects.get()
    assert "192.168" not in row.address_key and "example" not in row.email_key
    assert row.address_key == throttle.key("192.168.1.20") and len(row.address_key) == 64


def test_old_submissions_are_purged():
    now = timezone.now()
    throttle.admit("comment", "10.0.0.1", now=now - timedelta(days=2))
    throttle.admit("comment", "10.0.0.1", now=now)
    assert throttle.purge(now) == 1 and Submission.objects.count() == 1


def test_the_honeypot_is_answered_silently():
    refusal = throttle.check_form(
        {throttle.HONEYPOT: "http://spam", throttle.STAMP: throttle.stamp()}
    )
    assert refusal is not None and refusal.silent


def test_the_fill_time(settings):
    settings.PORTAL = {**settings.PORTAL, "MIN_FILL_SECONDS": 3}
    stamp = throttle.stamp()
    assert throttle.check_form({throttle.STAMP: stamp}).status == 400  # at once: too fast
    assert throttle.check_form({throttle.STAMP: stamp}, now=time.time() + 5) is None
    assert throttle.check_form({throttle.STAMP: "forged"}, now=time.time() + 5).status == 400
    assert throttle.check_form({}, now=time.time() + 5).status == 400
    old = throttle.check_form({throttle.STAMP: stamp}, now=time.time() + 2 * 86400)
    assert old is not None and "hết hạn" in old.message


def test_links_are_limited():
    throttle.check_links("xem http://a.vn và www.b.vn", "Ý kiến", "text")
    with pytest.raises(ValidationError) as exc:
        throttle.check_links("http://a.vn http://b.vn bit.com", "Ý kiến", "text")
    assert exc.value.message_dict["text"][0].startswith("Ý kiến")
