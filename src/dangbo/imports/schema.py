"""The import templates: which columns exist, how a header typed by a person finds them.

Headers are matched on their folded form (no accents, lower case, punctuation and "(*)"
removed), so "Họ và tên (*)", "HO VA TEN", "Ho ten" and "full_name" all find ``full_name``.
"""

import re
from dataclasses import dataclass

from dangbo.core.modelfields import label_of, max_length_of
from dangbo.core.text import fold
from dangbo.members.models import Member
from dangbo.orgs.models import CODE_RULE


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Vietnamese header of the template
    aliases: tuple[str, ...] = ()
    required: bool = False  # for a new row
    sensitive: bool = False
    example: object = ""
    hint: str = ""


def _field(key: str) -> str:
    """The header of a column that is a member field: the model's label, the one definition
    (the form, the API and the service's messages say the same)."""
    return label_of(Member, key)


def _digits_hint(key: str) -> str:
    return f"{max_length_of(Member, key)} chữ số"


MEMBER_COLUMNS = (
    Column(
        "full_name",
        _field("full_name"),
        ("ho ten", "ho ten dang dung", "ho va ten dang dung", "ten dang vien", "full name", "name"),
        True,
        example="Nguyễn Thị Hương",
        hint="Họ, tên đệm và tên",
    ),
    Column(
        "gender",
        _field("gender"),
        ("gioi", "gioi tinh", "nam nu", "gender", "sex"),
        True,
        example="Nữ",
        hint="Nam / Nữ",
    ),
    Column(
        "date_of_birth",
        _field("date_of_birth"),
        (
            "sinh ngay",
            "ngay thang nam sinh",
            "nam sinh",
            "date of birth",
            "dob",
            "birth date",
        ),
        True,
        example="15/03/1985",
        hint="dd/mm/yyyy",
    ),
    Column(
        "org",
        "Chi bộ",
        (
            "ma chi bo",
            "ma to chuc",
            "chi bo",
            "ten chi bo",
            "chi bo sinh hoat",
            "ten chi bo sinh hoat",
            "noi sinh hoat",
            "ma chi bo sinh hoat",
            "cell code",
            "org code",
            "cell",
            "org",
        ),
        True,
        example="kl-thon-1",
        hint="Chi bộ nơi đảng viên sinh hoạt: tên (ví dụ Chi bộ thôn Đồng Bông) hoặc mã",
    ),
    Column(
        "commune",
        "Đảng bộ xã",
        (
            "dang bo",
            "dang bo co so",
            "xa",
            "xa thi tran",
            "xa phuong",
            "xa phuong thi tran",
            "don vi",
        ),
        hint="Đảng bộ cơ sở (xã, thị trấn) trên chi bộ, khi tên chi bộ trùng ở nhiều nơi",
    ),
    Column(
        "card_number",
        _field("card_number"),
        (
            "so the",
            "so the dang",
            "the dang vien",
            "so the dang vien so ly lich",
            "so the dang vien so ll",
            "so the so ly lich",
            "so the dv",
            "card number",
            "card no",
            "card",
        ),
        example="01234567",
        hint=_digits_hint("card_number"),
    ),
    Column(
        "id_number",
        _field("id_number"),
        (
            "cccd",
            "cmnd",
            "so cccd",
            "cmnd cccd",
            "so cmnd cccd",
            "so cmnd",
            "so can cuoc",
            "so dinh danh",
            "id number",
            "citizen id",
            "national id",
        ),
        sensitive=True,
        example="026185001234",
        hint=f"{_digits_hint('id_number')} (thông tin nhạy cảm)",
    ),
    Column(
        "record_number",
        _field("record_number"),
        ("so ly lich dang vien", "so ly lich dv", "so ll", "record number"),
        example="012345VP",
    ),
    Column(
        "admission_decision_date",
        "Ngày vào Đảng",
        (
            "ngay ket nap",
            "ngay ket nap dang",
            "ngay ket nap vao dang",
            "ngay quyet dinh ket nap",
            "ngay vao dang du bi",  # "Ngày vào Đảng" over "Dự bị" | "Chính thức"
            "du bi",
            "admission date",
            "admission decision date",
        ),
        True,
        example="03/02/2015",
        hint="Ngày quyết định kết nạp",
    ),
    Column(
        "admission_ceremony_date",
        _field("admission_ceremony_date"),
        ("ngay to chuc le ket nap", "ceremony date", "admission ceremony date"),
        example="10/02/2015",
        hint="Để trống: lấy ngày vào Đảng",
    ),
    Column("admission_vote_date", _field("admission_vote_date"), ("ngay xet ket nap", "vote date")),
    Column(
        "official_recognition_date",
        "Ngày chính thức",
        (
            "ngay cong nhan chinh thuc",
            "ngay chuyen chinh thuc",
            "ngay vao dang chinh thuc",
            "ngay dang vien chinh thuc",
            "chinh thuc",
            "official date",
            "official recognition date",
        ),
        example="10/02/2016",
        hint="Để trống nếu còn dự bị",
    ),
    Column(
        "member_kind",
        "Loại đảng viên",
        (
            "chinh thuc du bi",
            "chinh thuc hay du bi",
            "dang vien chinh thuc du bi",
            "dang vien chinh thuc hay du bi",
            "ct db",
            "loai dv",
            "member kind",
        ),
        example="Chính thức",
        hint="Chính thức / Dự bị — khi tệp không có ngày chính thức",
    ),
    Column(
        "membership_from",
        "Ngày bắt đầu sinh hoạt",
        ("sinh hoat tu ngay", "membership from"),
        hint="Để trống: ngày vào Đảng (hoặc ngày lập chi bộ)",
    ),
    Column(
        "birth_name",
        _field("birth_name"),
        ("ten khai sinh", "ho va ten khai sinh", "ho ten khai sinh", "birth name"),
    ),
    Column("aliases", _field("aliases"), ("aliases", "alias")),
    Column(
        "birthplace",
        _field("birthplace"),
        ("birthplace", "place of birth"),
        example="Kim Long, Tam Dương, Vĩnh Phúc",
    ),
    Column("home_town", _field("home_town"), ("que", "home town", "hometown")),
    Column(
        "permanent_address",
        _field("permanent_address"),
        (
            "thuong tru",
            "dia chi thuong tru",
            "ho khau thuong tru",
            "dia chi",
            "permanent address",
            "address",
        ),
    ),
    Column(
        "temporary_address",
        _field("temporary_address"),
        ("tam tru", "noi o hien nay", "cho o hien nay", "temporary address"),
    ),
    Column(
        "phone",
        _field("phone"),
        (
            "so dien thoai",
            "dien thoai di dong",
            "sdt",
            "so dt",
            "dt",
            "phone",
            "phone number",
            "mobile",
        ),
        example="0912345678",
    ),
    Column(
        "ethnicity",
        _field("ethnicity"),
        ("ethnicity",),
        sensitive=True,
        example="Kinh",
        hint="Thông tin nhạy cảm",
    ),
    Column(
        "religion", _field("religion"), ("religion",), sensitive=True, hint="Thông tin nhạy cảm"
    ),
    Column(
        "education",
        _field("education"),
        ("trinh do giao duc pho thong", "trinh do van hoa", "hoc van", "van hoa", "education"),
        example="12/12",
    ),
    Column(
        "qualification",
        _field("qualification"),
        ("chuyen mon", "trinh do chuyen mon", "qualification"),
        example="Cử nhân Kinh tế",
    ),
    Column(
        "political_theory",
        _field("political_theory"),
        (
            "ly luan",
            "ly luan chinh tri",
            "ly luan chinh tri cc tc sc",
            "trinh do ly luan chinh tri",
            "trinh do ly luan",
            "trinh do llct",
            "llct",
            "political theory",
        ),
        example="Trung cấp",
        hint="Sơ cấp / Trung cấp / Cao cấp / Cử nhân",
    ),
    Column("languages", _field("languages"), ("languages", "foreign languages")),
    Column("occupation", _field("occupation"), ("occupation", "job"), example="Giáo viên"),
    Column("workplace", _field("workplace"), ("co quan", "don vi cong tac", "workplace")),
)

