"""``dangbo schemes``: a new scheme is data (levels, bands, quota), no code change; the
quota of a scheme whose text is unverified is switched on or off, audited."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangbo.core.models import AuditEntry
from dangbo.reviews import schemes, services
from dangbo.reviews.models import Scheme, SchemeLevel

pytestmark = pytest.mark.django_db

SCHEME = {
    "code": "qd-2030-member",
    "name": "Thang 100 điểm (2030) — đảng viên",
    "subject": "member",
    "first_year": 2030,
    "scored": True,
    "general_max": 40,
    "tasks_max": 60,
    "quota": {"enabled": True, "rate": 0.15, "level": "xs", "base": "tot"},
    "levels": [
        {"code": "xs", "name": "Xuất sắc", "common_rank": 1, "min_score": 92, "max_score": 100},
        {"code": "tot", "name": "Tốt", "common_rank": 2, "min_score": 75, "max_score": 92},
        {"code": "dat", "name": "Đạt", "common_rank": 3, "min_score": 50, "max_score": 75},
        {
            "code": "khong-dat",
            "name": "Không đạt",
            "common_rank": 4,
            "min_score": 0,
            "max_score": 50,
        },
    ],
}
DOC = ["--doc-number", "99-QĐ/TW", "--doc-issuer", "Bộ Chính trị", "--doc-date", "2026-01-15"]


@pytest.fixture(autouse=True)
def _schemes():
    schemes.load()


def _run(*args) -> str:
    out = StringIO()
    call_command("schemes", *args, stdout=out)
    return out.getvalue()


def _file(tmp_path, data) -> str:
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_a_new_scheme_is_data(tmp_path):
    assert "Đã thêm" in _run("add", _file(tmp_path, SCHEME), *DOC)
    scheme = services.scheme_for("member", 2030)
    assert scheme.code == "qd-2030-member" and scheme.document.number == "99-QĐ/TW"
    assert services.scheme_for("member", 2029).code == "qd366-member"  # earlier years unchanged
    assert [lv.code for lv in scheme.levels.all()] == ["xs", "tot", "dat", "khong-dat"]
    assert scheme.quota_enabled and str(scheme.quota_rate) == "0.150"
    assert "qd-2030-member" in _run("list") and "[92.00, 100.00)" in _run("show", scheme.code)


def test_quota_switch_is_audited():
    before = AuditEntry.objects.count()
    _run("quota", "qd366-member", "on", "--rate", "0.2", "--note", "Đã đối chiếu văn bản")
    scheme = Scheme.objects.get(code="qd366-member")
    assert scheme.quota_enabled and scheme.quota_note == "Đã đối chiếu văn bản"
    _run("quota", "qd366-member", "off")
    assert not Scheme.objects.get(code="qd366-member").quota_enabled
    assert list(AuditEntry.objects.filter(pk__gt=before).values_list("action", flat=True)) == [
        "review.quota_set",
        "review.quota_set",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "Sai Mã"}, "Mã"),
        ({"code": "qd366-member"}, "đã có"),
        ({"subject": "cell"}, "Đối tượng"),
        ({"first_year": "2030"}, "Áp dụng từ năm"),
        ({"levels": [{"code": "xs", "name": "Xuất sắc", "common_rank": 1}]}, "ít nhất hai"),
        ({"levels": SCHEME["levels"][:1] * 2}, "bị trùng"),
        ({"quota": {"enabled": True, "rate": 2, "level": "xs", "base": "tot"}}, "Tỷ lệ"),
    ],
)
def test_bad_scheme_changes_nothing(tmp_path, change, message):
    from dangbo.core.models import LegalDocument

    counts = (
        Scheme.objects.count(),
        SchemeLevel.objects.count(),
        LegalDocument.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(CommandError, match=message):
        _run("add", _file(tmp_path, {**SCHEME, **change}), *DOC)
    assert counts == (
        Scheme.objects.count(),
        SchemeLevel.objects.count(),
        LegalDocument.objects.count(),
        AuditEntry.objects.count(),
    )


def test_bad_file_and_unknown_scheme(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON"):
        _run("add", str(broken), *DOC)
    with pytest.raises(CommandError, match="Không có cách xếp loại"):
        _run("quota", "khong-co", "on")
    with pytest.raises(CommandError, match="Tỷ lệ"):
        _run("quota", "qd366-member", "on", "--rate", "1.5")
