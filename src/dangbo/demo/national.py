"""The national demo world: the Communist Party of Vietnam on 30/06/2026, at any scale.

Why a second demo? The Tam Dương world (~5,500 members) shows the rules; this one shows
the system at the size of the whole Party — 34 provincial committees after the 2025 reform
(two-tier local government), ~3,300 commune/ward committees, ~52,000 grassroots
organisations, ~300,000 cells and ~5.6 million members at ``scale=1`` — so that lists,
statistics and imports can be measured where they will be used.

How it stays fast (and small in memory):

* the world is generated province by province from ``random.Random`` streams seeded with
  ``(seed, province)``: the same seed gives the same rows at any scale and on any engine;
* every number is drawn with cheap Python (expanded weight tables, date ordinals, cached
  ISO strings, a name -> (search_name, sort_key) cache); no ORM call per row;
* ids are reserved up front (the tables are locked on PostgreSQL), so that paths, parent
  links and member foreign keys are known before anything is written;
* rows are streamed in chunks: ``COPY … FROM STDIN`` on PostgreSQL, ``executemany`` on
  SQLite, written by a second thread while the next chunk is drawn, all in ONE transaction
  with ONE audit entry ``demo.loaded`` (as the Tam Dương loader does); nothing is kept
  once a chunk is written;
* while loading into (nearly) empty tables, their secondary indexes and keys are dropped
  and built again at the end, and — when ``dangbo.members.aggregates.rebuild`` exists — their
  triggers are off and the aggregates are recomputed once, inside the same transaction.

Modelling choices (plausible, not an official register):

* Provinces carry their real 2025 names, approximate population and number of wards,
  communes and special zones; members are apportioned by population weighted by a
  regional density (the North has more members per inhabitant than the South).
* Commune/ward committees (``commune_committee``) were established on 01/07/2025. Under
  each, the commune's own cells (Party agencies, People's Council and Committee, Front,
  police, military, health station, schools) are grassroots cells founded then or earlier,
  and villages/residential groups are sub-cells grouped into residential grassroots
  committees named after the former communes ("Đảng bộ khu dân cư …").
* Provincial departments, hospitals, schools, enterprises, police and military units are
  grassroots committees (with sub-cells) or grassroots cells directly under the province.
* History before the reform is summarised: a member admitted in a cell of the world has
  ``admission_org`` = that cell; one who came from elsewhere (an organisation dissolved by
  the reform, another province, the army…) has no admission organisation and a
  ``transferred_in`` event on the day they joined their cell.
* Every cell has at least three official members (rule 1); those with nine or more have
  a cell committee for 2025–2027 (rule 3). No positions, no user accounts.
* Đà Nẵng's special zone Hoàng Sa is left out: it has no Party organisation to show.

Idempotent: if the organisation ``dcsvn`` exists, nothing is changed.
"""

import queue
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from dangbo.core import audit
from dangbo.core.db import refresh_statistics
from dangbo.core.text import fold, name_parts, name_sort_key
from dangbo.members import aggregates
from dangbo.members.models import Member, MemberEvent, Membership
from dangbo.orgs.models import CommitteeBody, Organisation, OrgEvent, OrgLink

from . import names as N
from .choices import DemoAudit

SEED = 2026
AS_OF = date(2026, 6, 30)
REFORM = date(2025, 7, 1)  # two-tier local government: new provinces and communes
ROOT_CODE = "dcsvn"
ROOT_NAME = "Đảng Cộng sản Việt Nam"
ROOT_FOUNDED = date(1930, 2, 3)
CODE_PREFIX = "vn"
TARGET_MEMBERS = 5_600_000  # active members at scale 1
AUDIT_OBJECT_ID = "dcsvn-2026"
CHUNK = 20_000  # members generated between two writes
P_PROBATIONARY = 0.035  # per member after the first three of a cell: ~3 % overall
COMMUNE_INSTITUTION_SHARE = 0.10  # of a commune's members, in its own institutions
CELL_TERM = (2025, 2027)  # cells hold two congresses in the 2025–2030 term
CELL_CONGRESSES = (date(2025, 3, 1), date(2025, 5, 31))
CARD_SPACE = 10_000_000  # national cards are "0xxxxxxx": the Tam Dương demo draws >= 10^7

# ----------------------------------------------------------------------------- provinces


@dataclass(frozen=True)
class Province:
    slug: str
    name: str
    unit: str  # "tỉnh", "thành phố", or "Thành phố" for Hồ Chí Minh
    population: int  # thousands (2024, approximate)
    wards: int
    communes: int
    special: int  # special zones (đặc khu)
    region: str  # delta, ne, nw, nc, sc, highlands, se, mekong
    id_codes: tuple[str, ...]  # CCCD province codes of the provinces merged into it
    founded: date
    ethnic: tuple[tuple[str, float], ...] = ()  # minority shares among members
    religion: tuple[tuple[str, float], ...] = ()  # overrides of the national mix
    border: bool = False

    @property
    def title(self) -> str:
        return f"{self.unit} {self.name}"

    @property
    def is_city(self) -> bool:
        return self.unit != "tỉnh"

    @property
    def committee_word(self) -> str:
        return "Thành ủy" if self.is_city else "Tỉnh ủy"


_P = Province
# The 34 provinces and cities from 01/07/2025 (Resolution 202/2025/QH15). Vĩnh Phúc's CCCD
# code 026 is left out on purpose: the Tam Dương demo world uses it.
# Data tables: one row a line reads better than the formatter's layout.
# fmt: off
PROVINCES = (
    _P("ha-noi", "Hà Nội", "thành phố", 8700, 51, 75, 0, "delta", ("001",), date(2008, 8, 1),
       (("Mường", 0.008), ("Tày", 0.003), ("Dao", 0.001))),
    _P("ho-chi-minh", "Hồ Chí Minh", "Thành phố", 14000, 113, 54, 1, "se", ("079", "074", "077"),
       REFORM, (("Hoa", 0.012), ("Khmer", 0.003), ("Chăm", 0.001)),
       (("Phật giáo", 4.0), ("Công giáo", 3.0), ("Cao Đài", 0.3))),
    _P("hai-phong", "Hải Phòng", "thành phố", 4700, 45, 67, 2, "delta", ("031", "030"), REFORM,
       (("Hoa", 0.001), ("Sán Dìu", 0.001))),
    _P("da-nang", "Đà Nẵng", "thành phố", 3070, 23, 70, 0, "sc", ("048", "049"), REFORM,
       (("Cơ Tu", 0.012), ("Xơ Đăng", 0.004))),
    _P("hue", "Huế", "thành phố", 1430, 21, 19, 0, "nc", ("046",), date(2025, 1, 1),
       (("Tà Ôi", 0.012), ("Cơ Tu", 0.004)), (("Phật giáo", 5.0), ("Công giáo", 2.0))),
    _P("can-tho", "Cần Thơ", "thành phố", 4200, 31, 72, 0, "mekong", ("092", "094", "093"),
       REFORM, (("Khmer", 0.07), ("Hoa", 0.01)),
       (("Phật giáo", 4.0), ("Cao Đài", 0.8), ("Phật giáo Hòa Hảo", 0.8))),
    _P("tuyen-quang", "Tuyên Quang", "tỉnh", 1870, 7, 117, 0, "ne", ("008", "002"), REFORM,
       (("Tày", 0.26), ("Dao", 0.08), ("H'Mông", 0.08), ("Sán Chay", 0.04), ("Nùng", 0.03)),
       border=True),
    _P("lao-cai", "Lào Cai", "tỉnh", 1780, 10, 89, 0, "nw", ("010", "015"), REFORM,
       (("Tày", 0.12), ("H'Mông", 0.10), ("Dao", 0.08), ("Thái", 0.04), ("Nùng", 0.03),
        ("Giáy", 0.02)), border=True),
    _P("thai-nguyen", "Thái Nguyên", "tỉnh", 1800, 15, 77, 0, "ne", ("019", "006"), REFORM,
       (("Tày", 0.14), ("Nùng", 0.05), ("Dao", 0.03), ("Sán Dìu", 0.02), ("Sán Chay", 0.01))),
    _P("phu-tho", "Phú Thọ", "tỉnh", 4000, 15, 133, 0, "delta", ("025", "017"), REFORM,
       (("Mường", 0.14), ("Dao", 0.01), ("Sán Dìu", 0.01), ("Tày", 0.01))),
    _P("bac-ninh", "Bắc Ninh", "tỉnh", 3600, 33, 66, 0, "delta", ("027", "024"), REFORM,
       (("Nùng", 0.02), ("Tày", 0.015), ("Sán Dìu", 0.005)), (("Công giáo", 1.5),)),
    _P("hung-yen", "Hưng Yên", "tỉnh", 3600, 11, 93, 0, "delta", ("033", "034"), REFORM, (),
       (("Công giáo", 3.0),)),
    _P("ninh-binh", "Ninh Bình", "tỉnh", 4400, 32, 97, 0, "delta", ("037", "035", "036"), REFORM,
       (("Mường", 0.01),), (("Công giáo", 5.0),)),
    _P("quang-tri", "Quảng Trị", "tỉnh", 1900, 8, 69, 1, "nc", ("045", "044"), REFORM,
       (("Vân Kiều", 0.03), ("Pa Kô", 0.01)), border=True),
    _P("quang-ngai", "Quảng Ngãi", "tỉnh", 2200, 9, 86, 1, "sc", ("051", "062"), REFORM,
       (("Hrê", 0.05), ("Xơ Đăng", 0.04), ("Ba Na", 0.02), ("Cor", 0.01)), border=True),
    _P("gia-lai", "Gia Lai", "tỉnh", 3600, 25, 110, 0, "highlands", ("064", "052"), REFORM,
       (("Gia Rai", 0.12), ("Ba Na", 0.05)), (("Công giáo", 3.0), ("Tin lành", 1.0)),
       border=True),
    _P("khanh-hoa", "Khánh Hòa", "tỉnh", 2200, 16, 48, 1, "sc", ("056", "058"), REFORM,
       (("Raglai", 0.02), ("Chăm", 0.02))),
    _P("lam-dong", "Lâm Đồng", "tỉnh", 3900, 20, 103, 1, "highlands", ("068", "067", "060"),
       REFORM, (("Cơ Ho", 0.04), ("Mạ", 0.01), ("Chăm", 0.01), ("M'Nông", 0.01), ("Tày", 0.01),
                ("Nùng", 0.01)), (("Công giáo", 4.0), ("Tin lành", 1.0)), border=True),
    _P("dak-lak", "Đắk Lắk", "tỉnh", 3350, 14, 88, 0, "highlands", ("066", "054"), REFORM,
       (("Ê Đê", 0.08), ("Tày", 0.02), ("Nùng", 0.02), ("M'Nông", 0.01)),
       (("Công giáo", 3.0), ("Tin lành", 1.5)), border=True),
    _P("dong-nai", "Đồng Nai", "tỉnh", 4500, 23, 72, 0, "se", ("075", "070"), REFORM,
       (("Hoa", 0.01), ("Xtiêng", 0.01), ("Nùng", 0.005)),
       (("Công giáo", 6.0), ("Phật giáo", 3.0)), border=True),
    _P("tay-ninh", "Tây Ninh", "tỉnh", 3300, 14, 82, 0, "se", ("072", "080"), REFORM,
       (("Khmer", 0.005), ("Chăm", 0.002)), (("Cao Đài", 3.0), ("Phật giáo", 3.0)),
       border=True),
    _P("vinh-long", "Vĩnh Long", "tỉnh", 4260, 19, 105, 0, "mekong", ("086", "083", "084"),
       REFORM, (("Khmer", 0.07),), (("Phật giáo", 4.0), ("Công giáo", 2.0))),
    _P("dong-thap", "Đồng Tháp", "tỉnh", 4400, 20, 82, 0, "mekong", ("087", "082"), REFORM,
       (("Hoa", 0.002),), (("Phật giáo", 4.0), ("Phật giáo Hòa Hảo", 1.0)), border=True),
    _P("ca-mau", "Cà Mau", "tỉnh", 2600, 9, 55, 0, "mekong", ("096", "095"), REFORM,
       (("Khmer", 0.02), ("Hoa", 0.01)), (("Phật giáo", 3.0), ("Cao Đài", 0.5))),
    _P("an-giang", "An Giang", "tỉnh", 4950, 14, 85, 3, "mekong", ("089", "091"), REFORM,
       (("Khmer", 0.06), ("Hoa", 0.01), ("Chăm", 0.005)),
       (("Phật giáo", 4.0), ("Phật giáo Hòa Hảo", 3.0)), border=True),
    _P("lai-chau", "Lai Châu", "tỉnh", 480, 2, 36, 0, "nw", ("012",), date(2004, 1, 1),
       (("Thái", 0.30), ("H'Mông", 0.20), ("Dao", 0.10), ("Giáy", 0.04), ("Hà Nhì", 0.03),
        ("Lự", 0.02)), border=True),
    _P("dien-bien", "Điện Biên", "tỉnh", 640, 3, 42, 0, "nw", ("011",), date(2004, 1, 1),
       (("Thái", 0.38), ("H'Mông", 0.22), ("Khơ Mú", 0.03)), border=True),
    _P("son-la", "Sơn La", "tỉnh", 1300, 8, 67, 0, "nw", ("014",), date(1976, 1, 1),
       (("Thái", 0.48), ("H'Mông", 0.08), ("Mường", 0.08)), border=True),
    _P("lang-son", "Lạng Sơn", "tỉnh", 800, 4, 61, 0, "ne", ("020",), date(1978, 12, 29),
       (("Nùng", 0.36), ("Tày", 0.33), ("Dao", 0.03)), border=True),
    _P("quang-ninh", "Quảng Ninh", "tỉnh", 1400, 30, 22, 2, "ne", ("022",), date(1963, 10, 30),
       (("Tày", 0.02), ("Dao", 0.02), ("Sán Dìu", 0.01)), border=True),
    _P("thanh-hoa", "Thanh Hóa", "tỉnh", 4300, 19, 147, 0, "nc", ("038",), date(1976, 1, 1),
       (("Mường", 0.08), ("Thái", 0.05)), border=True),
    _P("nghe-an", "Nghệ An", "tỉnh", 3470, 11, 119, 0, "nc", ("040",), date(1991, 8, 16),
       (("Thái", 0.08), ("Khơ Mú", 0.01), ("H'Mông", 0.005)), border=True),
    _P("ha-tinh", "Hà Tĩnh", "tỉnh", 1300, 9, 60, 0, "nc", ("042",), date(1991, 8, 16),
       (), (("Công giáo", 3.0),), border=True),
    _P("cao-bang", "Cao Bằng", "tỉnh", 570, 3, 53, 0, "ne", ("004",), date(1978, 12, 29),
       (("Tày", 0.44), ("Nùng", 0.30), ("Dao", 0.07), ("H'Mông", 0.06)), border=True),
)

