"""Every Vietnamese syllable through TCVN3 and VNI, checked against independent references.

The generator (:func:`all_syllables`) spells every syllable the language allows: each onset
(b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x, or none) with each rhyme
of the standard list (``OPEN_RHYMES`` / ``CHECKED_RHYMES``, the capital marking the vowel that
carries the tone) and each of the six tones (a checked rhyme, ending in -c -ch -p -t, takes
only the acute and the dot below), under the spelling rules: k, gh, ngh before i e ê y and
c, g, ng elsewhere; qu never before u/o; gi never before i. TCVN3 is checked against glibc's
``iconv`` (TCVN5712-1, whose 0xA1-0xFE letters are TCVN3), VNI against a table of the VNI
specification written here independently of ``core.legacy``.
"""

import shutil
import subprocess
import unicodedata

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from dangbo.core import legacy
from dangbo.core.legacy import from_unicode, to_unicode

from .test_legacy import CHECKED_RHYMES, INITIALS, OPEN_RHYMES, TONES

FRONT = "ieêy"  # vowels that take k, gh, ngh (and refuse c, g, ng)
# After qu the u is the onset's: "quỳnh", "quýt", "quyên" spell rhymes -ynh -yt -yên.
QU_OPEN = ["Y"]
QU_CHECKED = ["Yt", "Ych", "yÊt"]
QU_CLOSED = ["Ynh", "yÊn"]


def _spellable(onset: str, rhyme: str) -> bool:
    first = rhyme[0].lower()
    if onset in ("k", "gh", "ngh"):
        return first in FRONT
    if onset == "g":  # "gì", "gìn": g + i is written gi
        return first not in "eêy"
    if onset in ("c", "ng"):
        return first not in FRONT
    if onset == "qu":
        return first not in "uưoôơ"
    if onset == "gi":
        return first not in "iy"
    return True


def all_syllables() -> list[str]:
    """Every syllable, lower case, NFC (a few thousand)."""
    out = set()
    groups = [(False, [*OPEN_RHYMES, "uYu"]), (True, CHECKED_RHYMES)]
    groups += [
        (False, [r + "q" for r in QU_OPEN + QU_CLOSED]),
        (True, [r + "q" for r in QU_CHECKED]),
    ]
    for checked, rhymes in groups:
        for rhyme in rhymes:
            only_qu = rhyme.endswith("q")
            rhyme = rhyme.removesuffix("q")
            at = next(i for i, c in enumerate(rhyme) if c.isupper())
            for tone in TONES[4:] if checked else TONES:
                vowel = unicodedata.normalize("NFC", rhyme[at].lower() + tone)
                spelled = rhyme[:at] + vowel + rhyme[at + 1 :].lower()
                for onset in ["qu"] if only_qu else ["", *INITIALS]:
                    if _spellable(onset, rhyme):
                        out.add(onset + spelled)
    return sorted(out)


SYLLABLES = all_syllables()


def test_the_generator_covers_the_language():
    assert len(SYLLABLES) > 3000
    for word in ("quỳnh", "quýt", "giữ", "gìn", "khuỷu", "nghiêng", "người", "ỵ", "kỷ"):
        assert word in SYLLABLES


def test_the_generator_has_the_qu_gi_and_y_families():
    """qu- and gi- syllables (296 and 596) and every syllable with ỳ ỷ ỹ ỵ (534)."""
    assert sum(s.startswith("qu") for s in SYLLABLES) >= 290
    assert sum(s.startswith("gi") for s in SYLLABLES) >= 590
    for letter in "ỳỷỹỵý":
        assert sum(letter in s for s in SYLLABLES) >= 80, letter
    for word in (
        "quỳnh",
        "quỷ",
        "quỹ",
        "quỵ",
        "quyết",
        "quyển",
        "giữa",
        "giếng",
        "giặt",
        "kỹ",
        "mỵ",
    ):
        assert word in SYLLABLES


