"""Rule 23 under concurrency: two decisions at once in one peer group cannot both pass the
quota, because the decide service takes the cycle's row before it counts. PostgreSQL only:
SQLite lets one writer at a time and has no row locks to test."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from dangbo.reviews import services
from dangbo.reviews.models import Evaluation
from dangbo.reviews.schemes import load

from .test_services import cycle, five_good, proposed

pytestmark = [
    # Skipped before any fixture writes: SQLite's flush would meet the append-only audit log.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


def test_two_decisions_at_once_keep_within_the_quota(world):
    load()  # migration data, gone after a transactional flush
    c = cycle(world, year=2023)
    five_good(world, c)  # five rated good: 20% allows one excellent
    first = proposed(world, c, "htxs", member=world.members["huong"])
    second = proposed(world, c, "htxs", member=world.members["x2"])
    body = world.org("kim-long")
    decided_first, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def decide_first_and_wait():
        """Decides, then keeps its transaction open until told to commit."""
        try:
            with transaction.atomic():
                services.decide(actor=None, evaluation=first, level="htxs", by_org=body)
                decided_first.set()
                release.wait(20)
        finally:
            decided_first.set()
            connections.close_all()  # this thread's own connection

    def decide_second():
        try:
            services.decide(actor=None, evaluation=second, level="htxs", by_org=body)
            outcome["second"] = "decided"
        except ValidationError as exc:
            outcome["second"] = exc
        finally:
            connections.close_all()

    a = threading.Thread(target=decide_first_and_wait)
    a.start()
    assert decided_first.wait(20)
    b = threading.Thread(target=decide_second)
    b.start()
    b.join(1.0)
    waited = b.is_alive()  # for the first decision's transaction to end
    release.set()
    a.join(20)
    b.join(20)
    assert not a.is_alive() and not b.is_alive()
    assert waited
    refused = outcome["second"]
    assert isinstance(refused, ValidationError), refused
    assert "tối đa 1" in " ".join(refused.messages)
    assert Evaluation.objects.filter(cycle=c, final_level__code="htxs").count() == 1