# Members per inhabitant, relative: the Party is denser in the North and the Centre.
REGION_DENSITY = {"delta": 1.15, "ne": 1.1, "nw": 1.0, "nc": 1.15, "sc": 1.0,
                  "highlands": 0.85, "se": 0.72, "mekong": 0.8}
SOUTH = ("se", "mekong", "sc", "highlands")

# Real names first (wards of the six cities, special zones); the rest is generated.
REAL_WARDS = {
    "ha-noi": (
        "Hoàn Kiếm", "Cửa Nam", "Ba Đình", "Ngọc Hà", "Giảng Võ", "Hai Bà Trưng", "Vĩnh Tuy",
        "Bạch Mai", "Đống Đa", "Kim Liên", "Văn Miếu - Quốc Tử Giám", "Láng", "Ô Chợ Dừa",
        "Hồng Hà", "Lĩnh Nam", "Hoàng Mai", "Tương Mai", "Định Công", "Hoàng Liệt", "Yên Sở",
        "Thanh Xuân", "Khương Đình", "Phương Liệt", "Cầu Giấy", "Nghĩa Đô", "Yên Hòa", "Tây Hồ",
        "Phú Thượng", "Long Biên", "Bồ Đề", "Việt Hưng", "Phúc Lợi", "Hà Đông", "Dương Nội",
        "Yên Nghĩa", "Kiến Hưng", "Sơn Tây", "Tùng Thiện", "Từ Liêm", "Xuân Phương", "Tây Mỗ",
        "Đại Mỗ", "Đông Ngạc", "Thượng Cát", "Xuân Đỉnh", "Tây Tựu", "Phú Diễn",
    ),
    "ho-chi-minh": (
        "Sài Gòn", "Tân Định", "Bến Thành", "Cầu Ông Lãnh", "Bàn Cờ", "Xuân Hòa", "Nhiêu Lộc",
        "Xóm Chiếu", "Khánh Hội", "Vĩnh Hội", "Chợ Quán", "An Đông", "Chợ Lớn", "Bình Tây",
        "Bình Tiên", "Bình Phú", "Phú Lâm", "Tân Thuận", "Phú Thuận", "Tân Mỹ", "Tân Hưng",
        "Chánh Hưng", "Phú Định", "Bình Đông", "Diên Hồng", "Vườn Lài", "Hòa Hưng",
        "Minh Phụng", "Bình Thới", "Hòa Bình", "Phú Thọ", "Đông Hưng Thuận", "Trung Mỹ Tây",
        "Tân Thới Hiệp", "Thới An", "An Phú Đông", "An Lạc", "Bình Tân", "Tân Tạo",
        "Bình Trị Đông", "Bình Hưng Hòa", "Gia Định", "Bình Thạnh", "Bình Lợi Trung",
        "Thạnh Mỹ Tây", "Bình Quới", "Hạnh Thông", "An Nhơn", "Gò Vấp", "An Hội Đông",
        "Thông Tây Hội", "An Hội Tây", "Đức Nhuận", "Cầu Kiệu", "Phú Nhuận", "Tân Sơn Hòa",
        "Tân Sơn Nhất", "Tân Hòa", "Bảy Hiền", "Tân Bình", "Tân Sơn", "Tây Thạnh",
        "Tân Sơn Nhì", "Phú Thọ Hòa", "Tân Phú", "Phú Thạnh", "Hiệp Bình", "Thủ Đức",
        "Tam Bình", "Linh Xuân", "Tăng Nhơn Phú", "Long Bình", "Long Phước", "Long Trường",
        "Cát Lái", "Bình Trưng", "Phước Long", "An Khánh", "Thủ Dầu Một", "Dĩ An", "Thuận An",
        "Vũng Tàu", "Bà Rịa",
    ),
    "hai-phong": (
        "Hồng Bàng", "Ngô Quyền", "Lê Chân", "Gia Viên", "An Biên", "Hải An", "Đông Hải",
        "Kiến An", "Phù Liễn", "Đồ Sơn", "Thủy Nguyên", "An Dương", "Hải Dương",
        "Lê Thanh Nghị", "Thành Đông", "Chí Linh", "Kinh Môn",
    ),
    "da-nang": (
        "Hải Châu", "Hòa Cường", "Thanh Khê", "An Khê", "Sơn Trà", "An Hải", "Ngũ Hành Sơn",
        "Liên Chiểu", "Hòa Khánh", "Cẩm Lệ", "Hội An", "Tam Kỳ", "Điện Bàn",
    ),
    "hue": (
        "Thuận Hóa", "Phú Xuân", "Kim Long", "Vỹ Dạ", "An Cựu", "Thủy Xuân", "Hương An",
        "Hương Trà", "Hương Thủy", "Phú Bài", "Thuận An", "Hóa Châu", "Dương Nỗ", "Mỹ Thượng",
    ),
    "can-tho": (
        "Ninh Kiều", "Cái Khế", "Tân An", "An Bình", "Thới An Đông", "Bình Thủy",
        "Long Tuyền", "Cái Răng", "Hưng Phú", "Ô Môn", "Phước Thới", "Thới Long", "Thốt Nốt",
        "Vị Thanh", "Sóc Trăng", "Ngã Bảy",
    ),
}
SPECIAL_ZONES = {
    "ho-chi-minh": ("Côn Đảo",), "hai-phong": ("Cát Hải", "Bạch Long Vĩ"),
    "quang-tri": ("Cồn Cỏ",), "quang-ngai": ("Lý Sơn",), "khanh-hoa": ("Trường Sa",),
    "lam-dong": ("Phú Quý",), "an-giang": ("Phú Quốc", "Kiên Hải", "Thổ Châu"),
    "quang-ninh": ("Vân Đồn", "Cô Tô"),
}

# Place names: two syllables, with the flavour of the region.
NORTH_SYLLABLES = (
    "An", "Bình", "Hòa", "Phú", "Tân", "Yên", "Đồng", "Xuân", "Thanh", "Minh", "Quang", "Hưng",
    "Hồng", "Kim", "Ngọc", "Tiên", "Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Đại",
    "Quỳnh", "Vĩnh", "Phúc", "Thái", "Lạc", "Hải", "Sơn", "Thủy", "Liên", "Hợp", "Thịnh",
    "Cát", "Lâm", "Văn", "Đức", "Lương", "Mỹ", "Tam", "Hà", "Hiệp", "Long", "Nghĩa", "Lộc",
    "Thành", "Quảng", "Trường", "Khánh", "Tiến", "Thắng", "Lợi", "Cao", "Phong", "Châu",
    "Định", "Triệu", "Vân", "Tường", "Hoàng", "Nhân", "Thụy", "Kiến", "Gia", "Hoa",
)
SOUTH_SYLLABLES = (
    "An", "Bình", "Hòa", "Phú", "Tân", "Long", "Thạnh", "Mỹ", "Hưng", "Phước", "Vĩnh", "Thới",
    "Hiệp", "Lợi", "Thuận", "Nhơn", "Điền", "Đông", "Tây", "Trung", "Khánh", "Lộc", "Thành",
    "Hội", "Định", "Lạc", "Xuân", "Hậu", "Sơn", "Châu", "Giang", "Hải", "Thủy", "Quới",
    "Phong", "Hảo", "Tường", "Hựu", "Nghĩa", "Đức", "Quý", "Minh", "Thông", "Phát", "Hữu",
)
LOCAL_PREFIXES = {
    "nw": ("Mường", "Nậm", "Chiềng", "Pa", "Tà", "Sìn", "Phìn", "Huổi", "Noong", "Nà"),
    "ne": ("Nà", "Khuổi", "Pác", "Lũng", "Nặm", "Cốc", "Bó", "Pò", "Phja", "Nà"),
    "highlands": ("Ia", "Ea", "Đắk", "Krông", "Cư", "Kon", "Đăk", "Ya"),
}
LOCAL_SUFFIXES = {
    "nw": ("Tè", "Lay", "Nhé", "Chà", "Khoa", "Bum", "Than", "Mùn", "So", "Tông", "Pồ", "Mạ",
           "Ẳng", "Lói", "Nhà", "Pe", "Sai", "Hồ", "Củng", "Luông", "Muôn", "Ban", "Sại"),
    "ne": ("Phặc", "Bản", "Lạn", "Nưa", "Cáy", "Sla", "Mòn", "Phai", "Rầy", "Ngần", "Pán",
           "Chang", "Lừa", "Hoa", "Bằng", "Quân", "Kha", "Tổng", "Đon"),
    "highlands": ("Grai", "Hrung", "Kar", "Súp", "Pắc", "Mil", "Song", "Búk", "Nông", "Bông",
                  "Pa", "Sao", "Tơ", "Rông", "Blang", "Mơ", "Đrăng", "Ktur", "Kly", "Wer",
                  "Jút", "Glei", "Hà", "Pơ", "Ayun", "Lốp", "Drăng", "Tum"),
}
LOCAL_SHARE = {"nw": 0.5, "ne": 0.35, "highlands": 0.3}

# Villages and residential groups, by region: (word, weight).
VILLAGE_WORDS = {
    "delta": (("thôn", 9), ("xóm", 1)), "ne": (("thôn", 6), ("bản", 4)),
    "nw": (("bản", 8), ("thôn", 2)), "nc": (("thôn", 8), ("bản", 1), ("xóm", 1)),
    "sc": (("thôn", 10),), "highlands": (("thôn", 6), ("buôn", 2), ("làng", 2)),
    "se": (("ấp", 10),), "mekong": (("ấp", 9), ("sóc", 1)),
}
URBAN_WORD = {"se": "khu phố", "mekong": "khóm"}  # elsewhere: "tổ dân phố"

# ----------------------------------------------------------------------------- people
KINH_SOUTH_FAMILY = (
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 9), ("Phạm", 5), ("Huỳnh", 6), ("Võ", 5),
    ("Phan", 5), ("Trương", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2),
    ("Dương", 2), ("Lý", 1), ("Lâm", 1), ("Châu", 1), ("Đoàn", 1), ("Mai", 1), ("Tô", 1),
    ("Lương", 1), ("Cao", 1), ("Đinh", 1), ("Thái", 1),
)
KINH_SOUTH_MALE_MIDDLE = (("Văn", 35), ("Minh", 8), ("Thanh", 8), ("Hoàng", 4), ("Quốc", 5),
                          ("Hữu", 4), ("Ngọc", 3), ("Công", 3), ("Tấn", 5), ("Trung", 2),
                          ("Phước", 2), ("Đức", 3))
