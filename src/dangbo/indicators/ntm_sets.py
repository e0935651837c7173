"""The national new-rural criteria sets (brief §8), as data: migration 0002 loads them; an
office adds a later set from a file (``dangbo ntm add-set FILE.json``) without code.

What the brief does not verify is loaded with ``verified=False`` and a note saying so: the
criteria names of QĐ 491 (only "19 criteria in 5 groups" is verified), the 2013 amendment
QĐ 342, and the criteria of QĐ 318 (believed to keep the 19 criteria with raised indicators).
"""

from datetime import date
from typing import Any

TTG = "Thủ tướng Chính phủ"

# key: (number, kind, issuer, issue date, effective from, title)
DOCUMENTS: dict[str, tuple[str, str, str, date, date, str]] = {
    "qd491": (
        "491/QĐ-TTg",
        "QD",
        TTG,
        date(2009, 4, 16),
        date(2009, 4, 16),
        "Ban hành Bộ tiêu chí quốc gia về nông thôn mới",
    ),
    "qd342": (
        "342/QĐ-TTg",
        "QD",
        TTG,
        date(2013, 2, 20),
        date(2013, 2, 20),
        "Sửa đổi một số tiêu chí của Bộ tiêu chí quốc gia về nông thôn mới",
    ),
    "qd1980": (
        "1980/QĐ-TTg",
        "QD",
        TTG,
        date(2016, 10, 17),
        date(2016, 10, 17),
        "Ban hành Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2016 - 2020",
    ),
    "qd318": (
        "318/QĐ-TTg",
        "QD",
        TTG,
        date(2022, 3, 8),
        date(2022, 3, 8),
        "Ban hành Bộ tiêu chí quốc gia về xã nông thôn mới và Bộ tiêu chí quốc gia về xã nông "
        "thôn mới nâng cao giai đoạn 2021 - 2025",
    ),
    "qd51": (
        "51/2025/QĐ-TTg",
        "QD",
        TTG,
        date(2025, 12, 29),
        date(2026, 2, 15),
        "Ban hành Bộ tiêu chí quốc gia về nông thôn mới giai đoạn 2026 - 2030",
    ),
}

G1 = "Quy hoạch"
G2 = "Hạ tầng kinh tế - xã hội"
G3 = "Kinh tế và tổ chức sản xuất"
G4 = "Văn hóa - xã hội - môi trường"
G5 = "Hệ thống chính trị"

# (number, name, group) — the 2016–2020 numbering of the brief's table [V].
CRITERIA_1980: list[tuple[int, str, str]] = [
    (1, "Quy hoạch", G1),
    (2, "Giao thông", G2),
    (3, "Thủy lợi", G2),
    (4, "Điện", G2),
    (5, "Trường học", G2),
    (6, "Cơ sở vật chất văn hóa", G2),
    (7, "Cơ sở hạ tầng thương mại nông thôn", G2),
    (8, "Thông tin và Truyền thông", G2),
    (9, "Nhà ở dân cư", G2),
    (10, "Thu nhập", G3),
    (11, "Hộ nghèo", G3),
    (12, "Lao động có việc làm", G3),
    (13, "Tổ chức sản xuất", G3),
    (14, "Giáo dục và Đào tạo", G4),
    (15, "Y tế", G4),
    (16, "Văn hóa", G4),
    (17, "Môi trường và an toàn thực phẩm", G4),
    (18, "Hệ thống chính trị và tiếp cận pháp luật", G5),
    (19, "Quốc phòng và An ninh", G5),
]

# The 2009 names as commonly cited; the brief verifies only the count and the 5 groups.
CRITERIA_491: list[tuple[int, str, str]] = [
    (1, "Quy hoạch và thực hiện quy hoạch", G1),
    (2, "Giao thông", G2),
    (3, "Thủy lợi", G2),
    (4, "Điện", G2),
    (5, "Trường học", G2),
    (6, "Cơ sở vật chất văn hóa", G2),
    (7, "Chợ nông thôn", G2),
    (8, "Bưu điện", G2),
    (9, "Nhà ở dân cư", G2),
    (10, "Thu nhập", G3),
    (11, "Hộ nghèo", G3),
    (12, "Cơ cấu lao động", G3),
    (13, "Hình thức tổ chức sản xuất", G3),
    (14, "Giáo dục", G4),
    (15, "Y tế", G4),
    (16, "Văn hóa", G4),
    (17, "Môi trường", G4),
    (18, "Hệ thống tổ chức chính trị xã hội vững mạnh", G5),
    (19, "An ninh, trật tự xã hội", G5),
]

