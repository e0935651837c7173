"""Legacy Vietnamese encodings: the tables, detection of legacy cells, conversion, files.

The legacy strings are written out literally, so a wrong table entry fails here. The TCVN3
table is TCVN 5712:1993 VN3 (0xA1-0xFE); the VNI table is VNI-Windows.
"""

import codecs
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dangbo.core import legacy
from dangbo.core.legacy import (
    LEGACY_LABELS,
    decode_bytes,
    detect,
    detect_column,
    fix,
    from_unicode,
    to_unicode,
)
from dangbo.demo import names


# --- The tables, letter by letter ------------------------------------------------------
def _letters(groups):
    return list(groups.replace(" ", ""))


# Tone order: level, grave, hook, tilde, acute, dot below; then đ.
UNICODE_LOWER = _letters(
    "aàảãáạ ăằẳẵắặ âầẩẫấậ eèẻẽéẹ êềểễếệ iìỉĩíị oòỏõóọ ôồổỗốộ ơờởỡớợ uùủũúụ ưừửữứự yỳỷỹýỵ đ"
)
TCVN3_LOWER = _letters(
    "aµ¶·¸¹ ¨»¼½¾Æ ©ÇÈÉÊË eÌÎÏÐÑ ªÒÓÔÕÖ i×ØÜÝÞ oßáâãä «åæçèé ¬êëìíî uïñòóô \xadõö÷øù yúûüýþ ®"
)
VNI_LOWER = [
    "a",
    "aø",
    "aû",
    "aõ",
    "aù",
    "aï",
    "aê",
    "aè",
    "aú",
    "aü",
    "aé",
    "aë",
    "aâ",
    "aà",
    "aå",
    "aã",
    "aá",
    "aä",
    "e",
    "eø",
    "eû",
    "eõ",
    "eù",
    "eï",
    "eâ",
    "eà",
    "eå",
    "eã",
    "eá",
    "eä",
    "i",
    "ì",
    "æ",
    "ó",
    "í",
    "ò",
    "o",
    "oø",
    "oû",
    "oõ",
    "où",
    "oï",
    "oâ",
    "oà",
    "oå",
    "oã",
    "oá",
    "oä",
    "ô",
    "ôø",
    "ôû",
    "ôõ",
    "ôù",
    "ôï",
    "u",
    "uø",
    "uû",
    "uõ",
    "uù",
    "uï",
    "ö",
    "öø",
    "öû",
    "öõ",
    "öù",
    "öï",
    "y",
    "yø",
    "yû",
    "yõ",
    "yù",
    "î",
    "ñ",
]
VNI_UPPER = [
    "A",
    "AØ",
    "AÛ",
    "AÕ",
    "AÙ",
    "AÏ",
    "AÊ",
    "AÈ",
    "AÚ",
    "AÜ",
    "AÉ",
    "AË",
    "AÂ",
    "AÀ",
    "AÅ",
    "AÃ",
    "AÁ",
    "AÄ",
    "E",
    "EØ",
    "EÛ",
    "EÕ",
    "EÙ",
    "EÏ",
    "EÂ",
    "EÀ",
    "EÅ",
    "EÃ",
    "EÁ",
    "EÄ",
    "I",
    "Ì",
    "Æ",
    "Ó",
    "Í",
    "Ò",
    "O",
    "OØ",
    "OÛ",
    "OÕ",
    "OÙ",
    "OÏ",
    "OÂ",
    "OÀ",
    "OÅ",
    "OÃ",
    "OÁ",
    "OÄ",
    "Ô",
    "ÔØ",
    "ÔÛ",
    "ÔÕ",
    "ÔÙ",
    "ÔÏ",
    "U",
    "UØ",
    "UÛ",
    "UÕ",
    "UÙ",
    "UÏ",
    "Ö",
    "ÖØ",
    "ÖÛ",
    "ÖÕ",
    "ÖÙ",
    "ÖÏ",
    "Y",
    "YØ",
    "YÛ",
    "YÕ",
    "YÙ",
    "Î",
    "Ñ",
]
# The seven capitals TCVN3 has; every other non-ASCII capital is one of the 60 below.
TCVN3_CAPITALS = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}
TCVN3_MISSING_CAPITALS = (
    "ÀẢÃÁẠ ẰẲẴẮẶ ẦẨẪẤẬ ÈẺẼÉẸ ỀỂỄẾỆ ÌỈĨÍỊ ÒỎÕÓỌ ỒỔỖỐỘ ỜỞỠỚỢ ÙỦŨÚỤ ỪỬỮỨỰ ỲỶỸÝỴ".replace(" ", "")
)


