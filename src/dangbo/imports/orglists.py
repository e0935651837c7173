"""Organisation lists as offices keep them: a list of names under a parent.

What a name says about an organisation ("Chi bộ thôn Đồng Bông" under a commune committee is
a sub-cell of a village), the code a new one gets ("kl-thon-dong-bong"), and the parent a
sheet's title names ("… TRỰC THUỘC ĐẢNG BỘ XÃ KIM LONG"). Pure functions: the importer
(``imports.orgs``) brings the database.
"""

import re
from dataclasses import dataclass

from dangbo.core.text import fold
from dangbo.orgs.choices import UPPER_KINDS, OrgKind, Sector
from dangbo.orgs.models import valid_code

# The words a name starts with, longest first: (folded words, kind or "" for "decide by the
# parent": a "Chi bộ" is a sub-cell under a grassroots committee, a grassroots cell under a
# district).
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("dang bo bo phan", OrgKind.BRANCH_COMMITTEE),
    ("dang bo co so", OrgKind.GRASSROOTS_COMMITTEE),
    ("chi bo co so", OrgKind.GRASSROOTS_CELL),
    ("chi bo truc thuoc", OrgKind.SUB_CELL),
    ("to dang", OrgKind.PARTY_GROUP),
    ("chi bo", ""),
    ("dang bo", ""),
)
_COMMITTEE_WORDS = ("dang uy", "chi uy", "ban thuong vu", "ban chap hanh")

# The first words of the distinctive part that name a place: (folded words, sector).
_PLACES: tuple[tuple[str, str], ...] = (
    ("thi tran", Sector.TOWN),
    ("xa", Sector.COMMUNE),
    ("phuong", Sector.WARD),
    ("dac khu", Sector.COMMUNE),
    ("to dan pho", Sector.RESIDENTIAL_GROUP),
    ("khu pho", Sector.RESIDENTIAL_GROUP),
    ("tdp", Sector.RESIDENTIAL_GROUP),
    ("thon", Sector.VILLAGE),
    ("xom", Sector.VILLAGE),
    ("lang", Sector.VILLAGE),
    ("ap", Sector.VILLAGE),
    ("buon", Sector.VILLAGE),
    ("soc", Sector.VILLAGE),
    ("khu dan cu", Sector.VILLAGE),
    ("khu", Sector.VILLAGE),  # a residential group in a town or ward (see infer)
)
# Words anywhere in the distinctive part, in this order (the first found decides).
_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Sector.AGENCY, ("ngan hang chinh sach",)),  # a state bank, not a business
    (Sector.PUBLIC_UNIT, ("dang ky dat dai",)),  # "Chi nhánh Văn phòng Đăng ký đất đai"
    (
        Sector.ARMED_FORCES,
        (
            "cong an",
            "quan su",
            "bien phong",
            "bo doi",
            "quan doi",
            "trung doan",
            "su doan",
            "lu doan",
            "tieu doan",
            "canh sat",
            "hai quan",
            "phong khong",
        ),
    ),
    (
        Sector.SCHOOL,
        (
            "mam non",
            "tieu hoc",
            "thcs",
            "thpt",
            "trung hoc",
            "dai hoc",
            "cao dang",
            "hoc vien",
            "giao duc thuong xuyen",
            "giao duc nghe nghiep",
            "gdtx",
            "gdnn",
        ),
    ),
    (
        Sector.ENTERPRISE,
        (
            "cong ty",
            "doanh nghiep",
            "tnhh",
            "co phan",
            "hop tac xa",
            "htx",
            "nha may",
            "xi nghiep",
            "tap doan",
            "dien luc",
            "buu dien",
            "vien thong",
            "quy tin dung",
            "ngan hang",
            "viettel",
            "vnpt",
            "chi nhanh",
        ),
    ),
    (
        Sector.PUBLIC_UNIT,
        (
            "benh vien",
            "y te",
            "trung tam",
            "tram",
            "dai truyen thanh",
            "dai phat thanh",
            "ban quan ly",
            "su nghiep",
            "dang ky dat dai",
        ),
    ),
    (
        Sector.AGENCY,
        (
            "co quan",
            "van phong",
            "phong",
            "uy ban",
            "ubnd",
            "hdnd",
            "hoi dong nhan dan",
            "mttq",
            "mat tran",
            "doan the",
            "toa an",
            "vien kiem sat",
            "chi cuc",
            "cuc",
            "kho bac",
            "bao hiem",
            "thi hanh an",
            "quan ly thi truong",
            "ban to chuc",
            "ban tuyen giao",
            "ban dan van",
            "ban noi chinh",
            "huyen uy",
            "thanh uy",
            "tinh uy",
            "chinh quyen",
            "khoi",
            "so",
            "ngan hang chinh sach",
        ),
    ),
)
# Under a parent of one of these sectors, a name without a clue takes the parent's sector
# (the cells of an agency committee are agency cells).
_INHERITED = (
    Sector.AGENCY,
    Sector.ARMED_FORCES,
    Sector.ENTERPRISE,
    Sector.SCHOOL,
    Sector.PUBLIC_UNIT,
)
_UPPER_UNITS = ("huyen", "quan", "thi xa", "thanh pho", "tp")
_TITLE_PARENT = re.compile(r"\b(?:truc thuoc|thuoc|cua)\b (.+)$")