ICONV = shutil.which("iconv") or "iconv"


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not installed")
def test_every_syllable_in_tcvn3_against_glibc_iconv():
    """Bytes from glibc, decoded by us; and our encoding decoded by glibc (NFC compared)."""
    batch = "\n".join(SYLLABLES)
    glibc_bytes = subprocess.run(  # noqa: S603 - fixed arguments, our own data
        [ICONV, "-f", "UTF-8", "-t", "TCVN5712-1"],
        input=batch.encode(),
        capture_output=True,
        check=True,
    ).stdout
    ours = from_unicode(batch, "tcvn3").encode("latin-1")
    back = subprocess.run(  # noqa: S603
        [ICONV, "-f", "TCVN5712-1", "-t", "UTF-8"], input=ours, capture_output=True, check=True
    ).stdout.decode()
    assert unicodedata.normalize("NFC", back).split("\n") == SYLLABLES
    decoded = to_unicode(glibc_bytes.decode("latin-1"), "tcvn3").split("\n")
    wrong = [(s, d) for s, d in zip(SYLLABLES, decoded, strict=True) if s != d]
    assert wrong == []
    print(f"TCVN3: {len(SYLLABLES)} syllables checked against iconv")
    # The same bytes in a capitals font (".VnTimeH") are the syllables in capitals.
    capitals = to_unicode(glibc_bytes.decode("latin-1"), "tcvn3_caps").split("\n")
    assert capitals == [s.upper() for s in SYLLABLES]


# VNI-Windows, from the specification: a base letter then one mark character.
VNI_BASE = {"ă": "a", "â": "a", "ê": "e", "ô": "o", "ơ": "ô", "ư": "ö", "đ": "ñ"}
VNI_VOWEL_MARK = {"ă": "ê", "â": "â", "ê": "â", "ô": "â"}  # breve ê, circumflex â
VNI_TONE = {"\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0301": "ù", "\u0323": "ï"}
VNI_BREVE_TONE = {"\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0301": "é", "\u0323": "ë"}
VNI_HAT_TONE = {"\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0301": "á", "\u0323": "ä"}
VNI_I = {"\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0301": "í", "\u0323": "ò"}


def vni_letter(letter: str) -> str:
    """One Unicode letter written in VNI, from the specification's rules."""
    parts = unicodedata.normalize("NFD", letter.lower())
    tone = next((c for c in parts if c in VNI_TONE), "")
    bare = unicodedata.normalize("NFC", parts.replace(tone, "") if tone else parts)
    if bare == "i" and tone:
        out = VNI_I[tone]
    elif bare == "y" and tone == "\u0323":
        out = "î"
    elif bare == "ă":
        out = "a" + (VNI_BREVE_TONE[tone] if tone else "ê")
    elif bare in ("â", "ê", "ô"):
        out = {"â": "a", "ê": "e", "ô": "o"}[bare]
        out += VNI_HAT_TONE[tone] if tone else "â"
    else:
        out = VNI_BASE.get(bare, bare) + (VNI_TONE[tone] if tone else "")
    return out.upper() if letter.isupper() else out


def vni_text(text: str) -> str:
    return "".join(vni_letter(c) if not c.isascii() else c for c in text)


@pytest.mark.parametrize("style", ["lower", "title", "upper"])
def test_every_syllable_in_vni_against_the_specification(style):
    words = [getattr(s, style)() for s in SYLLABLES]
    wrong = [(w, to_unicode(vni_text(w), "vni")) for w in words]
    wrong = [(w, d) for w, d in wrong if w != d]
    assert wrong == []
    assert [from_unicode(w, "vni") for w in words] == [vni_text(w) for w in words]


def test_every_syllable_is_recognised_as_vietnamese():
    """What the detector accepts as a converted word: all of them (once "Quỳnh" was not)."""
    refused = [s for s in SYLLABLES if not legacy._is_syllable(s)]
    assert refused == []


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("template", ["Nguyễn Văn {}", "NGUYỄN VĂN {}"])
def test_every_syllable_in_a_name_converts_exactly(encoding, template):
    """Title case and capitals (TCVN3 restores toned capitals from the name around them)."""
    style = str.title if template[1] == "g" else str.upper
    names = [template.format(style(s)) for s in SYLLABLES]
    wrong = [n for n in names if to_unicode(from_unicode(n, encoding), encoding) != n]
    assert wrong == []
    undetected = [n for n in names if legacy.detect(from_unicode(n, encoding)) not in (encoding,)]
    assert undetected == []


# --- The faults of issue 13 --------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "encoding", "expected"),
    [
        ("Hoµng ThÞ Qu\xfanh", "tcvn3", "Hoàng Thị Quỳnh"),
        ("Hoaøng Thò Quyønh", "vni", "Hoàng Thị Quỳnh"),
        ("§H", "tcvn3", "ĐH"),
        ("L§PT", "tcvn3", "LĐPT"),
        ("§¹i häc §HSP", "tcvn3", "Đại học ĐHSP"),
        ("ÑH", "vni", "ĐH"),
        ("LÑPT", "vni", "LĐPT"),
    ],
)
def test_cells_that_convert_alone(typed, encoding, expected):
    assert legacy.fix(typed) == (expected, encoding)