def test_the_tables_cover_the_134_letters():
    letters = {c for c in UNICODE_LOWER + [c.upper() for c in UNICODE_LOWER] if not c.isascii()}
    assert len(letters) == 134
    assert letters == legacy.VIETNAMESE_LETTERS
    assert len(TCVN3_MISSING_CAPITALS) == 60
    assert set(TCVN3_MISSING_CAPITALS) | set(TCVN3_CAPITALS) == {c for c in letters if c.isupper()}


@pytest.mark.parametrize(("letter", "code"), list(zip(UNICODE_LOWER, TCVN3_LOWER, strict=True)))
def test_tcvn3_lower_case_letters(letter, code):
    assert len(code) == 1
    assert from_unicode(letter, "tcvn3") == code
    assert to_unicode(code, "tcvn3") == letter


def test_tcvn3_byte_values_from_the_standard():
    # Spot checks in bytes, independent of how the characters above render.
    expected = {"ư": 0xAD, "ơ": 0xAC, "ă": 0xA8, "đ": 0xAE, "Đ": 0xA7, "ễ": 0xD4, "ả": 0xB6}
    expected |= {"à": 0xB5, "ạ": 0xB9, "ặ": 0xC6, "ĩ": 0xDC, "ò": 0xDF, "ù": 0xEF, "ỵ": 0xFE}
    for letter, byte in expected.items():
        assert from_unicode(letter, "tcvn3").encode("latin-1") == bytes([byte]), letter


def test_tcvn3_uses_exactly_the_vn3_code_points():
    # 0xA1-0xFE less the gaps VN3 leaves (VN1/VN2 put capitals and combining tones there).
    gaps = {0xAF, *range(0xB0, 0xB5), 0xBA, *range(0xBF, 0xC6), 0xCD, 0xD9, 0xDA, 0xDB, 0xE0, 0xF0}
    codes = {ord(c) for c in TCVN3_LOWER + list(TCVN3_CAPITALS.values()) if not c.isascii()}
    assert codes == set(range(0xA1, 0xFF)) - gaps
    assert len(codes) == 74  # 67 lower-case letters and 7 capitals


@pytest.mark.parametrize(("letter", "code"), TCVN3_CAPITALS.items())
def test_tcvn3_capitals(letter, code):
    assert from_unicode(letter, "tcvn3") == code
    assert to_unicode(code, "tcvn3") == letter


@pytest.mark.parametrize("capital", TCVN3_MISSING_CAPITALS)
def test_tcvn3_writes_toned_capitals_with_the_lower_case_code(capital):
    # As a .VnTimeH (capitals font) typist did; alone, the capital cannot come back.
    code = from_unicode(capital.lower(), "tcvn3")
    assert from_unicode(capital, "tcvn3") == code
    assert to_unicode(code, "tcvn3") == capital.lower()


@pytest.mark.parametrize(
    ("letter", "form"),
    list(
        zip(
            UNICODE_LOWER + [c.upper() for c in UNICODE_LOWER],
            VNI_LOWER + VNI_UPPER,
            strict=True,
        )
    ),
)
def test_vni_letters(letter, form):
    assert from_unicode(letter, "vni") == form
    assert to_unicode(form, "vni") == letter


def test_vni_accepts_a_mark_in_the_other_case():
    assert to_unicode("Aù", "vni") == "Á"
    assert to_unicode("aÙ", "vni") == "á"


def test_unknown_encoding_is_an_error():
    with pytest.raises(ValueError):
        to_unicode("x", "viqr")
    with pytest.raises(ValueError):
        from_unicode("x", "viqr")


def test_labels():
    assert LEGACY_LABELS == {
        "tcvn3": "TCVN3 (ABC)",
        "tcvn3_caps": "TCVN3 (ABC, phông chữ hoa)",
        "vni": "VNI",
        "cp1258": "Windows-1258",
    }