KINH_SOUTH_FEMALE_MIDDLE = (("Thị", 45), ("Ngọc", 8), ("Thanh", 6), ("Kim", 6), ("Thu", 4),
                            ("Mỹ", 3), ("Bích", 3), ("Hồng", 3), ("Phương", 2), ("Thúy", 2))
SOUTH_MALE_GIVEN = N.MALE_GIVEN + ("Phát", "Thiện", "Trí", "Vũ", "Tín", "Sang", "Thông", "Tâm")
SOUTH_FEMALE_GIVEN = N.FEMALE_GIVEN + ("Ngân", "Diễm", "Nhi", "Thư", "Trinh", "Tuyền", "Tiên",
                                       "Vy", "My", "Kiều")
_V = (("Văn", 1),)
_T = (("Thị", 1),)


@dataclass(frozen=True)
class NameStyle:
    family: tuple
    male_middle: tuple
    female_middle: tuple
    male_given: tuple
    female_given: tuple
    family_last: bool = False  # Ê Đê: "Y Ngông Niê", "H'Linh Niê"


NAME_STYLES = {
    "kinh_n": NameStyle(N.FAMILY_NAMES, N.MALE_MIDDLE, N.FEMALE_MIDDLE, N.MALE_GIVEN,
                        N.FEMALE_GIVEN),
    "kinh_s": NameStyle(KINH_SOUTH_FAMILY, KINH_SOUTH_MALE_MIDDLE, KINH_SOUTH_FEMALE_MIDDLE,
                        SOUTH_MALE_GIVEN, SOUTH_FEMALE_GIVEN),
    "tay": NameStyle((("Hoàng", 5), ("Nông", 5), ("Lộc", 2), ("Triệu", 2), ("Hà", 2),
                      ("Ma", 2), ("Lăng", 1), ("Vi", 2), ("Lương", 1), ("Đàm", 1), ("Bế", 2),
                      ("Lục", 1), ("Mông", 1), ("Nguyễn", 2)),
                     (("Văn", 6), ("Đức", 1), ("Hữu", 1)), (("Thị", 8), ("Thu", 1)),
                     N.MALE_GIVEN, N.FEMALE_GIVEN),
    "thai": NameStyle((("Lò", 5), ("Quàng", 3), ("Cầm", 3), ("Lường", 3), ("Vì", 2),
                       ("Tòng", 2), ("Lừ", 1), ("Hoàng", 1), ("Bạc", 1), ("Điêu", 1)),
                      _V, _T, N.MALE_GIVEN + ("Ún", "Panh", "Biên", "Ngoan", "Pọm"),
                      N.FEMALE_GIVEN + ("Pọm", "Ín", "Ngoan", "Xuân")),
    "muong": NameStyle((("Bùi", 6), ("Đinh", 4), ("Quách", 2), ("Hà", 2), ("Xa", 1),
                        ("Cao", 1)), _V, _T, N.MALE_GIVEN, N.FEMALE_GIVEN),
    "hmong": NameStyle((("Giàng", 4), ("Vàng", 4), ("Sùng", 3), ("Mùa", 2), ("Lý", 3),
                        ("Thào", 3), ("Hờ", 2), ("Lầu", 2), ("Vừ", 2), ("Hảng", 1), ("Sình", 1),
                        ("Má", 1)), (("A", 6), ("Seo", 1), ("Văn", 1)), (("Thị", 6), ("Seo", 1)),
                       ("Sính", "Chứ", "Páo", "Dế", "Chư", "Lử", "Tủa", "Pó", "Dình", "Súa",
                        "Của", "Chả", "Lềnh", "Nhà", "Pao", "Sùng", "Chinh", "Thắng"),
                       ("Mỷ", "Dợ", "Dung", "Mai", "Chía", "Pà", "Sua", "Dua", "Mỉ", "Xá",
                        "Lan", "Mẩy", "Sinh")),
    "dao": NameStyle((("Triệu", 5), ("Bàn", 4), ("Lý", 3), ("Đặng", 3), ("Chảo", 2),
                      ("Phàn", 1), ("Tẩn", 1)), (("Văn", 4), ("Tiến", 1), ("Kim", 1)),
                     (("Thị", 5), ("Mùi", 1)), N.MALE_GIVEN, N.FEMALE_GIVEN),
    "san_diu": NameStyle(N.SAN_DIU_FAMILY_NAMES, N.MALE_MIDDLE, N.FEMALE_MIDDLE,
                         N.MALE_GIVEN, N.FEMALE_GIVEN),
    "khmer": NameStyle((("Thạch", 6), ("Sơn", 5), ("Kim", 3), ("Danh", 4), ("Lâm", 2),
                        ("Huỳnh", 1), ("Châu", 2), ("Lý", 2), ("Trần", 1)),
                       (("", 5), ("Văn", 1)), (("Thị", 5), ("", 1)),
                       ("Sa Rươne", "Sô Phol", "Chanh Đa", "Sóc", "Phươl", "Sà Ri", "Mạnh",
                        "Hoàng", "Phol", "Sươl", "Thy", "Đa Ra", "Sa Vát", "Ni", "Thol", "Khen"),
                       ("Sa Ri", "Sa Rinh", "Sô Phia", "Kim Hoa", "Thi Ta", "Sóc Khia", "Đa Ni",
                        "Chanh Thi", "Mây", "Ngọc", "Sa Vy")),
    "cham": NameStyle((("Đạt", 2), ("Thuận", 2), ("Lưu", 2), ("Thiên", 1), ("Quảng", 2),
                       ("Bá", 1), ("Phú", 1), ("Châu", 1), ("Mã", 1)), _V, _T,
                      N.MALE_GIVEN, N.FEMALE_GIVEN),
    "hoa": NameStyle((("Lâm", 3), ("Quách", 2), ("Mã", 2), ("Trương", 3), ("Lưu", 2),
                      ("Châu", 2), ("Lý", 3), ("Thái", 1), ("Diệp", 1), ("Huỳnh", 2),
                      ("Tăng", 1)), KINH_SOUTH_MALE_MIDDLE, KINH_SOUTH_FEMALE_MIDDLE,
                     SOUTH_MALE_GIVEN, SOUTH_FEMALE_GIVEN),
    "ede": NameStyle((("Niê", 4), ("Mlô", 2), ("Ayũn", 1), ("Êban", 1), ("Byă", 1),
                      ("Adrơng", 1), ("Kbuôr", 1), ("Hwing", 1), ("Niê Kdăm", 1)),
                     (("", 1),), (("", 1),),
                     ("Ngông", "Biăp", "Khoa", "Thông", "Sơn", "Jut", "Bhin", "Duel", "Kô"),
                     ("Linh", "Hen", "Yim", "Nhi", "Bia", "Ruah", "Zen", "Lan"),
                     family_last=True),
    "jarai": NameStyle((("Ksor", 4), ("Siu", 3), ("Rơ Mah", 3), ("Rah Lan", 2), ("Kpă", 2),
                        ("Nay", 2), ("Rơ Châm", 2), ("Puih", 1)), (("", 1),), (("", 1),),
                       ("Phước", "Hoàng", "Hiếu", "Blối", "Thơ", "Dlưm", "Đun", "Kiên", "Plin"),
                       ("H'Bloanh", "H'Yim", "H'Nhơn", "H'Ngôm", "Chinh", "Hlin", "H'Nga")),
    "highland": NameStyle((("Đinh", 5), ("Hồ", 4), ("A", 2), ("Y", 2), ("Điểu", 2), ("Ka", 1),
                           ("Bhling", 1), ("Alăng", 1), ("Pi Năng", 1), ("Hà", 1)),
                          (("Văn", 4), ("", 2), ("Thanh", 1)), (("Thị", 5), ("", 1)),
                          N.MALE_GIVEN + ("Blang", "Nhơn", "Hmoong", "Drếp", "Krông", "Thiên"),
                          N.FEMALE_GIVEN + ("Hmoong", "Blơ", "Nhơn")),
}
ETHNIC_STYLE = {
    "Hoa": "hoa",
    "Khmer": "khmer",
    "Chăm": "cham",
    "Tày": "tay",
    "Nùng": "tay",
    "Sán Chay": "tay",
    "Giáy": "tay",
    "Thái": "thai",
    "Lự": "thai",
    "Khơ Mú": "thai",
    "Mường": "muong",
    "H'Mông": "hmong",
    "Hà Nhì": "hmong",
    "Dao": "dao",
    "Sán Dìu": "san_diu",
    "Ê Đê": "ede",
    "Gia Rai": "jarai",
}  # every other minority of the Central Highlands and Trường Sơn: "highland"
ETHNIC_RELIGION = {
    "Khmer": (("Phật giáo", 70), ("", 30)),
    "Chăm": (("", 60), ("Hồi giáo", 20), ("Bà-la-môn", 20)),
    "Ê Đê": (("", 85), ("Tin lành", 10), ("Công giáo", 5)),
    "Gia Rai": (("", 85), ("Tin lành", 8), ("Công giáo", 7)),
    "Hoa": (("", 80), ("Phật giáo", 20)),
}
RELIGION = (("Phật giáo", 2.8), ("Công giáo", 2.0))  # the rest: "" (none)

# Ages on AS_OF (years, inclusive) by kind of cell: (lo, hi, weight).
AGE_BUCKETS = {
    "village": ((21, 30, 10), (31, 40, 14), (41, 50, 15), (51, 60, 16), (61, 70, 19),
                (71, 80, 15), (81, 90, 8), (91, 99, 3)),
    "urban": ((21, 30, 7), (31, 40, 11), (41, 50, 13), (51, 60, 15), (61, 70, 22),
              (71, 80, 18), (81, 90, 10), (91, 99, 4)),
    "working": ((22, 30, 18), (31, 40, 32), (41, 50, 28), (51, 61, 22)),
    "armed": ((21, 30, 35), (31, 40, 35), (41, 50, 22), (51, 56, 8)),
    "old": ((70, 80, 40), (81, 90, 40), (91, 99, 20)),  # members who have died since
}
ADMISSION_AGE = {
    "village": ((18, 24, 38), (25, 34, 34), (35, 44, 19), (45, 59, 9)),
    "urban": ((18, 24, 34), (25, 34, 36), (35, 44, 20), (45, 59, 10)),
    "working": ((20, 27, 45), (28, 35, 38), (36, 50, 17)),
    "armed": ((18, 23, 60), (24, 32, 35), (33, 45, 5)),
    "old": ((18, 24, 50), (25, 34, 35), (35, 45, 15)),
}
PROBATIONARY_AGE = ((18, 24, 45), (25, 32, 35), (33, 45, 20))
OCCUPATIONS = {
    "village": ("Nông dân", "Nông dân", "Nông dân", "Kinh doanh tự do", "Công nhân",
                "Lao động tự do", "Cán bộ thôn"),
    "village_old": ("Hưu trí", "Hưu trí", "Nông dân", "Cựu chiến binh", "Hưu trí"),
    "urban": ("Kinh doanh tự do", "Công nhân", "Nhân viên văn phòng", "Cán bộ tổ dân phố",
              "Lao động tự do", "Công chức"),
    "urban_old": ("Hưu trí", "Hưu trí", "Hưu trí", "Hưu trí", "Cựu chiến binh"),
    "agency": ("Công chức", "Công chức", "Viên chức"),
    "school": ("Giáo viên", "Giáo viên", "Giáo viên", "Cán bộ quản lý giáo dục", "Nhân viên"),
    "university": ("Giảng viên", "Giảng viên", "Giảng viên", "Viên chức", "Nghiên cứu viên"),
    "health": ("Bác sĩ", "Bác sĩ", "Điều dưỡng", "Y sĩ", "Dược sĩ", "Kỹ thuật viên",
               "Viên chức"),
    "public_unit": ("Viên chức", "Viên chức", "Viên chức", "Kỹ sư", "Nhân viên"),
    "enterprise": ("Kỹ sư", "Công nhân", "Nhân viên", "Cán bộ quản lý"),
    "bank": ("Nhân viên ngân hàng", "Chuyên viên", "Cán bộ quản lý"),
    "cooperative": ("Xã viên hợp tác xã", "Xã viên hợp tác xã", "Cán bộ quản lý"),
    "armed_forces": ("Sĩ quan quân đội", "Quân nhân chuyên nghiệp"),
    "police": ("Sĩ quan công an", "Sĩ quan công an", "Hạ sĩ quan công an"),
}
QUALIFICATIONS = {
    "village": ("", "", "", "Sơ cấp", "Trung cấp", "Cao đẳng", "Đại học"),
    "urban": ("", "Trung cấp", "Cao đẳng", "Đại học", "Đại học"),
    "working": ("Đại học", "Đại học", "Đại học", "Cao đẳng", "Trung cấp", "Thạc sĩ"),
    "university": ("Thạc sĩ", "Thạc sĩ", "Tiến sĩ", "Tiến sĩ", "Đại học"),
    "armed": ("Đại học", "Đại học", "Cao đẳng", "Trung cấp"),
}
THEORY = {
    "village": (("", 50), ("elementary", 44), ("intermediate", 6)),
    "urban": (("", 40), ("elementary", 48), ("intermediate", 10), ("advanced", 2)),
    "working": (("", 3), ("elementary", 35), ("intermediate", 45), ("advanced", 14),
                ("bachelor", 3)),
    "armed": (("elementary", 40), ("intermediate", 45), ("advanced", 15)),
}
PHONE_PREFIXES = ("09", "09", "03", "08", "07")
# Members who left the roll: (kind of event, status, weight) by kind of cell.
EXITS_RESIDENTIAL = (("deceased", "deceased", 80), ("transferred_out", "left", 8),
                     ("struck_off", "struck_off", 8), ("resigned", "resigned", 2),
                     ("expelled", "expelled", 2))