@pytest.mark.parametrize(
    ("typed", "encoding", "expected"),
    [
        ("NghÖ An", "tcvn3", "Nghệ An"),
        ("Thanh Hãa", "tcvn3", "Thanh Hóa"),
        ("Qu\xfanh", "tcvn3", "Quỳnh"),
        ("C§", "tcvn3", "CĐ"),
        ("CÑ", "vni", "CĐ"),
        ("NghÖ An", "vni", "NghƯ An"),
    ],
)
def test_the_column_decides_unclear_cells(typed, encoding, expected):
    """Alone these are unclear; the importer converts them in the column's encoding."""
    from dangbo.imports.cells import text

    assert legacy.detect(typed) in (None, encoding)
    value, note = text(typed, "Quê quán", max_length=200, legacy_encoding=encoding)
    assert value == expected
    assert note is not None and "chuyển từ mã" in note


def test_a_unicode_cell_in_a_legacy_column_stays():
    from dangbo.imports.cells import text

    assert text("Nguyễn Ư", "Họ tên", max_length=200, legacy_encoding="tcvn3") == (
        "Nguyễn Ư",
        None,
    )


# --- Names and places, as a column of a roll -------------------------------------------
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
FAMILY += ["Hồ", "Ngô", "Dương", "Lý", "Quách", "Giáp", "Khuất", "Nghiêm", "Quan", "Ông"]
# Kinds written in Title Case: after "Thị trấn" a name starting with a toned vowel ("Ạ")
# keeps TCVN3's lower-case code (no capital restored), a known limit of _tcvn3_case.
PLACE_KINDS = ["Xã", "Phường", "Thôn", "Huyện", "Tỉnh", "Thị Trấn", "Xóm", "Bản"]


@st.composite
def names(draw):
    """Family name, one or two middle names, a given name: any syllables of the language."""
    words = [draw(st.sampled_from(FAMILY))]
    words += [draw(st.sampled_from(SYLLABLES)).title() for _ in range(draw(st.integers(1, 3)))]
    name = " ".join(words)
    return name.upper() if draw(st.booleans()) and draw(st.booleans()) else name


@st.composite
def places(draw):
    words = draw(st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3))
    return draw(st.sampled_from(PLACE_KINDS)) + " " + " ".join(w.title() for w in words)


@settings(max_examples=500, deadline=None)
@given(st.one_of(names(), places()), st.sampled_from(["tcvn3", "vni"]))
@example("Hoàng Thị Quỳnh", "tcvn3")
@example("Nguyễn Gia Quỳnh", "vni")
@example("Xã Nghĩa Giang", "tcvn3")
def test_names_and_places_round_trip_in_their_column(text, encoding):
    """Typed in a legacy font, a name or place comes back exactly, and in a column of that
    encoding (what the importer does) the cell is converted to it."""
    typed = from_unicode(text, encoding)
    if encoding == "tcvn3" and text.isupper():
        # TCVN3 has no toned capitals: "ĐỖ AI" and "Đỗ AI" are the same bytes (and "UBND
        # Hà" must stay as is). Capitals are told by a word with two letters of known case
        # and a Vietnamese letter ("NGUYỄN", "LÊ"), as most names have.
        assume(
            any(sum(map(legacy._known_upper, w)) >= 2 and not w.isascii() for w in typed.split())
        )
    assert to_unicode(typed, encoding) == text
    if typed != text:
        # A name whose legacy spelling reads as commoner names ("Lý Bộ" typed "Lý Bé") is
        # taken for a Unicode cell: the price of keeping Unicode cells among legacy ones.
        assume(not legacy._names_kept(typed, text))
        assert legacy.convert_in_column(typed, encoding) == text
        assert legacy.detect(typed) in (encoding, None)


def test_a_column_of_unclear_cells_takes_the_sheets_encoding():
    """Home towns "NghÖ An", "Thanh Hãa" decide nothing alone; the names beside them do."""
    from dangbo.imports.services import _legacy_columns

    class Rows:
        text_keys = ("full_name", "home_town")

    head = [
        (1, ["NguyÔn §×nh NhuËn", "NghÖ An"]),
        (2, ["TrÇn ThÞ Qu\xfanh", "Thanh Hãa"]),
        (3, ["Lª V¨n Hïng", "NghÖ An"]),
    ]
    positions = {"full_name": 0, "home_town": 1}
    assert _legacy_columns(head, positions, Rows) == {"full_name": "tcvn3", "home_town": "tcvn3"}
    unicode_towns = [(1, ["NguyÔn §×nh NhuËn", "Nghệ An"]), (2, ["TrÇn ThÞ Qu\xfanh", "Hà"])]
    assert _legacy_columns(unicode_towns, positions, Rows) == {"full_name": "tcvn3"}