# --- Names and places ------------------------------------------------------------------
EXAMPLES = [
    # (Unicode, as typed in TCVN3, as typed in VNI)
    ("Nguyễn Văn An", "NguyÔn V¨n An", "Nguyeãn Vaên An"),
    ("Trần Thị Hương", "TrÇn ThÞ H\xad¬ng", "Traàn Thò Höông"),
    ("Đảng bộ xã Kim Long", "§¶ng bé x· Kim Long", "Ñaûng boä xaõ Kim Long"),
    ("Tam Dương", "Tam D\xad¬ng", "Tam Döông"),
    ("Vĩnh Phúc", "VÜnh Phóc", "Vónh Phuùc"),
    ("Lưu Thị Ngọc Ánh", "L\xadu ThÞ Ngäc ¸nh", "Löu Thò Ngoïc AÙnh"),
    (
        "Chi bộ Trường THPT Trần Hưng Đạo",
        "Chi bé Tr\xadêng THPT TrÇn H\xadng §¹o",
        "Chi boä Tröôøng THPT Traàn Höng Ñaïo",
    ),
    ("Hồ Chí Minh", "Hå ChÝ Minh", None),  # VNI "Hoà" is also Unicode "Hoà"
    ("ĐẢNG BỘ HUYỆN", "§¶NG Bé HUYÖN", "ÑAÛNG BOÄ HUYEÄN"),
    ("UBND HUYỆN Tam Dương", "UBND HUYÖN Tam D\xad¬ng", "UBND HUYEÄN Tam Döông"),
]


@pytest.mark.parametrize(("text", "tcvn3", "vni"), EXAMPLES)
def test_examples(text, tcvn3, vni):
    assert detect(text) is None
    assert detect(unicodedata.normalize("NFD", text)) is None
    assert fix(tcvn3) == (text, "tcvn3")
    if vni is not None:
        assert fix(vni) == (text, "vni")
        assert from_unicode(text, "vni") == vni
    if not set(text) & set(TCVN3_MISSING_CAPITALS):
        assert from_unicode(text, "tcvn3") == tcvn3


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("§¶NG Bé", "ĐẢNG BỘ"),  # capitals font: a word of capitals makes the cell capitals
        ("Vò Hµ", "Vũ Hà"),  # nothing says capitals
        ("UBND Hµ", "UBND Hà"),  # an acronym is no evidence
        ("§×nh Êm", "Đình Ấm"),  # Title Case cell: "Ấm" gets its capital back
        ("Êm", "ấm"),  # alone, it cannot
        ("th«n §«ng", "thôn Đông"),
    ],
)
def test_tcvn3_capitals_from_context(typed, expected):
    assert to_unicode(typed, "tcvn3") == expected


def test_undecidable_cells_are_left_alone():
    # "Vò" is TCVN3 "Vũ" or Unicode "vò"; "Lý" reads the same in both; VNI "Hoà" is "Hồ".
    for text in ("Vò", "Lý", "Hoà", "Tó", "Sôn", "Hà", "Tâm", "LÊ", "Ô", "ĐÔNG"):
        assert fix(text) == (text, None)
    # Both legacy readings are Vietnamese: TCVN3 "Thử", "Thuỷ", "HUẾ" or VNI "Thư", "Thủ", "HŨ".
    for text in ("Thö", "Thuû", "HUÕ"):
        assert fix(text) == (text, None)
    # Already Unicode in part: never touched.
    assert fix("NguyÔn Văn An") == ("NguyÔn Văn An", None)


def test_more_evidence_settles_an_ambiguous_word():
    assert fix("Uû ban nh©n d©n") == ("Uỷ ban nhân dân", "tcvn3")
    assert fix("Thö kyù") == ("Thư ký", "vni")  # "ù" after "y" is a VNI tone


def test_a_column_decides_what_a_cell_cannot():
    column = ["Vò", "NguyÔn V¨n An", "Lý", "TrÇn ThÞ H\xad¬ng", "Hµ"]
    assert detect_column(column) == "tcvn3"
    assert [to_unicode(v, "tcvn3") for v in column][0] == "Vũ"


def _full_names():
    families = {n for n, _ in names.FAMILY_NAMES} | {n for n, _ in names.SAN_DIU_FAMILY_NAMES}
    for middles, givens in (
        (names.MALE_MIDDLE, names.MALE_GIVEN),
        (names.FEMALE_MIDDLE, names.FEMALE_GIVEN),
    ):
        for family in sorted(families):
            for middle, _ in middles:
                for given_name in givens:
                    yield f"{family} {middle} {given_name}"


