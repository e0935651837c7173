"""Who may move an opinion on (oversight/permissions.py): the committee that received it
steers it, the organisation it was assigned to handles it; the submitter's identity needs
a sensitive grant and every read of it is logged."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from dangbo.core.models import AuditEntry
from dangbo.oversight import permissions, services
from dangbo.oversight.models import OpinionTopic
from dangbo.oversight.services import TRANSITIONS

pytestmark = pytest.mark.django_db

OWNER_OPS = {"assign", "close"}
HANDLER_OPS = {"start", "answer", "return", "escalate"}


def opinion(world, org="kl-thon-1", received_by="tam-duong", **kw):
    return services.record_opinion(
        actor=None,
        received_on=date(2016, 2, 5),
        source="citizen",
        channel="staff",
        text="Đường thôn xuống cấp",
        topic=OpinionTopic.objects.get(code="ha-tang"),
        org=world.org(org),
        received_by=world.org(received_by),
        **kw,
    )


def assigned(world, to="kim-long", **kw):
    return services.assign_opinion(
        actor=None,
        opinion=opinion(world, **kw),
        to_org=world.org(to),
        deadline=date(2016, 3, 5),
        on=date(2016, 2, 6),
    )


def ops(world, user, op):
    return set(permissions.allowed_ops(world.users[user], op))


def test_received_opinion_is_steered_by_the_receiving_committee(world):
    op = opinion(world)
    steer = {"assign", "close", "answer"}  # answered on the spot by whoever heard it
    for user in ("admin", "staff", "committee", "root"):
        assert ops(world, user, op) == steer, user
    for user in ("secretary", "auditor", "sensitive_staff", "outsider", "member", "nobody"):
        assert ops(world, user, op) == set(), user
    assert permissions.allowed_ops(AnonymousUser(), op) == []


def test_assigned_opinion_is_handled_by_the_assignee(world):
    op = assigned(world)  # received by tam-duong, assigned to kim-long
    assert ops(world, "sensitive_staff", op) == HANDLER_OPS  # org_staff on kim-long
    assert ops(world, "committee", op) == {"assign"}  # may re-assign; cannot handle
    assert ops(world, "staff", op) == HANDLER_OPS | {"assign"}  # both sides (tam-duong)
    assert ops(world, "root", op) == HANDLER_OPS | {"assign"}
    for user in ("secretary", "auditor", "outsider", "member", "nobody"):
        assert ops(world, user, op) == set(), user


def test_handler_outside_the_receivers_scope(world):
    op = assigned(world, to="kim-long", org="kl-thon-1", received_by="kim-long")
    # received and assigned within kim-long: its staff steer and handle
    assert ops(world, "sensitive_staff", op) == HANDLER_OPS | {"assign"}
    assigned_out = services.assign_opinion(
        actor=None,
        opinion=services.return_opinion(
            actor=None, opinion=op, reason="Thuộc thẩm quyền thị trấn", on=date(2016, 2, 7)
        ),
        to_org=world.org("hop-hoa"),
        deadline=date(2016, 3, 5),
        on=date(2016, 2, 8),
    )
    assert ops(world, "sensitive_staff", assigned_out) == {"assign"}
    assert ops(world, "staff", assigned_out) == HANDLER_OPS | {"assign"}


def test_answered_and_closed_opinions(world):
    op = assigned(world)
    op = services.answer_opinion(
        actor=None, opinion=op, answer="Đã sửa", approved_by="Chủ tịch", on=date(2016, 2, 10)
    )
    assert ops(world, "committee", op) == {"reopen", "close"}
    assert ops(world, "sensitive_staff", op) == set()  # the handler is done
    op = services.close_opinion(actor=None, opinion=op, on=date(2016, 2, 11))
    for user in ("root", "admin", "staff", "committee", "sensitive_staff"):
        assert ops(world, user, op) == set(), user


def test_returned_and_escalated_go_back_to_the_owner(world):
    op = services.escalate_opinion(
        actor=None, opinion=assigned(world), reason="Vượt thẩm quyền", on=date(2016, 2, 7)
    )
    assert ops(world, "committee", op) == {"assign", "close"}
    assert ops(world, "sensitive_staff", op) == set()


def test_may_matches_transitions_and_unknown_ops(world):
    op = opinion(world)
    admin = world.users["root"]
    assert permissions.may(admin, "fly", op) is False
    for name, (states, _to, _side) in TRANSITIONS.items():
        assert permissions.may(admin, name, op) is (op.state in states), name
    assert set(permissions.allowed_ops(world.users["staff"], op)) <= OWNER_OPS | {"answer"}


# -- the submitter's identity ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        ("sensitive_staff", True),  # org_staff on kim-long with the sensitive grant
        ("admin", True),  # sensitive grant on tam-duong
        ("root", True),
        ("staff", False),  # in scope, no sensitive grant
        ("committee", False),
        ("auditor", False),
        ("secretary", False),
        ("outsider", False),  # sensitive, but on vinh-tuong
        ("member", False),
        ("nobody", False),
    ],
)
def test_may_see_submitter(world, user, visible):
    op = opinion(world, submitter_name="Ông Ba", submitter_contact="0912 345 678", consent=True)
    assert permissions.may_see_submitter(world.users[user], op) is visible


def test_sensitive_grant_on_the_receiving_committee_is_enough(world):
    # heard in hh-tdp-1 (outside kim-long): kim-long's sensitive grant does not reach it
    op = opinion(world, org="hh-tdp-1", submitter_name="Bà Tư")
    assert permissions.may_see_submitter(world.users["sensitive_staff"], op) is False
    assert permissions.may_see_submitter(world.users["admin"], op) is True
    assert permissions.may_see_submitter(AnonymousUser(), op) is False


def test_submitter_read_is_logged(world):
    op = opinion(world, submitter_name="Ông Ba", submitter_contact="0912 345 678", consent=True)
    before = AuditEntry.objects.count()
    shown = permissions.submitter(world.users["sensitive_staff"], op, channel="api")
    assert shown == {"name": "Ông Ba", "contact": "0912 345 678"}
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "opinion.sensitive_read"
    assert entry.actor == world.users["sensitive_staff"] and "api" in entry.summary
    assert entry.object_id == str(op.pk)


def test_submitter_hidden_without_the_grant(world):
    op = opinion(world, submitter_name="Ông Ba")
    before = AuditEntry.objects.count()
    assert permissions.submitter(world.users["staff"], op) is None
    assert permissions.submitter(AnonymousUser(), op) is None
    assert AuditEntry.objects.count() == before


def test_submitter_not_recorded(world):
    op = opinion(world)
    before = AuditEntry.objects.count()
    assert permissions.submitter(world.users["sensitive_staff"], op) == {}
    assert permissions.submitter(world.users["staff"], op) == {}
    assert AuditEntry.objects.count() == before
