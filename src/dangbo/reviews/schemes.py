"""The schemes each year's review used (brief §5, rule 21), as data: the initial migration
loads them; an office can add a later scheme the same way without code."""

from datetime import date
from typing import Any

from .choices import Subject

TSVM_ORG_LEVELS = [
    ("tsvm_tieu_bieu", "Trong sạch, vững mạnh tiêu biểu", 1),
    ("tsvm", "Trong sạch, vững mạnh", 2),
    ("htt", "Hoàn thành tốt nhiệm vụ", 3),
    ("ht", "Hoàn thành nhiệm vụ", 3),
    ("yeu_kem", "Yếu kém", 4),
]
TSVM_MEMBER_LEVELS = [
    ("dtc_htxs", "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ", 1),
    ("dtc_htt", "Đủ tư cách, hoàn thành tốt nhiệm vụ", 2),
    ("dtc_ht", "Đủ tư cách, hoàn thành nhiệm vụ", 3),
    ("vi_pham", "Vi phạm tư cách hoặc không hoàn thành nhiệm vụ", 4),
]
FOUR_LEVELS = [
    ("htxs", "Hoàn thành xuất sắc nhiệm vụ", 1),
    ("htt", "Hoàn thành tốt nhiệm vụ", 2),
    ("ht", "Hoàn thành nhiệm vụ", 3),
    ("kht", "Không hoàn thành nhiệm vụ", 4),
]
# QĐ 366 score bands (Art. 11): ≥ 90, 70 to < 90, 50 to < 70, below 50.
BANDS_366 = {"htxs": (90, 100), "htt": (70, 90), "ht": (50, 70), "kht": (0, 50)}

DOCUMENTS = {
    "hd20": (
        "20-HD/BTCTW",
        "HD",
        "Ban Tổ chức Trung ương",
        date(2008, 10, 10),
        "Hướng dẫn đánh giá chất lượng tổ chức cơ sở đảng và đảng viên",
    ),
    "hd27": (
        "27-HD/BTCTW",
        "HD",
        "Ban Tổ chức Trung ương",
        date(2014, 9, 25),
        "Kiểm điểm tập thể, cá nhân và đánh giá, phân loại chất lượng tổ chức cơ sở đảng, "
        "đảng viên hằng năm",
    ),
    "qd132": (
        "132-QĐ/TW",
        "QDTW",
        "Bộ Chính trị",
        date(2018, 3, 8),
        "Quy định về việc kiểm điểm và đánh giá, xếp loại chất lượng hằng năm",
    ),
    "qd124": (
        "124-QĐ/TW",
        "QDTW",
        "Bộ Chính trị",
        date(2023, 10, 4),
        "Quy định về kiểm điểm tự phê bình, phê bình và đánh giá, xếp loại chất lượng",
    ),
    "qd366": (
        "366-QĐ/TW",
        "QDTW",
        "Bộ Chính trị",
        date(2025, 8, 30),
        "Quy định về kiểm điểm, đánh giá, xếp loại chất lượng tập thể, cá nhân",
    ),
}