FULL_NAMES = list(_full_names())
PLACES = [
    *names.VILLAGE_NAMES,
    *names.RESIDENTIAL_GROUP_NAMES,
    *(f"{unit} {name}" for _, unit, name, *_ in names.COMMUNES),
    *(name for _, name, *_ in names.AGENCY_COMMITTEES),
    *(sub[1] for committee in names.AGENCY_COMMITTEES for sub in committee[3]),
    *(name for _, name, *_ in names.GRASSROOTS_CELLS),
    *(o for values in names.OCCUPATIONS.values() for o in values),
    *(q for values in names.QUALIFICATIONS.values() for q in values),
]


def test_no_false_positive_on_unicode_names_and_places():
    assert len(FULL_NAMES) > 40_000
    for text in FULL_NAMES + PLACES:
        for variant in (text, text.upper(), text.lower()):
            for form in ("NFC", "NFD"):
                assert detect(unicodedata.normalize(form, variant)) is None, (variant, form)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "An",
        "kl-thon-1",
        "nguyen.van.an@example.com",
        "31/12/2016",
        "2016-12-31",
        "12.345,67",
        "Party member since 1997",
        "UBND",
        "Müller",
        "Björn Ångström",
        "Straße",
        "café crème brûlée",
        "naïve",
        "Peña",
        "François",
        "São Paulo",
        "Zoë",
        "25°C",
        "© 2016 UBND",
        "½ kg",
        "3×4",
        "\xa0",
    ],
)
def test_no_false_positive_on_other_text(text):
    assert detect(text) is None
    assert fix(text) == (text, None)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_names_round_trip_and_are_recognised(encoding):
    typed = [from_unicode(name, encoding) for name in FULL_NAMES]
    assert [to_unicode(t, encoding) for t in typed] == FULL_NAMES
    found = [detect(t) for t in typed]
    assert set(found) <= {encoding, None}
    assert found.count(encoding) > 0.9 * len(found)
    assert detect_column(typed) == encoding


# --- Properties --------------------------------------------------------------------------
# Rhymes with the vowel that carries the tone in upper case; those ending in -c, -ch, -p, -t
# take only the acute or the dot below.
OPEN_RHYMES = [
    "A",
    "Ai",
    "Ao",
    "Au",
    "Ay",
    "Âu",
    "Ây",
    "E",
    "Eo",
    "Ê",
    "Êu",
    "I",
    "Ia",
    "Iu",
    "O",
    "Oi",
    "Ô",
    "Ôi",
    "Ơ",
    "Ơi",
    "U",
    "Ua",
    "Ui",
    "Ư",
    "Ưa",
    "Ưi",
    "Ưu",
    "Y",
    "iÊu",
    "yÊu",
    "oA",
    "oAi",
    "oAy",
    "oE",
    "uÊ",
    "uY",
    "uÂy",
    "uÔi",
    "ưƠi",
    "ưƠu",
    "uƠ",
    "An",
    "Ang",
    "Anh",
    "Am",
    "Ăn",
    "Ăng",
    "Ăm",
    "Ân",
    "Âng",
    "Âm",
    "En",
    "Eng",
    "Em",
    "Ên",
    "Ênh",
    "Êm",
    "In",
    "Inh",
    "Im",
    "On",
    "Ong",
    "Om",
    "Ôn",
    "Ông",
    "Ôm",
    "Ơn",
    "Ơm",
    "Un",
    "Ung",
    "Um",
    "Ưng",
    "Ưn",
    "iÊn",
    "iÊng",
    "iÊm",
    "yÊn",
    "uÔn",
    "uÔng",
    "uÔm",
    "ưƠn",
    "ưƠng",
    "ưƠm",
    "oAn",
    "oAng",
    "oAnh",
    "oĂn",
    "oĂng",
    "oEn",
    "uÂn",
    "uÂng",
    "uÊnh",
    "uYn",
    "uYnh",
    "uyÊn",
]
CHECKED_RHYMES = [
    "Ac",
    "Ach",
    "Ap",
    "At",
    "Ăc",
    "Ăp",
    "Ăt",
    "Âc",
    "Âp",
    "Ât",
    "Ec",
    "Ep",
    "Et",
    "Êch",
    "Êp",
    "Êt",
    "Ich",
    "Ip",
    "It",
    "Oc",
    "Op",
    "Ot",
    "Ôc",
    "Ôp",
    "Ôt",
    "Ơp",
    "Ơt",
    "Uc",
    "Up",
    "Ut",
    "Ưc",
    "Ưt",
    "iÊc",
    "iÊp",
    "iÊt",
    "uÔc",
    "uÔt",
    "ưƠc",
    "ưƠp",
    "ưƠt",
    "oAc",
    "oAt",
    "oĂc",
    "oĂt",
    "oEt",
    "uÂt",
    "uYt",
    "uYch",
    "uyÊt",
]
INITIALS = [
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gh",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "ngh",
    "nh",
    "p",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
]
TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


