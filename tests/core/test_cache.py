"""core.cache: figures cached per data version; the version read once per request and
forgotten as soon as the request writes."""

import pytest

from dangbo.core import audit, cache, context
from dangbo.core.models import AuditEntry
from dangbo.members.choices import MemberAudit

pytestmark = pytest.mark.django_db


def _write() -> None:
    audit.record(actor=None, action=MemberAudit.SENSITIVE_SEARCH, object_type="t", object_id="1")


def test_a_request_reads_the_version_once_and_sees_its_own_write(world, django_assert_num_queries):
    token = context.bind(context.ActContext())
    try:
        first = cache.data_version()
        with django_assert_num_queries(0):
            assert cache.data_version() == first
        calls = []
        assert cache.versioned(("t", 1), lambda: calls.append(1) or "old") == "old"
        assert cache.versioned(("t", 1), lambda: calls.append(1) or "new") == "old"
        _write()
        assert cache.data_version() == AuditEntry.objects.latest("id").pk > first
        assert cache.versioned(("t", 1), lambda: calls.append(1) or "new") == "new"
        assert len(calls) == 2
    finally:
        context.unbind(token)


def test_outside_a_request_every_call_asks_the_database(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        cache.data_version()
        cache.data_version()


def test_another_request_reads_it_again(world, django_assert_num_queries):
    for _ in range(2):
        token = context.bind(context.ActContext())
        try:
            with django_assert_num_queries(1):
                cache.data_version()
                cache.data_version()
        finally:
            context.unbind(token)


def test_concurrent_requests_compute_a_figure_once():
    """Twenty requests after a change: the first computes, the others wait and reuse it."""
    import threading
    import time

    calls = []
    started = threading.Event()
    release = threading.Event()

    def compute():
        calls.append(1)
        started.set()
        release.wait(5)
        return "figure"

    results = []

    def ask():
        results.append(cache.versioned(("herd", 1), compute, version=7))

    first = threading.Thread(target=ask)
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=ask) for _ in range(5)]
    for t in others:
        t.start()
    time.sleep(0.2)  # let them reach the cache and find it empty while the first computes
    release.set()
    for t in [first, *others]:
        t.join(5)
    assert results == ["figure"] * 6 and len(calls) == 1
    assert cache.versioned(("herd", 1), compute, version=8) == "figure" and len(calls) == 2