EXITS_WORKING = (("transferred_out", "left", 50), ("struck_off", "struck_off", 25),
                 ("resigned", "resigned", 10), ("expelled", "expelled", 10),
                 ("deceased", "deceased", 5))
EXIT_RATE = {"village": 0.02, "urban": 0.02, "working": 0.008, "armed": 0.006}
P_ADMITTED_HERE = {"village": 0.78, "urban": 0.55, "working": 0.4, "armed": 0.55}
FEMALE = {"village": 0.30, "urban": 0.38}

# ----------------------------------------------------------------------------- organisations


@dataclass(frozen=True)
class Institution:
    """A kind of cell or committee: what it is called, who is in it and how big it is."""

    key: str
    names: tuple[str, ...]  # patterns: {unit} {name} {place} {prov} {cw} {n}; cycled then numbered
    sector: str
    profile: str  # working / armed
    occupation: str
    female: float
    cell_size: tuple[int, int]  # members of a (grassroots or sub-) cell
    founded: tuple[int, int] | None  # years; None: established at the 2025 reform
    count: tuple[int, int] = (1, 1)  # per commune (commune institutions)
    committee: float = 0.0  # share that are grassroots committees (province level)
    sub_cells: tuple[int, int] = (0, 0)  # sub-cells of a committee
    sub_names: tuple[str, ...] = ()  # sub-cell names, then "… {n}"
    weight: float = 0.0  # share of the province-level members


COMMUNE_INSTITUTIONS = (
    Institution("co-quan-dang", ("Chi bộ Các cơ quan Đảng {unit} {name}",), "agency", "working",
                "agency", 0.45, (10, 22), None),
    Institution("ubnd", ("Chi bộ Hội đồng nhân dân - Ủy ban nhân dân {unit} {name}",),
                "agency", "working", "agency", 0.45, (14, 28), None),
    Institution("cong-an", ("Chi bộ Công an {unit} {name}",), "armed_forces", "armed",
                "police", 0.12, (12, 28), None),
    Institution("mttq", ("Chi bộ Ủy ban Mặt trận Tổ quốc Việt Nam {unit} {name}",), "agency",
                "working", "agency", 0.55, (5, 12), None),
    Institution("quan-su", ("Chi bộ Ban Chỉ huy Quân sự {unit} {name}",), "armed_forces",
                "armed", "armed_forces", 0.05, (5, 12), None),
    Institution("tram-y-te", ("Chi bộ Trạm Y tế {unit} {name}",), "public_unit", "working",
                "health", 0.6, (4, 12), (1975, 2010)),
    Institution("thcs", ("Chi bộ Trường THCS {place}",), "school", "working", "school", 0.68,
                (7, 20), (1960, 2010), (1, 2)),
    Institution("tieu-hoc", ("Chi bộ Trường Tiểu học {place}",), "school", "working", "school",
                0.78, (6, 18), (1960, 2012), (1, 2)),
    Institution("mam-non", ("Chi bộ Trường Mầm non {place}",), "school", "working", "school",
                0.95, (4, 14), (1970, 2015), (1, 2)),
    Institution("htx", ("Chi bộ Hợp tác xã Nông nghiệp {place}",), "enterprise", "working",
                "cooperative", 0.3, (3, 9), (1990, 2020), (0, 1)),
)

AGENCY_SUB = ("Văn phòng", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính", "Thanh tra",
              "Phòng Pháp chế", "Phòng Tổng hợp", "Phòng Quản lý chuyên ngành",
              "Phòng Hành chính - Quản trị", "Phòng Chính sách", "Phòng Kiểm tra",
              "Trung tâm Thông tin", "Phòng Nghiệp vụ")
HOSPITAL_SUB = ("Khoa Khám bệnh", "Khoa Nội tổng hợp", "Khoa Ngoại tổng hợp",
                "Khoa Hồi sức tích cực - Chống độc", "Khoa Cấp cứu", "Khoa Sản",
                "Khoa Nhi", "Khoa Xét nghiệm", "Khoa Chẩn đoán hình ảnh", "Khoa Dược",
                "Khoa Gây mê hồi sức", "Khoa Truyền nhiễm", "Khoa Tim mạch",
                "Phòng Kế hoạch tổng hợp", "Phòng Điều dưỡng", "Phòng Tài chính kế toán",
                "Khoa Nội")
SCHOOL_SUB = ("Khoa Kinh tế", "Khoa Sư phạm", "Khoa Ngoại ngữ", "Khoa Công nghệ thông tin",
              "Khoa Kỹ thuật", "Khoa Nông lâm", "Khoa Y dược", "Khoa Luật", "Khoa Lý luận chính trị",
              "Phòng Đào tạo", "Phòng Tổ chức - Hành chính", "Tổ bộ môn")
ENTERPRISE_SUB = ("Phòng Kỹ thuật", "Phòng Kinh doanh", "Phòng Tài chính - Kế toán",
                  "Phòng Tổ chức - Hành chính", "Xí nghiệp", "Phân xưởng", "Đội sản xuất",
                  "Chi nhánh")
POLICE_SUB = ("Đội Tổng hợp", "Đội Điều tra", "Đội Tuần tra", "Đội Nghiệp vụ", "Đội")
MILITARY_SUB = ("Ban Tham mưu", "Ban Chính trị", "Ban Hậu cần - Kỹ thuật", "Đại đội")

PROVINCE_INSTITUTIONS = (
    Institution("agency", (
        "Văn phòng {cw}", "Ban Tổ chức {cw}", "Ủy ban Kiểm tra {cw}",
        "Ban Tuyên giáo và Dân vận {cw}", "Ban Nội chính {cw}", "Báo và Phát thanh, Truyền hình {prov}",
        "Trường Chính trị {prov}", "Văn phòng Ủy ban nhân dân {prov}",
        "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân {prov}", "Sở Tài chính {prov}",
        "Sở Nội vụ {prov}", "Sở Tư pháp {prov}", "Sở Xây dựng {prov}",
        "Sở Nông nghiệp và Môi trường {prov}", "Sở Công Thương {prov}",
        "Sở Giáo dục và Đào tạo {prov}", "Sở Y tế {prov}", "Sở Khoa học và Công nghệ {prov}",
        "Sở Văn hóa, Thể thao và Du lịch {prov}", "Sở Dân tộc và Tôn giáo {prov}",
        "Thanh tra {prov}", "Ủy ban Mặt trận Tổ quốc Việt Nam {prov}",
        "Tòa án nhân dân {prov}", "Viện Kiểm sát nhân dân {prov}", "Thuế {prov}",
        "Thống kê {prov}", "Bảo hiểm xã hội {prov}", "Thi hành án dân sự {prov}",
        "Ban Quản lý các khu công nghiệp {prov}", "Ban Quản lý dự án đầu tư xây dựng {prov}",
        "Tòa án nhân dân khu vực {n}", "Viện Kiểm sát nhân dân khu vực {n}",
        "Thuế cơ sở {n}", "Kho bạc Nhà nước khu vực {n}", "Bảo hiểm xã hội cơ sở {place}",
        "Chi cục Quản lý đất đai khu vực {n}", "Hạt Kiểm lâm khu vực {n}",
        ), "agency", "working", "agency", 0.45, (6, 18), (1990, 2025),
        committee=0.65, sub_cells=(4, 30), sub_names=AGENCY_SUB, weight=0.30),
    Institution("public_unit", (
        "Bệnh viện Đa khoa {prov}", "Bệnh viện Sản - Nhi {prov}",
        "Bệnh viện Y dược cổ truyền {prov}", "Bệnh viện Phổi {prov}",
        "Bệnh viện Tâm thần {prov}", "Bệnh viện Mắt {prov}", "Trung tâm Kiểm soát bệnh tật {prov}",
        "Bệnh viện Đa khoa khu vực {place}", "Trung tâm Y tế khu vực {place}",
        "Văn phòng Đăng ký đất đai {prov}", "Trung tâm Dịch vụ việc làm {prov}",
        "Bảo tàng {prov}", "Thư viện {prov}", "Đài Khí tượng thủy văn {prov}",
        ), "public_unit", "working", "health", 0.58, (6, 20), (1960, 2015),
        committee=0.6, sub_cells=(4, 40), sub_names=HOSPITAL_SUB, weight=0.16),
    Institution("school", (
        "Trường THPT Chuyên {name}", "Trường THPT {place}", "Trường THPT {place}",
        "Trường Cao đẳng {name}", "Trường Cao đẳng Y tế {name}", "Trường Đại học {name}",
        "Trường THPT {place}", "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên {place}",
        "Trường THPT {place}", "Trường Phổ thông Dân tộc nội trú {place}",
        ), "school", "working", "school", 0.62, (10, 26), (1960, 2015),
        committee=0.4, sub_cells=(3, 25), sub_names=SCHOOL_SUB, weight=0.14),
    Institution("enterprise", (
        "Công ty Điện lực {name}", "Viễn thông {name}", "Viettel {name}", "Bưu điện {prov}",
        "Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh {name}",
        "Ngân hàng Ngoại thương chi nhánh {name}", "Ngân hàng Đầu tư và Phát triển chi nhánh {name}",
        "Ngân hàng Công Thương chi nhánh {name}", "Ngân hàng Chính sách xã hội chi nhánh {name}",
        "Công ty cổ phần Cấp nước {name}",
        "Công ty TNHH MTV Khai thác công trình thủy lợi {name}",
        "Công ty cổ phần Môi trường đô thị {name}", "Công ty TNHH MTV Xổ số kiến thiết {name}",
        "Công ty cổ phần {brand}", "Công ty TNHH {brand}", "Công ty cổ phần Đầu tư {brand}",
        "Hợp tác xã {brand}",
        ), "enterprise", "working", "enterprise", 0.3, (5, 22), (1976, 2020),
        committee=0.55, sub_cells=(3, 30), sub_names=ENTERPRISE_SUB, weight=0.22),
    Institution("police", (
        "Phòng Tham mưu Công an {prov}", "Phòng Cảnh sát hình sự Công an {prov}",
        "Phòng Cảnh sát điều tra tội phạm về ma túy Công an {prov}",
        "Phòng Cảnh sát giao thông Công an {prov}", "Phòng Cảnh sát cơ động Công an {prov}",
        "Phòng An ninh chính trị nội bộ Công an {prov}", "Phòng An ninh kinh tế Công an {prov}",
        "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao Công an {prov}",
        "Phòng Quản lý hành chính về trật tự xã hội Công an {prov}",
        "Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ Công an {prov}",
        "Phòng Hậu cần Công an {prov}", "Phòng Tổ chức cán bộ Công an {prov}",
        "Phòng Cảnh sát kinh tế Công an {prov}", "Phòng Xuất nhập cảnh Công an {prov}",
        "Phòng Kỹ thuật hình sự Công an {prov}", "Trại tạm giam Công an {prov}",
        "Cơ quan Cảnh sát điều tra Công an {prov}", "Phòng Cảnh sát môi trường Công an {prov}",
        "Tiểu đoàn Cảnh sát cơ động {n} Công an {prov}",
        "Đội Cảnh sát giao thông đường bộ số {n} Công an {prov}",
        ), "armed_forces", "armed", "police", 0.14, (8, 20), (2000, 2025),
        committee=0.7, sub_cells=(4, 20), sub_names=POLICE_SUB, weight=0.10),
    Institution("military", (
        "Cơ quan Bộ Chỉ huy Quân sự {prov}", "Ban Chỉ huy Phòng thủ khu vực {n}",
        "Trường Quân sự {prov}", "Trung đoàn {n}", "Tiểu đoàn {n}",
        "Ban Chỉ huy Phòng thủ khu vực {n}", "Trung đoàn {n}",
        ), "armed_forces", "armed", "armed_forces", 0.06, (8, 20), (1976, 2025),
        committee=0.75, sub_cells=(4, 25), sub_names=MILITARY_SUB, weight=0.08),
)
BORDER_GUARD = Institution(
    "border", ("Bộ Chỉ huy Bộ đội Biên phòng {prov}", "Đồn Biên phòng {place}"),
    "armed_forces", "armed", "armed_forces", 0.05, (8, 18), (1976, 2010), committee=0.8,
    sub_cells=(3, 8), sub_names=MILITARY_SUB, weight=0.03,
)
# fmt: on
PROVINCE_SHARE = 0.30  # of a province's members, in its province-level organisations
RESIDENTIAL_CELL_SIZE = {"village": 25, "urban": 23}  # average members
RESIDENTIAL_GROUP = (9, 17)  # villages per residential grassroots committee