@st.composite
def syllables(draw, initial_required=False):
    checked = draw(st.booleans())
    rhyme = draw(st.sampled_from(CHECKED_RHYMES if checked else OPEN_RHYMES))
    initial = draw(st.sampled_from(INITIALS if initial_required else ["", *INITIALS]))
    if (initial == "qu" and rhyme[0] in "uUưƯoO") or (initial == "gi" and rhyme[0] in "iIyY"):
        initial = "b"
    tone = draw(st.sampled_from(TONES[4:] if checked else TONES))
    at = next(i for i, c in enumerate(rhyme) if c.isupper())
    vowel = unicodedata.normalize("NFC", rhyme[at].lower() + tone)
    return initial + rhyme[:at] + vowel + rhyme[at + 1 :].lower()


def _styled(draw, words, styles):
    out = []
    for word in words:
        style = draw(st.sampled_from(styles))
        out.append(word.capitalize() if style == "title" else getattr(word, style)())
    return " ".join(out)


@st.composite
def vni_texts(draw):
    words = draw(st.lists(syllables(), min_size=1, max_size=5))
    return _styled(draw, words, ["lower", "title", "upper"])


@st.composite
def tcvn3_texts(draw):
    """All lower case, or Title Case led by a word whose capital TCVN3 has."""
    if draw(st.booleans()):
        return " ".join(draw(st.lists(syllables(), min_size=1, max_size=5)))
    words = [draw(syllables(initial_required=True))]
    words += draw(st.lists(syllables(), max_size=4))
    return " ".join(w.capitalize() for w in words)


# Letters whose legacy form is also ordinary Vietnamese text: TCVN3 codes that are Latin-1
# Vietnamese letters (á = ỏ, Ô = ễ …; the capital-looking ones count only after a lower-case
# letter; toned capitals share the codes), VNI's í ì ó ò (í ì ĩ ị), "oà oá oã" (ồ ố ỗ) and ô
# (ơ), and the VNI pairs TCVN3 also produces: "uû" (ủ, TCVN3 "uỷ"), "UÕ" (Ũ), "YÕ" (Ỹ),
# "OÏ" (Ọ), which only support other evidence.
AMBIGUOUS = {
    "tcvn3": set("ỏõóốộờỡớũúụừựỳýẩẫấèềểễếí" + "ỏõóốộờỡớũúụừựỳýẩẫấèềểễếí".upper()),
    "vni": set("íìĩịồốỗơ" + "íìĩịồốỗơ".upper() + "ủŨỸỌ"),
}


def _distinctive(text, encoding):
    """Has a word of two letters or more with a letter whose legacy form gives it away."""
    telling = legacy.VIETNAMESE_LETTERS - AMBIGUOUS[encoding]
    return any(len(word) > 1 and any(c in telling for c in word) for word in text.split())


def _also_reads_as(typed, other):
    """Read in the other encoding it is Vietnamese too ("Thö": TCVN3 "Thử", VNI "Thư"), so
    the cell is left to its column."""
    return legacy._looks_vietnamese(to_unicode(typed, other))


@settings(max_examples=400, deadline=None)
@given(vni_texts())
@example("Nguyễn Văn An")
def test_vni_property(text):
    typed = from_unicode(text, "vni")
    assert to_unicode(typed, "vni") == text
    assert detect(text) is None
    found = detect(typed)
    assert found in ("vni", None)
    if _distinctive(text, "vni") and not _also_reads_as(typed, "tcvn3"):
        assert found == "vni"


