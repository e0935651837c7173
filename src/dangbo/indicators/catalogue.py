"""The indicators every install starts with, as data (migration 0003 loads them; idempotent).

Codes are a contract with the demo, the stats command and the imports: do not rename them.
A document is named only where the brief verifies it (the new-rural count follows the
criteria set of QĐ 1980/QĐ-TTg in force in 2016–2020); the others are defined by the
committee's own resolutions and programs, which an office links once they are registered.
"""

from decimal import Decimal
from typing import Any

TTG = "Thủ tướng Chính phủ"

# key: (number, kind, issuer, issue date (y, m, d), title) — the same rows ntm_sets loads.
DOCUMENTS: dict[str, tuple[str, str, str, tuple[int, int, int], str]] = {
    "qd1980": (
        "1980/QĐ-TTg",
        "QD",
        TTG,
        (2016, 10, 17),
        "Ban hành Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2016 - 2020",
    ),
}

BOOL_SHARE = {"unit": "đạt/không", "value_type": "boolean", "aggregation": "share"}

CATALOGUE: list[dict[str, Any]] = [
    {
        "code": "gia_tri_san_xuat",
        "name": "Giá trị sản xuất",
        "unit": "tỷ đồng",
        "value_type": "number",
        "aggregation": "sum",
        "decimals": 1,
        "min_value": Decimal(0),
        "description": "Tổng giá trị sản xuất trên địa bàn trong năm (giá so sánh); tốc độ "
        "tăng trưởng so với năm trước được tính từ hai năm liền nhau.",
    },
    {
        "code": "cchc_mot_cua",
        "name": "Bộ phận một cửa hoạt động",
        **BOOL_SHARE,
        "description": "Bộ phận tiếp nhận và trả kết quả (một cửa) của xã, thị trấn hoạt động.",
    },
    {
        "code": "cchc_cong_khai",
        "name": "Công khai thủ tục hành chính",
        **BOOL_SHARE,
        "description": "Thủ tục hành chính được niêm yết, công khai tại trụ sở.",
    },
    {
        "code": "cchc_truc_tuyen",
        "name": "Có dịch vụ công trực tuyến",
        **BOOL_SHARE,
        "description": "Xã, thị trấn cung cấp dịch vụ công trực tuyến.",
    },
    {
        "code": "cchc",
        "name": "Cải cách thủ tục hành chính đạt yêu cầu",
        **BOOL_SHARE,
        "computed": "admin_reform",
        "description": "Tính tự động: đạt khi cả ba chỉ tiêu một cửa, công khai thủ tục và "
        "dịch vụ công trực tuyến đều đạt; cấp trên là tỷ lệ xã, thị trấn đạt.",
    },
    {
        "code": "ket_nap_dang_vien",
        "name": "Kết nạp đảng viên mới",
        "unit": "người",
        "value_type": "number",
        "aggregation": "sum",
        "computed": "members_admitted",
        "description": "Tính tự động: số đảng viên có quyết định kết nạp trong năm, kết nạp "
        "tại các tổ chức đảng trực thuộc.",
    },
    {
        "code": "ty_le_tsvm",
        "name": "Tỷ lệ tổ chức cơ sở đảng trong sạch, vững mạnh",
        "unit": "%",
        "value_type": "percent",
        "aggregation": "mean",
        "decimals": 1,
        "computed": "tsvm_share",
        "description": "Tính tự động: tỷ lệ tổ chức cơ sở đảng được xếp loại trong sạch, vững "
        "mạnh (hoặc tương đương) trở lên trong đợt kiểm điểm của năm, trên số đã có quyết định.",
    },
    {
        "code": "ty_le_ho_ngheo",
        "name": "Tỷ lệ hộ nghèo",
        "unit": "%",
        "value_type": "percent",
        "direction": "down",
        "aggregation": "mean",
        "decimals": 2,
        "min_value": Decimal(0),
        "max_value": Decimal(100),
        "description": "Tỷ lệ hộ nghèo theo chuẩn nghèo hiện hành (cấp trên: trung bình các xã).",
    },
    {
        "code": "so_ho_dan",
        "name": "Số hộ dân",
        "unit": "hộ",
        "value_type": "number",
        "aggregation": "sum",
        "min_value": Decimal(0),
    },
    {
        "code": "xa_dat_ntm",
        "name": "Số xã đạt chuẩn nông thôn mới",
        "unit": "xã",
        "value_type": "number",
        "aggregation": "sum",
        "computed": "ntm_recognised",
        "document": "qd1980",
        "description": "Tính tự động: số xã trực thuộc có quyết định công nhận đạt chuẩn nông "
        "thôn mới đến ngày 31/12 của năm (chưa bị thu hồi).",
    },
]


def load(apps=None) -> None:
    """Create the catalogue's indicators that are missing (never changes existing ones)."""
    from datetime import date

    if apps is None:
        from django.apps import apps
    document = apps.get_model("core", "LegalDocument")
    indicator = apps.get_model("indicators", "Indicator")
    docs = {}
    for key, (number, kind, issuer, (y, m, d), title) in DOCUMENTS.items():
        docs[key], _ = document.objects.get_or_create(
            number=number,
            issuer=issuer,
            issue_date=date(y, m, d),
            defaults={"kind": kind, "title": title, "effective_from": date(y, m, d)},
        )
    for position, data in enumerate(CATALOGUE, start=1):
        fields = {k: v for k, v in data.items() if k not in ("code", "document")}
        fields["position"] = position * 10
        if data.get("document"):
            fields["document"] = docs[data["document"]]
        indicator.objects.get_or_create(code=data["code"], defaults=fields)