# ----------------------------------------------------------------------------- tables

ORG_FIELDS = (
    "id",
    "code",
    "name",
    "kind",
    "sector",
    "valid_from",
    "parent",
    "path",
    "depth",
    "has_seal",
)
LINK_FIELDS = ("child", "parent", "valid_from")
ORG_EVENT_FIELDS = ("id", "kind", "effective_date", "note", "data", "recorded_at")
OUTPUT_FIELDS = ("orgevent", "organisation")
MEMBER_FIELDS = (
    "id",
    "full_name",
    "birth_name",
    "aliases",
    "gender",
    "date_of_birth",
    "birthplace",
    "home_town",
    "permanent_address",
    "temporary_address",
    "phone",
    "ethnicity",
    "religion",
    "id_number",
    "severe_illness",
    "education",
    "qualification",
    "political_theory",
    "languages",
    "occupation",
    "workplace",
    "card_number",
    "record_number",
    "admission_vote_date",
    "admission_decision_date",
    "admission_ceremony_date",
    "admission_org",
    "official_recognition_date",
    "status",
    "exit_date",
    "org",
    "search_name",
    "sort_key",
    "given_name",
    "family_name",
    "middle_name",
    "created_at",
    "updated_at",
)
BODY_FIELDS = ("org", "body_type", "term_start_year", "term_end_year", "formed_by", "valid_from")
MEMBERSHIP_FIELDS = ("member", "org", "kind", "valid_from", "valid_to", "reason", "register_no")
EVENT_FIELDS = (
    "member",
    "kind",
    "effective_date",
    "decision_ref",
    "from_org",
    "to_org",
    "status_after",
    "note",
    "data",
    "recorded_at",
)