@settings(max_examples=400, deadline=None)
@given(tcvn3_texts())
@example("Lưu Thị Ngọc Ánh")
def test_tcvn3_property(text):
    typed = from_unicode(text, "tcvn3")
    assert to_unicode(typed, "tcvn3") == text
    assert detect(text) is None
    found = detect(typed)
    assert found in ("tcvn3", None)
    if _distinctive(text, "tcvn3") and not _also_reads_as(typed, "vni"):
        assert found == "tcvn3"


# --- Files -------------------------------------------------------------------------------
CSV = "Họ và tên,Chi bộ\nNguyễn Văn An,Đảng bộ xã Kim Long\nTrần Thị Hương,Tam Dương\n"
CSV_ROWS = [field for line in CSV.splitlines() for field in line.split(",")]


def _cp1258(text):
    """Bytes as Windows-1258 stores them: base letter (with breve, circumflex or horn) and a
    combining tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", ch)
            tone = "".join(m for m in marks if m in TONES[1:])
            base = unicodedata.normalize("NFC", "".join(m for m in marks if m not in tone))
            out += (base + tone).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV.encode("utf-8"), "utf-8"),
        (unicodedata.normalize("NFD", CSV).encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + CSV.encode("utf-8"), "utf-8"),
        (CSV.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_LE + CSV.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + CSV.encode("utf-16-be"), "utf-16"),
        (_cp1258(CSV), "cp1258"),
    ],
)
def test_decode_bytes(data, encoding):
    assert decode_bytes(data) == (CSV, encoding)


def test_cp1258_bytes_hold_combining_tones():
    data = _cp1258("Nguyễn")
    assert data == b"Nguy\xea\xden"  # ê + combining tilde
    assert decode_bytes(data) == ("Nguyễn", "cp1258")


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_decode_bytes_of_a_file_typed_in_a_legacy_font(encoding):
    # Saved under Windows-1252, the file holds the legacy bytes; reading them as cp1258
    # would fuse 0xCC, 0xD2, 0xDE, 0xEC, 0xF2 into the letters before them.
    data = from_unicode(CSV, encoding).encode("latin-1")
    text, found = decode_bytes(data)
    assert found == "cp1258"
    fields = [f for line in text.splitlines() for f in line.split(",")]
    assert detect_column(fields) == encoding
    assert [to_unicode(f, encoding) for f in fields] == CSV_ROWS


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
@example(b"\xff\xfe\x00")  # UTF-16 BOM, odd length
@example(b"\xef\xbb\xbf\xff")  # UTF-8 BOM, then not UTF-8
@example(b"\x81\x8a\x8d\x8e\x8f\x90\x9a\x9d\x9e")  # bytes cp1258 leaves undefined
def test_decode_bytes_never_raises(data):
    text, encoding = decode_bytes(data)
    assert encoding in {"utf-8", "utf-16", "cp1258"}
    assert unicodedata.is_normalized("NFC", text)


# --- Columns -----------------------------------------------------------------------------
def test_detect_column_majority():
    tcvn3 = ["NguyÔn V¨n An", "TrÇn ThÞ H\xad¬ng", "§¶ng bé x· Kim Long"]
    vni = ["Nguyeãn Vaên An", "Traàn Thò Höông"]
    unicode = ["Nguyễn Văn An", "Trần Thị Hương", "Tam Dương"]
    assert detect_column(tcvn3) == "tcvn3"
    assert detect_column(vni) == "vni"
    assert detect_column(unicode) is None
    assert detect_column(tcvn3 + unicode[:1]) == "tcvn3"
    assert detect_column(tcvn3[:1] + unicode) is None  # one odd cell changes nothing
    assert detect_column(tcvn3[:2] + unicode[:2]) is None  # a tie is no majority
    assert detect_column(tcvn3 + vni) == "tcvn3"
    assert detect_column(vni + ["Vò", "Lý", "Hoà"]) == "vni"  # undecided cells abstain


def test_detect_column_ignores_ascii_and_empty_cells():
    assert detect_column([]) is None
    assert detect_column(["", "An", "kl-thon-1", "2016"]) is None
    assert detect_column(["", "An", "NguyÔn V¨n An", None, 2016]) == "tcvn3"
