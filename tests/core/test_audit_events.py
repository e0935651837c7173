"""Audit actions are named events (issue 10, item 6): every ``audit.record`` call and every
export names a member of an app's ``AuditEvent`` enumeration, never a string built on the spot;
each event's stored value is unique across the apps and has a label for the audit log page."""

import ast
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse

import dangbo
from dangbo.core import audit
from dangbo.core.choices import AuditEvent

SRC = Path(dangbo.__file__).parent
# The functions whose ``action`` is an audit action.
RECORDERS = {"record", "record_export"}


def _calls():
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in RECORDERS:
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    yield f"{path.relative_to(SRC)}:{node.lineno}", keyword.value


def test_the_walk_finds_the_recorders():
    assert len(list(_calls())) >= 60


def test_no_action_is_a_string_built_on_the_spot():
    offenders = [
        f"{where}: action={ast.unparse(value)}"
        for where, value in _calls()
        if any(
            isinstance(n, ast.JoinedStr)
            or (isinstance(n, ast.Constant) and isinstance(n.value, str))
            for n in ast.walk(value)
        )
    ]
    assert offenders == []


def test_event_values_are_unique_across_apps():
    values = Counter(event.value for cls in audit.event_classes() for event in cls)
    assert [value for value, n in values.items() if n > 1] == []


def test_every_app_that_records_declares_its_events():
    names = {cls.__name__ for cls in audit.event_classes()}
    assert {
        "CoreAudit",
        "OrgAudit",
        "MemberAudit",
        "RegistryAudit",
        "ImportAudit",
        "MeetingAudit",
        "OversightAudit",
        "OpinionAudit",
        "ReviewAudit",
        "DemoAudit",
    } <= names


@pytest.mark.parametrize("event", sorted(audit.events().values()), ids=str)
def test_each_event_has_a_label_and_a_dotted_value(event):
    assert isinstance(event, AuditEvent)
    assert event.value.count(".") == 1 and len(event.value) <= 64
    assert str(event.label) and str(event.label) != event.value


def test_label_of_a_stored_action():
    assert audit.label("member.admitted") == "Kết nạp đảng viên"
    assert audit.label("system.note") == "system.note"  # not a declared event: shown as stored


@pytest.mark.django_db
def test_the_audit_log_page_names_the_event(client, world):
    client.force_login(world.users["auditor"])
    page = client.get(reverse("core:audit")).content.decode()
    assert "Kết nạp đảng viên" in page and "member.admitted" in page