def _tables() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Table and column names from the models, so that a renamed column fails loudly."""
    through = OrgEvent.outputs.through
    spec = {
        "orgs": (Organisation, ORG_FIELDS),
        "links": (OrgLink, LINK_FIELDS),
        "org_events": (OrgEvent, ORG_EVENT_FIELDS),
        "outputs": (through, OUTPUT_FIELDS),
        "bodies": (CommitteeBody, BODY_FIELDS),
        "members": (Member, MEMBER_FIELDS),
        "memberships": (Membership, MEMBERSHIP_FIELDS),
        "events": (MemberEvent, EVENT_FIELDS),
    }
    return {
        key: (model._meta.db_table, tuple(model._meta.get_field(f).column for f in fields))
        for key, (model, fields) in spec.items()
    }


# ----------------------------------------------------------------------------- helpers


def _expand(pairs, scale: int = 1) -> tuple:
    """(item, weight) pairs as a flat tuple where each item appears ~weight times: one
    ``t[int(random() * len(t))]`` then draws by weight, much faster than ``choices``."""
    total = sum(w for _, w in pairs)
    factor = scale / total if scale > 1 else 1
    out = []
    for item, weight in pairs:
        out.extend([item] * max(1, round(weight * factor)))
    return tuple(out)


def _buckets(spec) -> tuple:
    return _expand([((lo, hi), w) for lo, hi, w in spec])


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG_RE.sub("-", fold(text)).strip("-")


def _apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Integers proportional to ``weights`` summing to ``total`` (largest remainder), each at
    least ``minimum`` when the total allows it."""
    n = len(weights)
    if n == 0:
        return []
    s = sum(weights) or 1.0
    raw = [total * w / s for w in weights]
    out = [int(r) for r in raw]
    order = sorted(range(n), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[: total - sum(out)]:
        out[i] += 1
    if minimum and total >= minimum * n:
        for i in range(n):
            while out[i] < minimum:
                j = max(range(n), key=lambda k: out[k])
                out[j] -= 1
                out[i] += 1
    return out


def _thousands(n: float) -> str:
    return f"{n:,.0f}".replace(",", ".")


def province_targets(scale: float) -> dict[str, int]:
    """Active members per province: population × regional density, at least 12 each."""
    weights = {p.slug: p.population * REGION_DENSITY[p.region] for p in PROVINCES}
    total = round(TARGET_MEMBERS * scale)
    shares = _apportion(total, list(weights.values()))
    return {s: max(12, n) for s, n in zip(weights, shares, strict=True)}


# ----------------------------------------------------------------------------- plans


class OrgPlan:
    __slots__ = (
        "id",
        "code",
        "name",
        "kind",
        "sector",
        "parent",
        "path",
        "depth",
        "founded",
        "link_from",
    )

    def __init__(self, id_, code, name, kind, sector, parent, founded):
        self.id = id_
        self.code = code
        self.name = name
        self.kind = kind
        self.sector = sector
        self.parent = parent
        self.path = f"{parent.path if parent else ''}{id_}."
        self.depth = parent.depth + 1 if parent else 0
        self.founded = founded  # ordinal
        self.link_from = max(founded, parent.founded) if parent else 0


class CellPlan:
    """Who sits in a cell: its size and the profile its members are drawn from."""

    __slots__ = (
        "org",
        "size",
        "profile",
        "occupation",
        "female",
        "workplace",
        "address",
        "home",
        "ref",
        "reform",
    )

    def __init__(self, org, size, profile, occupation, female, workplace, address, home, ref):
        self.org = org
        self.size = size
        self.profile = profile  # village / urban / working / armed
        self.occupation = occupation
        self.female = female
        self.workplace = workplace
        self.address = address  # permanent address of residents ("" for workplaces)
        self.home = home  # the commune, as a place ("xã Tân Phú, tỉnh Phú Thọ")
        self.ref = ref  # suffix of decision numbers: QĐ/ĐU (commune) or QĐ/TU (province)
        self.reform = org.founded == REFORM.toordinal()


@dataclass
class IdStart:
    """First free ids of the tables whose ids are written explicitly."""

    org: int = 1
    org_event: int = 1
    member: int = 1


# ----------------------------------------------------------------------------- the world


class NationalWorld:
    """Generates the rows of the national world, province by province.

    ``stream()`` yields ``(table key, rows)`` pairs (keys of ``_tables()``) and
    ``("province", info)`` markers; rows are tuples in the order of the ``*_FIELDS``
    constants, NULL as None, so that one stream feeds COPY, executemany or a hash.
    """

    def __init__(
        self,
        *,
        scale: float = 1.0,
        seed: int = SEED,
        as_of: date = AS_OF,
        ids: IdStart | None = None,
        now: str = "2026-06-30 00:00:00+00:00",
        taken_cards: set[str] | None = None,
        taken_ids: set[str] | None = None,
    ):
        if scale <= 0:
            raise ValueError("scale must be positive")
        if as_of < REFORM + timedelta(days=90):
            # Every cell must exist 75 days before ``as_of`` (see ``_cell_members``).
            raise ValueError("as_of must be at least 90 days after the 2025 reform")
        self.scale = scale
        self.seed = seed
        self.as_of = as_of
        self.ids = ids or IdStart()
        self.now = now
        self.taken_cards = taken_cards or set()
        self.taken_ids = taken_ids or set()
        self.next_org = self.ids.org
        self.next_org_event = self.ids.org_event
        self.next_member = self.ids.member
        self.codes: set[str] = set()
        self.card_counter = 0
        self.card_offset = random.Random(f"{seed}:cards").randrange(CARD_SPACE)
        self.id_counters: Counter = Counter()
        self.name_cache: dict[str, tuple[str, str]] = {}
        self.counts = {
            "organisations": Counter(),
            "members": Counter(),
            "memberships": 0,
            "member_events": 0,
            "committee_bodies": 0,
        }
        self._prepare_calendar()

    # ------------------------------------------------------------------ calendar
    def _prepare_calendar(self) -> None:
        """ISO strings and probation ends for every day from 1900, by ordinal."""
        self.base = date(1900, 1, 1).toordinal()
        last = self.as_of.toordinal() + 400
        self.iso = [date.fromordinal(o).isoformat() for o in range(self.base, last)]
        ends = []
        for o in range(self.base, last):
            d = date.fromordinal(o)
            try:
                ends.append(d.replace(year=d.year + 1).toordinal())
            except ValueError:  # 29/02 + 12 months = 28/02 (rules.add_months)
                ends.append(date(d.year + 1, 2, 28).toordinal())
        self.probation_end = ends
        self.year_days = [round(a * 365.2425) for a in range(0, 121)]

    def _random_day(self, rng: random.Random, lo_year: int, hi_year: int) -> int:
        """A founding day in those years, never after the eve of the reform."""
        lo = date(lo_year, 1, 1).toordinal()
        hi = min(date(hi_year, 12, 31).toordinal(), REFORM.toordinal() - 1)
        return rng.randint(lo, hi)

    # ------------------------------------------------------------------ organisations
    def _code(self, text: str) -> str:
        """A unique code matching ``CODE_RE`` (lower-case ASCII words and hyphens)."""
        base = slug(text)[:58].strip("-")
        code, n = base, 1
        while code in self.codes:
            n += 1
            code = f"{base}-{n}"
        self.codes.add(code)
        return code

    def _org(self, code, name, kind, sector, parent, founded: int) -> OrgPlan:
        org = OrgPlan(self.next_org, self._code(code), name, kind, sector, parent, founded)
        self.next_org += 1
        self.orgs.append(org)
        return org

    def _place_name(self, rng: random.Random, region: str, used: set[str]) -> str:
        syllables = SOUTH_SYLLABLES if region in SOUTH else NORTH_SYLLABLES
        for _ in range(60):
            if region in LOCAL_SHARE and rng.random() < LOCAL_SHARE[region]:
                name = f"{rng.choice(LOCAL_PREFIXES[region])} {rng.choice(LOCAL_SUFFIXES[region])}"
            else:
                first, second = rng.sample(syllables, 2)
                name = f"{first} {second}"
            if name not in used:
                used.add(name)
                return name
        name = f"{name} {len(used) + 1}"
        used.add(name)
        return name

    def _build_province(self, spec: Province, members: int):
        """The province's organisations and cells; members are drawn later, cell by cell."""
        rng = random.Random(f"{self.seed}:{spec.slug}:orgs")
        self.orgs: list[OrgPlan] = []
        cells: list[CellPlan] = []
        province = self._org(
            f"{CODE_PREFIX}-{spec.slug}",
            f"Đảng bộ {spec.title}",
            "province_committee",
            "territorial",
            self.root,
            spec.founded.toordinal(),
        )
        title = spec.title
        # Members: the province's own organisations, then the communes.
        at_province = round(members * PROVINCE_SHARE)
        if at_province < 3:
            at_province = 0
        in_communes = members - at_province
        total_units = spec.wards + spec.communes + spec.special
        n_units = max(1, min(round(total_units * self.scale), in_communes // 3))
        n_special = min(round(n_units * spec.special / total_units), n_units)
        n_wards = min(round(n_units * spec.wards / total_units), n_units - n_special)
        if spec.is_city and n_wards == 0 and n_units > n_special:
            n_wards = 1
        n_communes = n_units - n_special - n_wards
        used_names: set[str] = set()
        units: list[tuple[str, str, str, float]] = []  # (unit word, name, sector, weight)
        for name in SPECIAL_ZONES.get(spec.slug, ())[:n_special]:
            used_names.add(name)
            units.append(("đặc khu", name, "commune", rng.uniform(0.2, 0.5)))
        real = list(REAL_WARDS.get(spec.slug, ()))
        for i in range(n_wards):
            if i < len(real):
                name = real[i]
                used_names.add(name)
            else:
                name = self._place_name(rng, spec.region, used_names)
            weight = rng.uniform(0.9, 1.7) if spec.is_city else rng.uniform(0.8, 1.4)
            units.append(("phường", name, "ward", weight))
        for _ in range(n_communes):
            name = self._place_name(rng, spec.region, used_names)
            units.append(("xã", name, "commune", rng.uniform(0.6, 1.3)))
        budgets = _apportion(in_communes, [u[3] for u in units], minimum=3)
        places = [f"{unit} {name}, {title}" for unit, name, _, _ in units]
        self.places = places
        for (unit, name, sector, _), budget, place in zip(units, budgets, places, strict=True):
            self._build_commune(rng, spec, province, unit, name, sector, budget, place, cells)
        if at_province:
            unit_names = [name for _, name, _, _ in units]
            self._build_province_level(rng, spec, province, at_province, cells, unit_names)
        return self.orgs, cells

    def _build_commune(self, rng, spec, province, unit, name, sector, budget, place, cells):
        """A commune or ward committee, its own cells, and its villages or residential
        groups (sub-cells of residential committees, or grassroots cells when few)."""
        reform = REFORM.toordinal()
        commune = self._org(
            f"{province.code}-{slug(name)}",
            f"Đảng bộ {unit} {name}",
            "commune_committee",
            sector,
            province,
            reform,
        )
        home = place
        # Former communes merged into this one: names of the residential committees.
        former: list[str] = [name]
        local_names: set[str] = {name}
        for _ in range(rng.randint(2, 4)):
            former.append(self._place_name(rng, spec.region, local_names))
        remaining = budget
        if budget >= 25:
            institutions = round(budget * COMMUNE_INSTITUTION_SHARE)
            remaining -= institutions
            for inst in COMMUNE_INSTITUTIONS:
                if inst.key == "htx" and sector == "ward":
                    continue
                for k in range(rng.randint(*inst.count)):
                    if institutions < 3:
                        break
                    size = min(rng.randint(*inst.cell_size), institutions)
                    if institutions - size < 3:
                        size = institutions
                    institutions -= size
                    place_name = former[k % len(former)]
                    org_name = inst.names[0].format(unit=unit, name=name, place=place_name)
                    founded = (
                        reform if inst.founded is None else self._random_day(rng, *inst.founded)
                    )
                    org = self._org(
                        f"{commune.code}-{inst.key}-{k + 1}" if k else f"{commune.code}-{inst.key}",
                        org_name,
                        "grassroots_cell",
                        inst.sector,
                        commune,
                        founded,
                    )
                    cells.append(
                        CellPlan(
                            org,
                            size,
                            inst.profile,
                            inst.occupation,
                            inst.female,
                            org_name.removeprefix("Chi bộ "),
                            "",
                            home,
                            "QĐ/ĐU",
                        )
                    )
            remaining += institutions  # what the institutions did not take
        # Villages (communes) or residential groups (wards), grouped under residential
        # committees named after the former communes.
        urban = sector == "ward"
        profile = "urban" if urban else "village"
        n_local = max(1, min(round(remaining / RESIDENTIAL_CELL_SIZE[profile]), remaining // 3))
        sizes = _apportion(remaining, [rng.uniform(0.5, 1.6) for _ in range(n_local)], 3)
        words = _expand(VILLAGE_WORDS[spec.region])
        groups: list[list[int]] = []
        i = 0
        while i < n_local:
            g = rng.randint(*RESIDENTIAL_GROUP)
            if n_local - (i + g) < 3:
                g = n_local - i
            groups.append(list(range(i, i + g)))
            i += g
        number = 0
        for gi, group in enumerate(groups):
            total = sum(sizes[j] for j in group)
            parent = commune
            kind = "grassroots_cell"
            if len(group) >= 2 and total >= 30:
                area = (
                    former[gi % len(former)]
                    if gi < len(former)
                    else (self._place_name(rng, spec.region, local_names))
                )
                parent = self._org(
                    f"{commune.code}-kdc-{slug(area)}",
                    f"Đảng bộ khu dân cư {area}",
                    "grassroots_committee",
                    sector,
                    commune,
                    reform,
                )
                kind = "sub_cell"
            for j in group:
                number += 1
                if urban:
                    word = URBAN_WORD.get(spec.region, "tổ dân phố")
                    label = f"{word} {number}" if word != "tổ dân phố" else f"{word} số {number}"
                    founded = self._random_day(rng, 1976 if spec.region in SOUTH else 1955, 2015)
                    local_sector = "residential_group"
                else:
                    word = words[int(rng.random() * len(words))]
                    if rng.random() < 0.3:
                        label = f"{word} {number}"
                    else:
                        label = f"{word} {self._place_name(rng, spec.region, local_names)}"
                    founded = self._random_day(rng, 1930, 1978)
                    local_sector = "village"
                org = self._org(
                    f"{commune.code}-{'tdp' if urban else 'thon'}-{number}",
                    f"Chi bộ {label}",
                    kind,
                    local_sector,
                    parent,
                    founded,
                )
                cells.append(
                    CellPlan(
                        org,
                        sizes[j],
                        profile,
                        profile,
                        FEMALE[profile],
                        "",
                        f"{label}, {place}",
                        home,
                        "QĐ/ĐU",
                    )
                )

    def _build_province_level(self, rng, spec, province, budget, cells, unit_names) -> None:
        """Departments, hospitals, schools, enterprises, police and military units: each a
        grassroots committee with sub-cells or a grassroots cell, until the budget is spent."""
        kinds = list(PROVINCE_INSTITUTIONS) + ([BORDER_GUARD] if spec.border else [])
        budgets = _apportion(budget, [k.weight for k in kinds])
        brands: set[str] = set()
        reform = REFORM.toordinal()
        carry = 0
        for inst, part in zip(kinds, budgets, strict=True):
            part += carry
            used = 0
            serial = 0
            repeats: Counter = Counter()
            variable = [p for p in inst.names if "{n}" in p or "{place}" in p or "{brand}" in p]
            variable = variable or [f"{p} {{n}}" for p in inst.names]
            while part - used >= 3:
                left = part - used
                if serial < len(inst.names):
                    pattern = inst.names[serial]
                else:
                    pattern = variable[serial % len(variable)]
                serial += 1
                repeats[pattern] += 1
                name = pattern.format(
                    cw=spec.committee_word,
                    prov=spec.title,
                    name=spec.name,
                    n=repeats[pattern],
                    place=unit_names[int(rng.random() * len(unit_names))],
                    brand=self._place_name(rng, spec.region, brands)
                    if "{brand}" in pattern
                    else "",
                )
                founded = self._random_day(rng, *inst.founded)
                code = f"{province.code}-{inst.key}-{serial}"
                sizes: list[int] = []
                if left >= 40 and rng.random() < inst.committee:
                    lo = inst.cell_size[0]
                    for _ in range(rng.randint(*inst.sub_cells)):
                        size = rng.randint(*inst.cell_size)
                        if sum(sizes) + size > left:
                            break
                        sizes.append(size)
                    while sum(sizes) < 30 and sum(sizes) + lo <= left:
                        sizes.append(lo)
                    if sum(sizes) < 30 or len(sizes) < 2:
                        sizes = []
                if not sizes:
                    size = min(rng.randint(*inst.cell_size), left, 29)
                    if left - size < 3:
                        size = left
                    org = self._org(
                        code, f"Chi bộ {name}", "grassroots_cell", inst.sector, province, founded
                    )
                    cells.append(
                        CellPlan(
                            org,
                            size,
                            inst.profile,
                            inst.occupation,
                            inst.female,
                            name,
                            "",
                            "",
                            "QĐ/TU",
                        )
                    )
                    used += size
                    continue
                if left - sum(sizes) < 3:
                    sizes[-1] += left - sum(sizes)
                parent = self._org(
                    code, f"Đảng bộ {name}", "grassroots_committee", inst.sector, province, founded
                )
                subs = inst.sub_names
                for k, size in enumerate(sizes):
                    label = subs[k] if k < len(subs) - 1 else f"{subs[-1]} {k - len(subs) + 2}"
                    sub_founded = min(founded + int(rng.random() * 1500), reform)
                    org = self._org(
                        f"{code}-{k + 1}",
                        f"Chi bộ {label}",
                        "sub_cell",
                        inst.sector,
                        parent,
                        sub_founded,
                    )
                    cells.append(
                        CellPlan(
                            org,
                            size,
                            inst.profile,
                            inst.occupation,
                            inst.female,
                            name,
                            "",
                            "",
                            "QĐ/TU",
                        )
                    )
                used += sum(sizes)
            carry = part - used
        if carry and cells:
            cells[-1].size += carry

    def _org_rows(self, orgs: list[OrgPlan]):
        rows, links, events, outputs = [], [], [], []
        iso, base, now = self.iso, self.base, self.now
        for org in orgs:
            founded = iso[org.founded - base]
            rows.append(
                (
                    org.id,
                    org.code,
                    org.name,
                    org.kind,
                    org.sector,
                    founded,
                    org.parent.id if org.parent else None,
                    org.path,
                    org.depth,
                    org.kind not in ("sub_cell", "party_group"),
                )
            )
            if org.parent is not None:
                links.append((org.id, org.parent.id, iso[org.link_from - base]))
            event_id = self.next_org_event
            self.next_org_event += 1
            events.append((event_id, "establish", founded, "", "{}", now))
            outputs.append((event_id, org.id))
            self.counts["organisations"][org.kind] += 1
        return rows, links, events, outputs

    # ------------------------------------------------------------------ members
    def _card(self) -> str:
        while True:
            k = self.card_counter
            self.card_counter += 1
            if k >= CARD_SPACE:
                raise RuntimeError("no more national card numbers: scale too large")
            card = f"{(k * 7_654_321 + self.card_offset) % CARD_SPACE:08d}"
            if card not in self.taken_cards:
                return card

    def _id_number(self, code: str, female: bool, dob: int) -> str:
        year = date.fromordinal(dob).year
        century = (0 if year < 2000 else 2) + (1 if female else 0)
        key = (code, century, year % 100)
        while True:
            n = self.id_counters[key]
            if n >= 1_000_000:
                raise RuntimeError("no more CCCD serial numbers: scale too large")
            self.id_counters[key] = n + 1
            value = f"{code}{century}{year % 100:02d}{(n * 7919 + 4242) % 1_000_000:06d}"
            if value not in self.taken_ids:
                return value

    def _people(self, spec: Province):
        """Per-province lookup tables for the hot loop."""
        south = spec.region in SOUTH
        minorities = list(spec.ethnic)
        kinh = 1.0 - sum(s for _, s in minorities)
        ethnic = _expand([("Kinh", kinh), *minorities], scale=2000)
        styles = {}
        for eth in {"Kinh", *(e for e, _ in minorities)}:
            if eth == "Kinh":
                key = "kinh_s" if south else "kinh_n"
            else:
                key = ETHNIC_STYLE.get(eth, "highland")
            style = NAME_STYLES[key]
            styles[eth] = (
                _expand(style.family, 200),
                _expand(style.male_middle, 100),
                _expand(style.female_middle, 100),
                tuple(style.male_given),
                tuple(style.female_given),
                style.family_last,
            )
        base_religion = dict(RELIGION)
        base_religion.update(dict(spec.religion))
        religion_pairs = [("", 100 - sum(base_religion.values())), *base_religion.items()]
        religion = {"": _expand(religion_pairs, scale=1000)}
        for eth, pairs in ETHNIC_RELIGION.items():
            religion[eth] = _expand(pairs, scale=100)
        others = [p.title for p in PROVINCES if p.slug != spec.slug]
        return ethnic, styles, religion, others

    def _cell_members(self, rng, cell: CellPlan, people, spec, out) -> None:
        """Draw a cell's active members (and a few who left), appending rows to ``out``."""
        members_out, memberships_out, events_out, bodies_out = out
        rnd = rng.random
        ethnic, styles, religion, other_provinces = people
        religion_default = religion[""]
        iso, base = self.iso, self.base
        year_days = self.year_days
        probation_end = self.probation_end
        as_of = self.as_of.toordinal()
        official_limit = as_of - 480
        hi_start = as_of - 15
        org = cell.org
        org_id = org.id
        founded = org.founded
        profile = cell.profile
        residential = profile in ("village", "urban")
        ages = _AGE[profile]
        admission_ages = _ADMISSION[profile]
        p_here = P_ADMITTED_HERE[profile]
        female_share = cell.female
        occupations = OCCUPATIONS[cell.occupation]
        old_occupations = OCCUPATIONS.get(f"{cell.occupation}_old", occupations)
        qual_key = (
            "university"
            if cell.occupation == "university"
            else (profile if profile in QUALIFICATIONS else "working")
        )
        qualifications = QUALIFICATIONS[qual_key]
        theories = _THEORY[profile]
        places = self.places
        home_cell = cell.home
        address = cell.address
        workplace = cell.workplace
        ref = cell.ref
        id_codes = spec.id_codes
        now = self.now
        names = self.name_cache
        exit_rate = EXIT_RATE[profile]
        exits = _EXITS_RES if residential else _EXITS_WORK
        n_exit = int(cell.size * exit_rate + rnd())
        statuses = self.counts["members"]
        officials = 0
        for i in range(cell.size + n_exit):
            leaving = i >= cell.size
            probationary = not leaving and i >= 3 and rnd() < P_PROBATIONARY
            exit_kind = exits[int(rnd() * len(exits))] if leaving else None
            female = rnd() < female_share
            eth = ethnic[int(rnd() * len(ethnic))]
            fam, mmid, fmid, mgiven, fgiven, family_last = styles[eth]
            family = fam[int(rnd() * len(fam))]
            if female:
                middle = fmid[int(rnd() * len(fmid))]
                given = fgiven[int(rnd() * len(fgiven))]
            else:
                middle = mmid[int(rnd() * len(mmid))]
                given = mgiven[int(rnd() * len(mgiven))]
            if family_last:
                full_name = f"H'{given} {family}" if female else f"Y {given} {family}"
            elif middle == given:
                full_name = f"{family} {'Thị' if female else 'Văn'} {given}"
            elif middle:
                full_name = f"{family} {middle} {given}"
            else:
                full_name = f"{family} {given}"
            derived = names.get(full_name)
            if derived is None:
                derived = names[full_name] = (
                    fold(full_name),
                    name_sort_key(full_name),
                    *name_parts(full_name),
                )
            # Dates, as ordinals: birth, vote, decision, ceremony, recognition.
            if probationary:
                ceremony = as_of - int(rnd() * 355)
                decision = ceremony - int(rnd() * 21)
                vote = decision - 7 - int(rnd() * 34)
                lo, hi = PROBATIONARY_AGES[int(rnd() * len(PROBATIONARY_AGES))]
                age_at_vote = lo + int(rnd() * (hi - lo + 1))
                dob = vote - year_days[age_at_vote] - 2 - int(rnd() * 330)
                recognition = None
                age = (as_of - dob) // 366
            else:
                buckets = _AGE["old"] if exit_kind and exit_kind[0] == "deceased" else ages
                lo, hi = buckets[int(rnd() * len(buckets))]
                age = lo + int(rnd() * (hi - lo + 1))
                if female and profile == "working" and age > 57:
                    age = 22 + int(rnd() * 36)
                dob = as_of - year_days[age] - int(rnd() * 365)
                lo, hi = admission_ages[int(rnd() * len(admission_ages))]
                age_at_vote = lo + int(rnd() * (hi - lo + 1))
                highest = min(59, age - 2)
                if age_at_vote > highest:
                    age_at_vote = 18 + int(rnd() * (highest - 17))
                vote = dob + year_days[age_at_vote] + 2 + int(rnd() * 330)
                if vote > official_limit:
                    vote = official_limit - int(rnd() * 200)
                decision = vote + 7 + int(rnd() * 39)
                ceremony = decision + int(rnd() * 26)
                recognition = probation_end[ceremony - base] + int(rnd() * 41)
            # Where and since when in this cell.
            here = decision >= founded and rnd() < p_here
            if here:
                start = decision
            else:
                lo = decision + 60 if decision + 60 > founded else founded
                if lo > hi_start:
                    here, start = True, decision
                elif cell.reform and rnd() < 0.85:
                    start = lo
                elif residential and age >= 62 and rnd() < 0.6:
                    start = dob + year_days[60] + int(rnd() * 400)
                    if not lo <= start <= hi_start:
                        start = lo + int(rnd() * (hi_start - lo + 1))
                else:
                    start = lo + int(rnd() * (hi_start - lo + 1))
            exit_date = None
            if leaving:
                floor = max(start, recognition) + 30
                earliest = as_of - (2190 if exit_kind[0] == "deceased" else 3650)
                lo = floor if floor > earliest else earliest
                if lo > as_of - 1:
                    continue
                exit_date = lo + int(rnd() * (as_of - lo))
            member_id = self.next_member
            self.next_member += 1
            # Record fields.
            r = rnd()
            if residential and r < 0.75:
                home = home_cell
            elif r < 0.95:
                home = places[int(rnd() * len(places))]
            else:
                home = other_provinces[int(rnd() * len(other_provinces))]
            birthplace = home if rnd() < 0.85 else places[int(rnd() * len(places))]
            permanent = address or places[int(rnd() * len(places))]
            born_year = 1900 + (dob - base) // 366  # close enough for schooling
            if residential:
                if born_year < 1962:
                    education = _EDU_OLD[int(rnd() * len(_EDU_OLD))]
                else:
                    education = _EDU_YOUNG[int(rnd() * len(_EDU_YOUNG))]
                jobs = old_occupations if age >= 60 else occupations
            else:
                education = "12/12" if born_year >= 1962 else "10/10"
                jobs = occupations
            occupation = jobs[int(rnd() * len(jobs))]
            qualification = qualifications[int(rnd() * len(qualifications))]
            theory = theories[int(rnd() * len(theories))]
            languages = "Tiếng Anh" if not residential and rnd() < 0.5 else ""
            rel = religion.get(eth, religion_default)
            faith = rel[int(rnd() * len(rel))]
            if exit_date is None:
                status = "official" if recognition else "probationary"
                officials += recognition is not None
                id_number = self._id_number(id_codes[int(rnd() * len(id_codes))], female, dob)
                phone = (
                    f"{PHONE_PREFIXES[int(rnd() * 5)]}{int(rnd() * 100_000_000):08d}"
                    if age < 80 and rnd() < 0.85
                    else ""
                )
            else:
                status = exit_kind[1]
                id_number = ""
                phone = ""
            card = self._card() if recognition else ""
            iso_ceremony = iso[ceremony - base]
            members_out.append(
                (
                    member_id,
                    full_name,
                    "",
                    "",
                    "F" if female else "M",
                    iso[dob - base],
                    birthplace,
                    home,
                    permanent,
                    "",
                    phone,
                    eth,
                    faith,
                    id_number,
                    False,
                    education,
                    qualification,
                    theory,
                    languages,
                    occupation,
                    workplace,
                    card,
                    "",
                    iso[vote - base],
                    iso[decision - base],
                    iso_ceremony,
                    org_id if here else None,
                    iso[recognition - base] if recognition else None,
                    status,
                    iso[exit_date - base] if exit_date else None,
                    org_id,
                    *derived,
                    now,
                    now,
                )
            )
            statuses[status] += 1
            iso_start = iso[start - base]
            memberships_out.append(
                (
                    member_id,
                    org_id,
                    "official",
                    iso_start,
                    iso[exit_date - base] if exit_date else None,
                    "",
                    "",
                )
            )
            ceremony_data = f'{{"ceremony_date": "{iso_ceremony}"}}'
            events_out.append(
                (
                    member_id,
                    "admitted",
                    iso[decision - base],
                    f"{int(rnd() * 1200) + 1}-{ref}",
                    None,
                    org_id if here else None,
                    "probationary",
                    "",
                    ceremony_data,
                    now,
                )
            )
            recognised = (
                (
                    member_id,
                    "recognised",
                    iso[recognition - base],
                    f"{int(rnd() * 1200) + 1}-{ref}",
                    None,
                    None,
                    "official",
                    "",
                    "{}",
                    now,
                )
                if recognition
                else None
            )
            if here:
                if recognised:
                    events_out.append(recognised)
            else:
                moved = (
                    member_id,
                    "transferred_in",
                    iso_start,
                    "",
                    None,
                    org_id,
                    "official" if recognition and recognition <= start else "probationary",
                    "",
                    ceremony_data,
                    now,
                )
                if recognised and recognition < start:
                    events_out.append(recognised)
                    events_out.append(moved)
                else:
                    events_out.append(moved)
                    if recognised:
                        events_out.append(recognised)
            if exit_date:
                events_out.append(
                    (
                        member_id,
                        exit_kind[0],
                        iso[exit_date - base],
                        "",
                        org_id,
                        None,
                        status,
                        "",
                        "{}",
                        now,
                    )
                )
        if officials >= 9:
            # Rule 3: a cell of nine officials or more elects a cell committee; those the
            # reform created had theirs appointed.
            if cell.reform:
                since, formed_by = founded + int(rnd() * 45), "appointed"
            else:
                lo, hi = (d.toordinal() for d in CELL_CONGRESSES)
                since, formed_by = max(founded, lo + int(rnd() * (hi - lo + 1))), "elected"
            bodies_out.append((org_id, "cell_committee", *CELL_TERM, formed_by, iso[since - base]))

    # ------------------------------------------------------------------ stream
    def stream(self) -> Iterator[tuple[str, object]]:
        targets = province_targets(self.scale)
        self.orgs = []
        self.root = self._org(
            ROOT_CODE, ROOT_NAME, "central", "territorial", None, ROOT_FOUNDED.toordinal()
        )
        rows, _links, events, outputs = self._org_rows(self.orgs)
        yield "orgs", rows
        yield "org_events", events
        yield "outputs", outputs
        for index, spec in enumerate(PROVINCES, start=1):
            started = time.perf_counter()
            orgs, cells = self._build_province(spec, targets[spec.slug])
            rows, links, events, outputs = self._org_rows(orgs)
            yield "orgs", rows
            yield "links", links
            yield "org_events", events
            yield "outputs", outputs
            self.rows = len(rows) + len(links) + len(events) + len(outputs)
            rng = random.Random(f"{self.seed}:{spec.slug}:members")
            people = self._people(spec)
            out: tuple[list, list, list, list] = ([], [], [], [])
            members_before = self.counts["members"].total()
            for cell in cells:
                self._cell_members(rng, cell, people, spec, out)
                if len(out[0]) >= CHUNK:
                    yield from self._flush(out)
            yield from self._flush(out)
            yield (
                "province",
                {
                    "index": index,
                    "name": f"Đảng bộ {spec.title}",
                    "members": self.counts["members"].total() - members_before,
                    "organisations": len(orgs),
                    "cells": len(cells),
                    "rows": self.rows,
                    "seconds": time.perf_counter() - started,
                },
            )

    def _flush(self, out):
        members, memberships, events, bodies = out
        if members:
            self.counts["memberships"] += len(memberships)
            self.counts["member_events"] += len(events)
            self.counts["committee_bodies"] += len(bodies)
            self.rows += len(members) + len(memberships) + len(events) + len(bodies)
            yield "members", list(members)
            yield "memberships", list(memberships)
            yield "events", list(events)
            yield "bodies", list(bodies)
        for rows in out:
            rows.clear()


_AGE = {k: _buckets(v) for k, v in AGE_BUCKETS.items()}
_ADMISSION = {k: _buckets(v) for k, v in ADMISSION_AGE.items()}
PROBATIONARY_AGES = _buckets(PROBATIONARY_AGE)
_THEORY = {k: _expand(v, 100) for k, v in THEORY.items()}
_EXITS_RES = _expand([((kind, status), w) for kind, status, w in EXITS_RESIDENTIAL], 100)
_EXITS_WORK = _expand([((kind, status), w) for kind, status, w in EXITS_WORKING], 100)
_EDU_OLD = ("7/10", "10/10", "10/10", "4/10")
_EDU_YOUNG = ("9/12", "12/12", "12/12", "12/12")


# ----------------------------------------------------------------------------- writing


class _PostgresWriter:
    """COPY … FROM STDIN on the transaction's own psycopg connection."""

    def __init__(self, tables):
        connection.ensure_connection()
        self.raw = connection.connection
        self.sql = {
            key: f"COPY {connection.ops.quote_name(table)} "
            f"({', '.join(connection.ops.quote_name(c) for c in cols)}) FROM STDIN"
            for key, (table, cols) in tables.items()
        }

    def write(self, key: str, rows) -> None:
        if not rows:
            return
        with self.raw.cursor() as cur, cur.copy(self.sql[key]) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)


class _SqliteWriter:
    def __init__(self, tables):
        connection.ensure_connection()
        self.raw = connection.connection
        self.sql = {
            key: f"INSERT INTO {connection.ops.quote_name(table)} "  # noqa: S608 - model tables
            f"({', '.join(connection.ops.quote_name(c) for c in cols)}) "
            f"VALUES ({', '.join('?' * len(cols))})"
            for key, (table, cols) in tables.items()
        }

    def write(self, key: str, rows) -> None:
        if rows:
            self.raw.executemany(self.sql[key], rows)


def _postgres_bulk_mode(cur, tables, expected_rows: int, triggers: bool) -> list[str]:
    """Drop the secondary indexes and keys of the tables about to be loaded (and
    switch off their own triggers when ``triggers``) and return the statements that put
    them back, read from the catalog. One index build and one validating join per key
    after the load are much cheaper than keeping ~10 indexes per row and queueing millions
    of deferred key checks; all of it happens inside the load's transaction, so a failure
    leaves nothing behind. The tables stay locked until the commit.

    Indexes and keys are kept when the tables already hold more rows than the load brings
    (rebuilding them would then cost more than it saves).
    """
    names = [table for table, _ in tables.values()]
    quote = connection.ops.quote_name
    keys, indexes, disabled = [], [], []
    cur.execute(
        "SELECT COALESCE(SUM(GREATEST(reltuples, 0)), 0) FROM pg_class "
        "WHERE oid = ANY(%s::regclass[])",
        [names],
    )
    if cur.fetchone()[0] <= expected_rows:
        # Foreign keys, and UNIQUE constraints no foreign key relies on (unique first).
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE conrelid = ANY(%s::regclass[]) AND (contype = 'f' "
            "OR contype = 'u' AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
            "WHERE f.contype = 'f' AND f.conindid = c.conindid)) "
            "ORDER BY contype DESC, conrelid, conname",
            [names],
        )
        keys = cur.fetchall()
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY 1",
            [names],
        )
        indexes = cur.fetchall()
    if triggers:  # ordinary (origin) user triggers; the aggregates rebuild replaces them
        cur.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgenabled = 'O' AND tgrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [names],
        )
        disabled = cur.fetchall()
    if not (keys or indexes or disabled):
        return []
    # ALTER TABLE refuses tables with pending deferred checks (rows written earlier in this
    # transaction): run them now; Django's keys are all INITIALLY DEFERRED again after.
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table, name, _definition in reversed(keys):  # foreign keys first
        cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    for index, _definition in indexes:
        cur.execute(f"DROP INDEX {index}")
    for table, name in disabled:
        cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER {quote(name)}")
    cur.execute("SET CONSTRAINTS ALL DEFERRED")
    return (
        [definition for _index, definition in indexes]
        + [f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {sql}" for table, name, sql in keys]
        + [f"ALTER TABLE {table} ENABLE TRIGGER {quote(name)}" for table, name in disabled]
    )


def _sqlite_bulk_mode(cur, tables, expected_rows: int, triggers: bool) -> list[str]:
    """SQLite's half of ``_postgres_bulk_mode``: explicit indexes (its foreign keys cannot
    be dropped, its implicit UNIQUE indexes have no SQL to recreate them) and triggers,
    dropped and created again from ``sqlite_master``."""
    names = [table for table, _ in tables.values()]
    marks = ", ".join(["%s"] * len(names))
    kinds = ["trigger"] if triggers else []
    cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(Member._meta.db_table)}")  # noqa: S608
    if cur.fetchone()[0] <= expected_rows:
        kinds.append("index")
    if not kinds:
        return []
    cur.execute(
        f"SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "  # noqa: S608
        f"AND type IN ({', '.join(['%s'] * len(kinds))}) AND tbl_name IN ({marks}) "
        "ORDER BY type, name",
        [*kinds, *names],
    )
    dropped = cur.fetchall()
    for kind, name, _sql in dropped:
        cur.execute(f"DROP {kind.upper()} {connection.ops.quote_name(name)}")
    return [sql for _kind, _name, sql in dropped]


def is_loaded() -> bool:
    return Organisation.objects.filter(code=ROOT_CODE).exists()


def _first_ids(cur, vendor: str) -> IdStart:
    """First free ids: past both the highest id and the sequence, so that no id of a deleted
    row (which the audit log may still name) is reused."""

    def first(table: str) -> int:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - model tables
        highest = cur.fetchone()[0]
        if vendor == "postgresql":
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cur.fetchone()[0]
            cur.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
            last, called = cur.fetchone()
            highest = max(highest, last if called else last - 1)
        else:
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cur.fetchone()
            highest = max(highest, row[0] if row else 0)
        return highest + 1

    return IdStart(
        org=first(Organisation._meta.db_table),
        org_event=first(OrgEvent._meta.db_table),
        member=first(Member._meta.db_table),
    )


def _now_text(vendor: str) -> str:
    now = timezone.now()
    if vendor == "postgresql":
        return now.isoformat()
    return str(connection.ops.adapt_datetimefield_value(now))


def _taken(field: str, national_prefix: bool) -> set[str]:
    """Card or CCCD numbers already in the database (other demo worlds, real records)."""
    qs = Member.objects.exclude(**{field: ""})
    if national_prefix:
        qs = qs.filter(**{f"{field}__lt": "1"})  # national cards start with 0
    return set(qs.values_list(field, flat=True).iterator())


def load_national(
    *,
    scale: float = 1.0,
    seed: int = SEED,
    as_of: date = AS_OF,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Load the national world once; the counts written, or the counts found if it was
    already there (``loaded`` says which), with ``elapsed`` seconds."""
    started = time.perf_counter()
    say = progress or (lambda _line: None)
    if is_loaded():
        return {**existing_counts(), "loaded": False, "elapsed": time.perf_counter() - started}
    outermost = not connection.in_atomic_block
    pragmas = _sqlite_pragmas() if connection.vendor == "sqlite" and outermost else {}
    try:
        with transaction.atomic():
            counts = _load(scale, seed, as_of, say)
    finally:
        if pragmas:
            with connection.cursor() as cur:
                for name, value in pragmas.items():
                    cur.execute(f"PRAGMA {name} = {int(value)}")
    refresh_statistics()  # the first pages and reports plan with the tables' real sizes
    counts["elapsed"] = time.perf_counter() - started
    say(f"Tổng thời gian: {counts['elapsed']:.1f} giây.")
    return counts


def _sqlite_pragmas() -> dict[str, int]:
    """Memory-only settings of this connection for the load (a bigger page cache, index
    sorts in RAM); the previous values, to put back. Set outside any transaction."""
    previous = {}
    with connection.cursor() as cur:
        for name, value in (("cache_size", -262144), ("temp_store", 2)):
            cur.execute(f"PRAGMA {name}")
            previous[name] = cur.fetchone()[0]
            cur.execute(f"PRAGMA {name} = {value}")
    return previous


def _load(scale: float, seed: int, as_of: date, say) -> dict:
    """The load itself, inside the caller's transaction."""
    vendor = connection.vendor
    tables = _tables()
    with connection.cursor() as cur:
        if vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(t) for t, _ in tables.values())
            cur.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
        if is_loaded():  # a concurrent loader won the race
            return {**existing_counts(), "loaded": False}
        ids = _first_ids(cur, vendor)
        expected = round(TARGET_MEMBERS * scale * 4.6)  # rows of members and their history
        rebuild = _aggregates_rebuild()
        bulk_mode = _postgres_bulk_mode if vendor == "postgresql" else _sqlite_bulk_mode
        restore = bulk_mode(cur, tables, expected, triggers=rebuild is not None)
    world = NationalWorld(
        scale=scale,
        seed=seed,
        as_of=as_of,
        ids=ids,
        now=_now_text(vendor),
        taken_cards=_taken("card_number", True),
        taken_ids=_taken("id_number", False),
    )
    writer = (_PostgresWriter if vendor == "postgresql" else _SqliteWriter)(tables)
    _write(world, writer, say)
    with connection.cursor() as cur:
        if restore:
            started = time.perf_counter()
            if vendor == "postgresql":
                cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
                # Keys kept through the load have queued checks; ALTER TABLE wants none.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in restore:
                cur.execute(statement)
            if vendor == "postgresql":
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
            say(
                f"Đã tạo lại {len(restore)} chỉ mục, ràng buộc và trigger trong "
                f"{time.perf_counter() - started:.1f} giây."
            )
        if vendor == "postgresql":  # explicit ids do not move the sequences
            for model, last in (
                (Organisation, world.next_org - 1),
                (OrgEvent, world.next_org_event - 1),
                (Member, world.next_member - 1),
            ):
                cur.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [model._meta.db_table, last],
                )
    counts = _summary(world, scale, seed, as_of)
    counts["aggregates_rebuilt"] = rebuild is not None
    if rebuild is not None:  # in the transaction: the figures never disagree with the rows
        started = time.perf_counter()
        rebuild()
        say(f"Đã tính lại số liệu tổng hợp trong {time.perf_counter() - started:.1f} giây.")
    audit.record(
        actor=None,
        action=DemoAudit.LOADED,
        object_type="demo",
        object_id=AUDIT_OBJECT_ID,
        summary=(
            f"Nạp dữ liệu mẫu toàn Đảng ({as_of:%d/%m/%Y}, tỷ lệ {scale:g}): "
            f"{_thousands(counts['organisations_total'])} tổ chức, "
            f"{_thousands(counts['members_total'])} hồ sơ đảng viên "
            f"({_thousands(counts['active_members'])} đang sinh hoạt)"
        ),
        after=counts,
    )
    return counts


def _write(world: NationalWorld, writer, say) -> None:
    """Generate on this thread, write on another: the database ingests one chunk while
    Python draws the next (psycopg and sqlite3 release the GIL while they wait), so the
    load takes about the longer of the two instead of their sum. The writer uses the
    transaction's own connection; this thread does not touch it until the writer is done.
    """
    chunks: queue.Queue = queue.Queue(maxsize=6)
    failed: list[BaseException] = []

    def work() -> None:
        while (item := chunks.get()) is not None:
            if failed:
                continue  # drain, so that the generator is never blocked
            try:
                writer.write(*item)
            except BaseException as exc:  # re-raised on the calling thread
                failed.append(exc)

    thread = threading.Thread(target=work, name="dangbo-national-writer", daemon=True)
    thread.start()
    total = len(PROVINCES)
    try:
        for key, payload in world.stream():
            if failed:
                break
            if key != "province":
                chunks.put((key, payload))
                continue
            info = payload
            rate = info["rows"] / info["seconds"] if info["seconds"] else 0
            say(
                f"[{info['index']:>2}/{total}] {info['name']}: "
                f"{_thousands(info['members'])} đảng viên, "
                f"{_thousands(info['organisations'])} tổ chức — {info['seconds']:.1f} giây "
                f"({_thousands(rate)} dòng/giây)"
            )
    finally:
        chunks.put(None)
        thread.join()
    if failed:
        raise failed[0]


def _summary(world: NationalWorld, scale: float, seed: int, as_of: date) -> dict:
    orgs = dict(world.counts["organisations"])
    members = dict(world.counts["members"])
    return {
        "loaded": True,
        "scale": scale,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "organisations": orgs,
        "organisations_total": sum(orgs.values()),
        "grassroots": orgs.get("grassroots_committee", 0) + orgs.get("grassroots_cell", 0),
        "cells": orgs.get("grassroots_cell", 0) + orgs.get("sub_cell", 0),
        "members": members,
        "members_total": sum(members.values()),
        "active_members": members.get("official", 0) + members.get("probationary", 0),
        "memberships": world.counts["memberships"],
        "member_events": world.counts["member_events"],
        "committee_bodies": world.counts["committee_bodies"],
    }


def existing_counts() -> dict:
    """Counts of the national world as it stands in the database."""
    from django.db.models import Count

    root = Organisation.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return {}
    orgs = dict(
        Organisation.objects.filter(root.subtree_q())
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    members = dict(
        Member.objects.filter(root.subtree_q("org__"))
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "organisations": orgs,
        "organisations_total": sum(orgs.values()),
        "grassroots": orgs.get("grassroots_committee", 0) + orgs.get("grassroots_cell", 0),
        "cells": orgs.get("grassroots_cell", 0) + orgs.get("sub_cell", 0),
        "members": members,
        "members_total": sum(members.values()),
        "active_members": members.get("official", 0) + members.get("probationary", 0),
    }


def _aggregates_rebuild() -> Callable[[], object] | None:
    """The rebuild of the per-organisation pre-aggregates: run after the load, it also lets
    the load switch off the triggers that would otherwise maintain them row by row."""
    return aggregates.rebuild