ORG_COLUMNS = (
    Column(
        "code",
        "Mã tổ chức",
        ("ma", "ma to chuc dang", "code", "org code"),
        True,
        example="kl-thon-9",
        hint=CODE_RULE,  # the rule ``Organisation.code`` validates
    ),
    Column(
        "name",
        "Tên tổ chức",
        (
            "ten",
            "ten to chuc dang",
            "ten chi bo",
            "ten dang bo",
            "ten chi bo dang bo",
            "ten dang bo chi bo",
            "ten tccs dang",
            "ten tccs",
            "ten to chuc co so dang",
            "to chuc co so dang",
            "ten co so dang",
            "ten chi bo truc thuoc",
            "ten dang bo truc thuoc",
            "to chuc dang",
            "chi bo",
            "dang bo",
            "chi bo dang bo",
            "dang bo chi bo",
            "ten don vi",
            "don vi",
            "name",
        ),
        True,
        example="Chi bộ thôn 9",
        hint="Đủ chữ “Chi bộ …”, “Đảng bộ …”: loại, loại hình và mã suy từ tên khi không có cột",
    ),
    Column("kind", "Loại tổ chức", ("loai", "cap", "kind"), True, example="Chi bộ trực thuộc"),
    Column("sector", "Loại hình", ("linh vuc", "sector"), True, example="Thôn"),
    Column(
        "parent",
        "Mã tổ chức cấp trên",
        (
            "cap tren",
            "truc thuoc",
            "ma cap tren",
            "to chuc cap tren",
            "ten to chuc cap tren",
            "dang bo cap tren",
            "truc thuoc dang bo",
            "parent",
            "parent code",
        ),
        True,
        example="kim-long",
        hint="Mã hoặc tên (ví dụ Đảng bộ xã Kim Long)",
    ),
    Column(
        "valid_from",
        "Ngày thành lập",
        ("thanh lap ngay", "ngay thanh lap", "established", "valid from"),
        True,
        example="01/07/2016",
    ),
    Column(
        "document_number",
        "Số quyết định",
        ("so van ban", "quyet dinh so", "document number", "decision number"),
        example="125-QĐ/ĐU",
    ),
    Column(
        "document_issuer",
        "Cơ quan ban hành",
        ("noi ban hanh", "co quan ra quyet dinh", "issuer"),
        example="Đảng ủy xã Kim Long",
    ),
    Column(
        "document_date",
        "Ngày quyết định",
        ("ngay ban hanh", "ngay ky", "document date"),
        example="25/06/2016",
    ),
)

