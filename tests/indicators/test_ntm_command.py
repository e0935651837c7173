"""``dangbo ntm``: list and show the sets; add a set from a JSON or YAML file."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangbo.indicators import ntm_sets
from dangbo.indicators.models import NtmSet

pytestmark = pytest.mark.django_db

NEW_SET = {
    "code": "qd77-2031",
    "name": "Bộ tiêu chí quốc gia về nông thôn mới giai đoạn 2031 - 2035",
    "document": {"number": "77/2030/QĐ-TTg", "issuer": "Thủ tướng Chính phủ", "date": "2026-11-30"},
    "valid_from": "2031-01-01",
    "commune_groups": 3,
    "criteria": [
        {"number": 1, "name": "Quy hoạch", "group": ""},
        {"number": 2, "name": "Hạ tầng", "group": "", "verified": False},
    ],
}


@pytest.fixture
def sets(world):
    ntm_sets.load()


def _run(*args) -> str:
    out = StringIO()
    call_command("ntm", *args, stdout=out)
    return out.getvalue()


def test_list_and_show(sets):
    listed = _run("sets")
    assert "qd1980-2016" in listed and "[chưa đối chiếu]" in listed
    shown = _run("show", "qd51-2025")
    assert "10. Tiếp cận pháp luật và an ninh, quốc phòng" in shown
    with pytest.raises(CommandError, match="Không có bộ tiêu chí"):
        _run("show", "nope")


def test_add_set_from_json(sets, tmp_path):
    path = tmp_path / "set.json"
    path.write_text(json.dumps(NEW_SET, ensure_ascii=False), encoding="utf-8")
    assert "Đã thêm bộ tiêu chí qd77-2031" in _run("add-set", str(path))
    new = NtmSet.objects.get(code="qd77-2031")
    assert new.commune_groups == 3
    assert not new.criteria.get(number=2).verified
    assert NtmSet.objects.get(code="qd51-2025").valid_to == date(2030, 12, 31)
    with pytest.raises(CommandError, match="code"):
        _run("add-set", str(path))  # the code is taken


def test_add_set_from_yaml(sets, tmp_path):
    yaml = pytest.importorskip("yaml")
    path = tmp_path / "set.yaml"
    path.write_text(yaml.safe_dump(NEW_SET, allow_unicode=True), encoding="utf-8")
    _run("add-set", str(path))
    assert NtmSet.objects.filter(code="qd77-2031").exists()


def test_bad_files(sets, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON"):
        _run("add-set", str(broken))
    with pytest.raises(CommandError, match="Không đọc được"):
        _run("add-set", str(tmp_path / "missing.json"))
    no_criteria = tmp_path / "empty.json"
    no_criteria.write_text(json.dumps({**NEW_SET, "criteria": []}), encoding="utf-8")
    with pytest.raises(CommandError, match="criteria"):
        _run("add-set", str(no_criteria))
    assert not NtmSet.objects.filter(code="qd77-2031").exists()