CRITERIA_51: list[tuple[int, str, str]] = [
    (1, "Quy hoạch", ""),
    (2, "Hạ tầng kinh tế - xã hội", ""),
    (3, "Phát triển kinh tế nông thôn", ""),
    (4, "Đào tạo nguồn nhân lực nông thôn", ""),
    (5, "Văn hóa, giáo dục, y tế", ""),
    (6, "Giảm nghèo và an sinh xã hội", ""),
    (7, "Khoa học công nghệ và chuyển đổi số", ""),
    (8, "Môi trường và cảnh quan nông thôn", ""),
    (9, "Xây dựng hệ thống chính trị và hành chính công", ""),
    (10, "Tiếp cận pháp luật và an ninh, quốc phòng", ""),
]

# One set: code, name, document key, valid from, valid to, commune groups, verified (the set),
# criteria verified, note, criteria.
SETS: list[dict[str, Any]] = [
    {
        "code": "qd491-2009",
        "name": "Bộ tiêu chí quốc gia về nông thôn mới (QĐ 491/QĐ-TTg, 2009)",
        "document": "qd491",
        "valid_from": date(2009, 4, 16),
        "valid_to": date(2016, 10, 16),
        "commune_groups": 1,
        "verified": True,
        "criteria_verified": False,
        "note": (
            "Đã đối chiếu: 19 tiêu chí, 5 nhóm; quy định ban đầu cho huyện: 75% số xã đạt "
            "chuẩn. Chưa đối chiếu: tên từng tiêu chí (theo cách gọi phổ biến) và nội dung "
            "sửa đổi của Quyết định 342/QĐ-TTg ngày 20/02/2013."
        ),
        "criteria": CRITERIA_491,
    },
    {
        "code": "qd1980-2016",
        "name": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2016 - 2020 (QĐ 1980/QĐ-TTg)",
        "document": "qd1980",
        "valid_from": date(2016, 10, 17),
        "valid_to": date(2022, 3, 7),
        "commune_groups": 1,
        "verified": True,
        "criteria_verified": True,
        "note": "19 tiêu chí, 5 nhóm (đối chiếu trang nông thôn mới tỉnh Vĩnh Phúc).",
        "criteria": CRITERIA_1980,
    },
    {
        "code": "qd318-2022",
        "name": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021 - 2025 (QĐ 318/QĐ-TTg)",
        "document": "qd318",
        "valid_from": date(2022, 3, 8),
        "valid_to": date(2026, 2, 14),
        "commune_groups": 1,
        "verified": False,
        "criteria_verified": False,
        "note": (
            "Chưa đối chiếu: số tiêu chí và chỉ tiêu (được cho là giữ 19 tiêu chí với mức "
            "chỉ tiêu nâng lên). Cùng ngày có QĐ 319, 320, 321/QĐ-TTg (xã nâng cao, kiểu mẫu, "
            "huyện, tỉnh)."
        ),
        "criteria": CRITERIA_1980,
    },
    {
        "code": "qd51-2025",
        "name": "Bộ tiêu chí quốc gia về nông thôn mới giai đoạn 2026 - 2030 (QĐ 51/2025/QĐ-TTg)",
        "document": "qd51",
        "valid_from": date(2026, 2, 15),
        "valid_to": None,
        "commune_groups": 3,
        "verified": True,
        "criteria_verified": True,
        "note": (
            "10 tiêu chí, 47 chỉ tiêu, mỗi tiêu chí có mức cho 3 nhóm xã. Chưa trích: 47 chỉ "
            "tiêu và mức theo nhóm (Phụ lục I)."
        ),
        "criteria": CRITERIA_51,
    },
]


def load(apps=None) -> None:
    """Create the documents, sets and criteria that are missing (idempotent)."""
    if apps is None:
        from django.apps import apps
    document = apps.get_model("core", "LegalDocument")
    set_model = apps.get_model("indicators", "NtmSet")
    criterion_model = apps.get_model("indicators", "NtmCriterion")
    docs = {}
    for key, (number, kind, issuer, issued, effective, title) in DOCUMENTS.items():
        docs[key], _ = document.objects.get_or_create(
            number=number,
            issuer=issuer,
            issue_date=issued,
            defaults={"kind": kind, "title": title, "effective_from": effective},
        )
    for data in SETS:
        ntm_set, _ = set_model.objects.get_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "document": docs[data["document"]],
                "valid_from": data["valid_from"],
                "valid_to": data["valid_to"],
                "commune_groups": data["commune_groups"],
                "verified": data["verified"],
                "note": data["note"],
            },
        )
        for number, name, group in data["criteria"]:
            criterion_model.objects.get_or_create(
                set=ntm_set,
                number=number,
                defaults={
                    "name": name,
                    "group_name": group,
                    "verified": data["criteria_verified"],
                },
            )
