"""``dangbo topics``: the opinion topic list is data, changed through audited services."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangbo.core.models import AuditEntry
from dangbo.oversight.models import OpinionTopic

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("topics", *args, stdout=out)
    return out.getvalue()


def test_list_add_retire_restore():
    listed = _run("list")
    assert "dat-dai" in listed and "Thủ tục hành chính" in listed
    before = AuditEntry.objects.count()
    assert "Đã thêm" in _run("add", "le-hoi", "Lễ hội, tín ngưỡng")
    topic = OpinionTopic.objects.get(code="le-hoi")
    assert topic.active and topic.position > OpinionTopic.objects.get(code="khac").position
    _run("retire", "le-hoi")
    assert not OpinionTopic.objects.get(code="le-hoi").active
    assert "(ngừng dùng)" in _run("list")
    _run("restore", "le-hoi")
    assert OpinionTopic.objects.get(code="le-hoi").active
    actions = list(AuditEntry.objects.filter(pk__gt=before).values_list("action", flat=True))
    assert actions == ["opinion.topic_added", "opinion.topic_retired", "opinion.topic_restored"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "Lễ Hội", "x"), "Mã lĩnh vực"),
        (("add", "dat-dai", "Đất"), "đã có"),
        (("add", "moi", "  "), "Tên lĩnh vực"),
        (("retire", "khong-co"), "Không có lĩnh vực"),
        (("restore", "dat-dai"), "đang dùng"),
    ],
)
def test_bad_input_changes_nothing(args, message):
    before = (OpinionTopic.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert (OpinionTopic.objects.count(), AuditEntry.objects.count()) == before