def folded(text: str) -> str:
    """Folded words only: "Chi bộ thôn Đồng Bông (mới)" -> "chi bo thon dong bong moi"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text or "")).split())


def _starts(words: str, prefix: str) -> bool:
    return words == prefix or words.startswith(prefix + " ")


def _has(words: str, phrase: str) -> bool:
    if phrase == "so":  # "Sở Tài chính", not "Chi bộ số 5"
        return re.search(r"(^| )so [a-z]", words) is not None
    return f" {phrase} " in f" {words} "


def split_name(name: str) -> tuple[str, str]:
    """(kind given by the name's first words or "" when the word is "Chi bộ"/"Đảng bộ" and
    the parent decides, or "?" when the name says no kind; the distinctive rest, folded)."""
    words = folded(name)
    for prefix, kind in _PREFIXES:
        if _starts(words, prefix):
            rest = words[len(prefix) :].strip()
            return (kind or prefix), rest
    return "?", words


def distinctive(name: str) -> str:
    """The part of a name after its kind words, folded: "thon dong bong"."""
    for committee in _COMMITTEE_WORDS:  # "Đảng ủy xã Kim Long" names "Đảng bộ xã Kim Long"
        words = folded(name)
        if _starts(words, committee):
            return words[len(committee) :].strip()
    return split_name(name)[1]


_KIND_WORDS = {
    OrgKind.GRASSROOTS_CELL: "Chi bộ",
    OrgKind.SUB_CELL: "Chi bộ",
    OrgKind.GRASSROOTS_COMMITTEE: "Đảng bộ",
    OrgKind.BRANCH_COMMITTEE: "Đảng bộ bộ phận",
    OrgKind.PARTY_GROUP: "Tổ đảng",
}


def full_name(name: str, kind: str) -> str:
    """A name as the registry writes it: "Thôn Gốc Gạo" of a cell is "Chi bộ thôn Gốc Gạo"
    (a place word in lower case after the kind word, an institution as typed)."""
    word = _KIND_WORDS.get(kind)
    if word is None or split_name(name)[0] != "?":
        return name
    if name.isupper():
        return f"{word.upper()} {name}"
    if any(_starts(folded(name), place) for place, _ in _PLACES):
        name = name[:1].lower() + name[1:]
    return f"{word} {name}"


@dataclass(frozen=True)
class Guess:
    kind: str
    sector: str
    kind_sure: bool
    sector_sure: bool


def infer(name: str, parent_kind: str, parent_sector: str) -> Guess:
    """Kind and sector an office means by ``name`` under a parent of that kind and sector."""
    word, rest = split_name(name)
    kind_sure = True
    if word == "chi bo":
        if parent_kind in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.BRANCH_COMMITTEE):
            kind = OrgKind.SUB_CELL
        elif parent_kind in UPPER_KINDS:
            kind = OrgKind.GRASSROOTS_CELL
        else:
            kind, kind_sure = OrgKind.PARTY_GROUP, False
    elif word == "dang bo":
        if parent_kind == OrgKind.CENTRAL and any(
            _starts(rest, u) for u in ("tinh", "thanh pho", "tp")
        ):
            kind = OrgKind.PROVINCE_COMMITTEE
        elif parent_kind == OrgKind.PROVINCE_COMMITTEE and any(
            _starts(rest, u) for u in _UPPER_UNITS
        ):
            kind = OrgKind.DISTRICT_COMMITTEE
        elif parent_kind == OrgKind.PROVINCE_COMMITTEE and any(
            _starts(rest, u) for u in ("xa", "phuong", "dac khu")
        ):
            kind = OrgKind.COMMUNE_COMMITTEE
        elif parent_kind in (OrgKind.PROVINCE_COMMITTEE, OrgKind.CENTRAL) and _starts(rest, "khoi"):
            kind = OrgKind.BLOC_COMMITTEE
        elif parent_kind in UPPER_KINDS:
            kind = OrgKind.GRASSROOTS_COMMITTEE
        elif parent_kind == OrgKind.GRASSROOTS_COMMITTEE:
            kind = OrgKind.BRANCH_COMMITTEE
        else:
            kind, kind_sure = OrgKind.GRASSROOTS_COMMITTEE, False
    elif word == "?":  # "Thôn Đồng Bông", "Trường Tiểu học Kim Long": a cell, most likely
        kind_sure = False
        if parent_kind in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.BRANCH_COMMITTEE):
            kind = OrgKind.SUB_CELL
        elif parent_kind in (OrgKind.GRASSROOTS_CELL, OrgKind.SUB_CELL):
            kind = OrgKind.PARTY_GROUP
        else:
            kind = OrgKind.GRASSROOTS_CELL
    else:
        kind = word
    if parent_kind == OrgKind.COMMUNE_COMMITTEE and parent_sector not in (
        Sector.WARD,
        Sector.TOWN,
    ):
        parent_sector = Sector.COMMUNE  # a commune under the province since 2025: its villages
    sector, sector_sure = _sector(rest, kind, parent_sector)
    return Guess(kind, sector, kind_sure, sector_sure)


def _sector(rest: str, kind: str, parent_sector: str) -> tuple[str, bool]:
    residential_parent = parent_sector in (Sector.TOWN, Sector.WARD)
    for place, sector in _PLACES:
        if _starts(rest, place):
            if place == "khu" and residential_parent:
                return Sector.RESIDENTIAL_GROUP, True
            return sector, True
    if kind in (OrgKind.DISTRICT_COMMITTEE, OrgKind.PROVINCE_COMMITTEE):
        return Sector.TERRITORIAL, True
    if _starts(rest, "truong"):  # "Trường Tiểu học …", not "thị trường", "Môi trường"
        return Sector.SCHOOL, True
    for sector, phrases in _WORDS:
        if any(_has(rest, p) for p in phrases):
            return sector, True
    if parent_sector in _INHERITED:
        return parent_sector, True
    if _starts(rest, "ban") and parent_sector == Sector.COMMUNE:  # "Bản Phiêng" in the hills
        return Sector.VILLAGE, True
    if parent_sector == Sector.COMMUNE:  # "Chi bộ 02", "Chi bộ Đồng Bông": a village, likely
        return Sector.VILLAGE, False
    if residential_parent:
        return Sector.RESIDENTIAL_GROUP, False
    return Sector.OTHER, False


# ----------------------------------------------------------------------------- codes
_PLACE_CODES = ("xa", "phuong", "thi-tran", "thon", "xom", "khu", "to-dan-pho")


def code_prefix(parent_code: str, grandparent_code: str = "") -> str:
    """The initials of a parent's code: "kim-long" -> "kl" (a one-word code as it is). A
    code made in the same file for the parent ("td-xa-hoang-dan" under "tam-duong") gives
    the initials of its place: "hd"."""
    code = parent_code
    if grandparent_code and code.startswith(code_prefix(grandparent_code) + "-"):
        rest = code[len(code_prefix(grandparent_code)) + 1 :]
        for place in _PLACE_CODES:
            if rest.startswith(place + "-") and rest.count("-") > place.count("-") + 1:
                rest = rest[len(place) + 1 :]
                break
        code = rest
    parts = [p for p in code.split("-") if p]
    if len(parts) < 2:
        return code
    return "".join(p[0] for p in parts)


def base_code(parent_code: str, name: str, max_length: int, grandparent_code: str = "") -> str:
    """The code of a new organisation: the parent's initials and a slug of the distinctive
    part of its name ("kl-thon-dong-bong")."""
    prefix = code_prefix(parent_code, grandparent_code)
    slug = "-".join(distinctive(name).split()) or "-".join(folded(name).split()) or "to-chuc"
    room = max_length - len(prefix) - 1 - 4  # room for "-99"
    if len(slug) > room:
        slug = slug[:room].rsplit("-", 1)[0] if "-" in slug[:room] else slug[:room]
    code = f"{prefix}-{slug}".strip("-")
    return code if valid_code(code) else "-".join(folded(code).split())


def unique_code(base: str, taken) -> str:
    """``base``, else ``base-2``, ``base-3``… the first not in ``taken``."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# ----------------------------------------------------------------------------- titles
def title_phrases(lines) -> list[tuple[bool, str]]:
    """The folded lines of a sheet's title, each (named after "trực thuộc"/"của", text)."""
    found = []
    for line in lines:
        words = folded(str(line))
        if not words:
            continue
        match = _TITLE_PARENT.search(words)
        if match:
            found.append((True, match.group(1)))
        found.append((False, words))
    return found


def names_in(text: str, name: str) -> bool:
    """Whether the organisation ``name`` is named in ``text`` (both folded): in full
    ("dang bo xa kim long") or by its distinctive part after "Đảng bộ"/"Đảng ủy"
    ("xa kim long", at least two words)."""
    full = folded(name)
    if full and _has(text, full):
        return True
    rest = distinctive(name)
    if len(rest.split()) < 2:
        return False
    for committee in ("dang bo", "dang uy", "chi bo", "chi uy", "ban thuong vu"):
        if _has(text, f"{committee} {rest}"):
            return True
    return text == rest