# The indicator values' file (imports/indicators.py): the unit column, and for the long
# layout (one value a row) the indicator, year and value columns. In the wide layout every
# other column is an indicator, named as offices write it (matched to the catalogue).
INDICATOR_COLUMNS = (
    Column(
        "org",
        "Đơn vị",
        (
            "xa thi tran",
            "ten xa thi tran",
            "ten don vi",
            "ten xa",
            "xa",
            "don vi hanh chinh",
            "dang bo",
            "to chuc dang",
            "unit",
        ),
        True,
        example="Đảng bộ xã Kim Long",
        hint="Tên đơn vị như văn phòng vẫn ghi: “xã Kim Long”, “Kim Long”, “Đảng bộ xã Kim Long”",
    ),
    Column(
        "indicator",
        "Chỉ tiêu",
        ("ten chi tieu", "ma chi tieu", "indicator"),
        example="Số hộ dân",
        hint="Tên hoặc mã chỉ tiêu (chỉ ở dạng bảng dọc: mỗi dòng một giá trị)",
    ),
    Column(
        "year",
        "Năm",
        ("nam bao cao", "nam so lieu", "year"),
        example="2016",
        hint="Năm của số liệu; không có cột này: lấy từ tiêu đề (“… năm 2016”) hoặc hỏi",
    ),
    Column(
        "value",
        "Giá trị",
        ("so lieu", "ket qua", "thuc hien", "value"),
        example="1.234",
        hint="Số viết kiểu Việt Nam (1.234,5); chỉ tiêu đạt/không: x, có, đạt, 1 / để trống, "
        "không, 0, chưa đạt",
    ),
)

IGNORED = {"stt", "tt", "so tt", "so thu tu", "no", "ghi chu", "note", "notes", "#"}
_PUNCT = re.compile(r"[()\[\]*:.,;!?\"'“”/\\_\-–]+")


def header_key(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", fold(text or "")).split())


def _index(columns: tuple[Column, ...]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, column.key.replace("_", " "), *column.aliases):
            index[header_key(name)] = column
    return index


@dataclass
class HeaderMatch:
    positions: dict[str, int]  # column key -> position in the row
    unknown: list[str]
    duplicates: list[str]


def match_header(header: list[str], columns: tuple[Column, ...]) -> HeaderMatch:
    index = _index(columns)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for position, title in enumerate(header):
        key = header_key(title)
        if not key or key in IGNORED:
            continue
        column = index.get(key)
        if column is None and " / " in title:  # a merged header: "Trình độ / Chuyên môn"
            column = index.get(header_key(title.rsplit(" / ", 1)[1]))
        if column is None:
            unknown.append(title)
        elif column.key in positions:
            duplicates.append(title)
        else:
            positions[column.key] = position
    return HeaderMatch(positions, unknown, duplicates)


def by_key(columns: tuple[Column, ...]) -> dict[str, Column]:
    return {c.key: c for c in columns}