NO_DISCIPLINE = "no_disciplined_subordinate"
Levels = list[tuple[str, str, int]]  # (code, name, common rank), best first
# (code, name, subject, document, first year, last year, levels, extras)
SCHEMES: list[tuple[str, str, str, str, int, int | None, Levels, dict[str, Any]]] = [
    # code, name, subject, document, first, last, periods, levels, extra
    (
        "tsvm-2008-org",
        "TSVM (HD 20/2008) — tổ chức đảng",
        Subject.ORGANISATION,
        "hd20",
        2008,
        2013,
        TSVM_ORG_LEVELS,
        {"quota_note": "Tỷ lệ tối đa chưa xác minh: không áp dụng."},
    ),
    (
        "tsvm-2008-member",
        "TSVM (HD 20/2008) — đảng viên",
        Subject.MEMBER,
        "hd20",
        2008,
        2013,
        TSVM_MEMBER_LEVELS,
        {"quota_note": "Tỷ lệ tối đa chưa xác minh: không áp dụng."},
    ),
    (
        "tsvm-2014-org",
        "TSVM (HD 27/2014) — tổ chức đảng",
        Subject.ORGANISATION,
        "hd27",
        2014,
        2017,
        TSVM_ORG_LEVELS,
        {"quota_note": "Tỷ lệ tối đa của HD 27 chưa xác minh: không áp dụng."},
    ),
    (
        "tsvm-2014-member",
        "TSVM (HD 27/2014) — đảng viên",
        Subject.MEMBER,
        "hd27",
        2014,
        2017,
        TSVM_MEMBER_LEVELS,
        {"quota_note": "Tỷ lệ tối đa của HD 27 chưa xác minh: không áp dụng."},
    ),
    (
        "qd132-org",
        "4 mức (QĐ 132/2018) — tập thể",
        Subject.ORGANISATION,
        "qd132",
        2018,
        2022,
        FOUR_LEVELS,
        {"conditions": [NO_DISCIPLINE]},
    ),
    (
        "qd132-member",
        "4 mức (QĐ 132/2018) — đảng viên",
        Subject.MEMBER,
        "qd132",
        2018,
        2022,
        FOUR_LEVELS,
        {},
    ),
    (
        "qd124-org",
        "4 mức (QĐ 124/2023) — tập thể",
        Subject.ORGANISATION,
        "qd124",
        2023,
        2024,
        FOUR_LEVELS,
        {"conditions": [NO_DISCIPLINE], "quota": True},
    ),
    (
        "qd124-member",
        "4 mức (QĐ 124/2023) — đảng viên",
        Subject.MEMBER,
        "qd124",
        2023,
        2024,
        FOUR_LEVELS,
        {"quota": True},
    ),
    (
        "qd366-org",
        "Thang 100 điểm (QĐ 366/2025) — tập thể",
        Subject.ORGANISATION,
        "qd366",
        2025,
        None,
        FOUR_LEVELS,
        {
            "conditions": [NO_DISCIPLINE],
            "scored": True,
            "quota_note": "Chưa xác minh QĐ 366 giữ tỷ lệ 20%: tắt, có thể bật.",
        },
    ),
    (
        "qd366-member",
        "Thang 100 điểm (QĐ 366/2025) — đảng viên",
        Subject.MEMBER,
        "qd366",
        2025,
        None,
        FOUR_LEVELS,
        {"scored": True, "quota_note": "Chưa xác minh QĐ 366 giữ tỷ lệ 20%: tắt, có thể bật."},
    ),
]


def load(apps=None) -> None:
    """Create the documents and schemes that are missing (idempotent)."""
    if apps is None:
        from django.apps import apps
    document = apps.get_model("core", "LegalDocument")
    scheme_model = apps.get_model("reviews", "Scheme")
    level_model = apps.get_model("reviews", "SchemeLevel")
    docs = {}
    for key, (number, kind, issuer, issued, title) in DOCUMENTS.items():
        docs[key], _ = document.objects.get_or_create(
            number=number,
            issuer=issuer,
            issue_date=issued,
            defaults={"kind": kind, "title": title, "effective_from": issued},
        )
    for code, name, subject, doc, first, last, levels, extra in SCHEMES:
        if scheme_model.objects.filter(code=code).exists():
            continue
        periods = ["year", "term", "quarter", "adhoc"] if doc == "qd366" else ["year"]
        scheme = scheme_model.objects.create(
            code=code,
            name=name,
            subject=subject,
            document=docs[doc],
            first_year=first,
            last_year=last,
            periods=periods,
            scored=extra.get("scored", False),
            general_max=30 if extra.get("scored") else 0,
            tasks_max=70 if extra.get("scored") else 0,
            quota_enabled=extra.get("quota", False),
            quota_rate="0.200" if extra.get("quota") or doc == "qd366" else None,
            quota_level="htxs" if levels is FOUR_LEVELS else "",
            quota_base="htt" if levels is FOUR_LEVELS else "",
            quota_note=extra.get(
                "quota_note",
                "QĐ 124, Điều 12: không quá 20% số được xếp "
                "hoàn thành tốt nhiệm vụ trong nhóm tương đồng."
                if extra.get("quota")
                else "",
            ),
            conditions=extra.get("conditions", []),
        )
        for rank, (level_code, level_name, common) in enumerate(levels, start=1):
            band = BANDS_366.get(level_code) if extra.get("scored") else None
            level_model.objects.create(
                scheme=scheme,
                code=level_code,
                name=level_name,
                rank=rank,
                common_rank=common,
                min_score=band[0] if band else None,
                max_score=band[1] if band else None,
            )
