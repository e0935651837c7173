"""Names and places round-trip through TCVN3 and VNI, encoded by independent encoders.

The legacy text is not written by ``core.legacy`` (that would only test it against itself):
TCVN3 bytes come from glibc's ``iconv -t TCVN5712-1`` (one call per generated column), VNI
text from the table of the specification in ``test_legacy_syllables`` (``vni_text``). Each
generated column of names or places then goes back through ``core.legacy`` three ways: cell
by cell, as a column (``detect_column`` then ``convert_in_column``, what the importer does),
and through a real file: an .xlsx whose cells carry the font the office used (".VnTime",
".VnTimeH", "VNI-Times") and an 8-bit CSV saved on a Western Windows.
"""

import shutil
import subprocess
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from dangbo.core import legacy

from .test_legacy_syllables import SYLLABLES, vni_text

ICONV = shutil.which("iconv")
needs_iconv = pytest.mark.skipif(ICONV is None, reason="glibc iconv not installed")
_TONES = "\u0300\u0301\u0303\u0309\u0323"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
FAMILY += ["Hồ", "Ngô", "Dương", "Lý", "Quách", "Giáp", "Khuất", "Nghiêm", "Quản", "Ông"]
FAMILY += ["Âu", "Ưng", "Ứng", "Ân", "Ông", "Ỷ", "Kỳ", "Mỵ"]
GIVEN = ["Quỳnh", "Quý", "Quyết", "Quyên", "Giang", "Giữ", "Gìn", "Kỷ", "Mỹ", "Thủy", "Ỵ"]
GIVEN += ["Ánh", "Ấn", "Ổn", "Ước", "Ơn", "Ất", "Ỷ", "Yến", "Huệ", "Khuê", "Ngọc", "Đức"]
PLACE_KINDS = ["Xã", "Phường", "Thôn", "Huyện", "Tỉnh", "Thị Trấn", "Xóm", "Bản", "Tổ"]
# Every syllable of the language (16,430 with tones, qu/gi forms, ỳ ỷ ỹ ỵ) can be drawn.
WORD = st.one_of(st.sampled_from(SYLLABLES), st.sampled_from(GIVEN).map(str.lower))


@st.composite
def names(draw):
    words = [draw(st.sampled_from(FAMILY))]
    words += [draw(WORD).title() for _ in range(draw(st.integers(1, 3)))]
    return " ".join(words)


@st.composite
def places(draw):
    words = draw(st.lists(WORD, min_size=1, max_size=3))
    return draw(st.sampled_from(PLACE_KINDS)) + " " + " ".join(w.title() for w in words)


CELLS = st.one_of(names(), places())


@st.composite
def columns(draw):
    """A column of a roll: 3-8 names (or places), in Title Case or all in capitals."""
    cells = draw(st.lists(CELLS, min_size=3, max_size=8))
    return [c.upper() for c in cells] if draw(st.booleans()) else cells


def _iconv(lines: list[str]) -> list[str]:
    """TCVN3 by glibc, as a ".VnTime" typist wrote it: a capital with a tone has no code in
    TCVN3, so it is typed with the lower-case code (the font draws both the same)."""
    typed = []
    for line in lines:
        typed.append(
            "".join(
                c.lower()
                if c.isupper() and set(unicodedata.normalize("NFD", c)) & set(_TONES)
                else c
                for c in unicodedata.normalize("NFC", line)
            )
        )
    out = subprocess.run(  # noqa: S603 - fixed arguments, our own data
        [ICONV, "-f", "UTF-8", "-t", "TCVN5712-1"],
        input="\n".join(typed).encode(),
        capture_output=True,
        check=True,
    ).stdout
    # Only TCVN3's (VN3's) code points: ASCII and 0xA1-0xFE.
    assert all(b < 0x80 or 0xA1 <= b <= 0xFE for b in out), out
    return out.decode("latin-1").split("\n")


def _toned(letter: str) -> bool:
    return bool(set(unicodedata.normalize("NFD", letter)) & set(_TONES))


def _case_readable(column: list[str], encoding: str) -> bool:
    """ "Ứng Ạ" is typed "øng ¹" in TCVN3: no letter of known case is left to tell the
    capitals (a known limit of TCVN3 in a plain font; a capitals font, or one word such as
    "Văn" beside them, settles it)."""
    return encoding != "tcvn3" or all(any(not _toned(w[0]) for w in c.split()) for c in column)


def _names_readable(typed: list[str], expected: list[str]) -> bool:
    """A name whose legacy spelling reads as commoner names as it stands ("Lý Bộ" is typed
    "Lý Bé") is taken for a Unicode cell (``legacy._names_kept``): left out here, as no
    real roll has such names often (none of 35,000 common full names is)."""
    return not any(legacy._names_kept(t, e) for t, e in zip(typed, expected, strict=True))


def _iconv_caps(lines: list[str]) -> list[str]:
    """As typed in ".VnTimeH": everything in lower-case codes, drawn as capitals."""
    return _iconv([line.lower() for line in lines])


def _capitals_readable(typed: str) -> bool:
    """TCVN3 in a plain font cannot say "ĐỖ AI" from "Đỗ AI": all-capital text comes back in
    capitals when a word shows two letters of known case (``legacy._tcvn3_case``)."""
    return any(sum(map(legacy._known_upper, w)) >= 2 and not w.isascii() for w in typed.split())


def _typed(column: list[str], encoding: str) -> list[str]:
    if encoding == "vni":
        return [vni_text(c) for c in column]
    if encoding == "tcvn3_caps":
        return _iconv_caps(column)
    return _iconv(column)


def _expected(column: list[str], encoding: str) -> list[str]:
    return [c.upper() for c in column] if encoding == "tcvn3_caps" else column


ENCODINGS = st.sampled_from(["tcvn3", "tcvn3_caps", "vni"])


@needs_iconv
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns(), ENCODINGS)
@example(["Hoàng Thị Quỳnh", "Nguyễn Gia Giữ", "Xã Nghĩa Giang"], "tcvn3")
@example(["Hoàng Thị Quỳnh", "Lê Thị Kỷ", "Trần Mỹ Ỵ"], "vni")
@example(["ĐẶNG VĂN KỶ", "LÊ THỊ ÁNH", "QUÁCH ƯỚC"], "tcvn3_caps")
@example(["Âu Thị Ánh", "Ưng Văn Ổn", "Thị Trấn Ấm Thượng"], "tcvn3")
def test_a_column_round_trips(column, encoding):
    """Cell by cell, then as a column: detected (never as the other encoding) and converted
    exactly, each cell in the column's encoding."""
    typed = _typed(column, encoding)
    expected = _expected(column, encoding)
    assume(_names_readable(typed, expected))
    if encoding == "tcvn3" and column[0].isupper():
        assume(all(_capitals_readable(t) for t in typed))
    assume(_case_readable(column, encoding))
    # One cell at a time.
    assert [legacy.to_unicode(t, encoding) for t in typed] == expected
    # As a column: what the column is detected as, and each cell converted in its encoding.
    base = legacy.base_encoding(encoding)
    other = "vni" if base == "tcvn3" else "tcvn3"
    decided = [legacy.detect(t) for t in typed]
    assert other not in decided  # never read as the other encoding
    assert legacy.detect_column(typed) in (base, None)
    if decided.count(base) * 2 > sum(not t.isascii() for t in typed):
        # Most cells show it ("Xãm A" alone shows nothing: the font or other columns decide).
        assert legacy.detect_column(typed) == base
    for cell, want in zip(typed, expected, strict=True):
        converted = legacy.convert_in_column(cell, encoding)
        assert (converted if converted is not None else cell) == want
        assert legacy.fix_as(cell, encoding)[0] == want


# --- The Unicode cell in a legacy column, look-alikes ----------------------------------------
@given(CELLS, st.sampled_from(["tcvn3", "tcvn3_caps", "vni"]))
@settings(max_examples=300, deadline=None)
def test_a_unicode_cell_in_a_legacy_column_is_left_alone_when_it_cannot_be_legacy(cell, encoding):
    """A cell typed in Unicode among legacy ones: left as is whenever it holds a letter no
    legacy file has (ư, ạ, …) or a letter its encoding cannot produce ("à" in TCVN3, a
    lone mark in VNI)."""
    base = legacy.base_encoding(encoding)
    if legacy._UNICODE_ONLY.search(cell) or legacy._unfit(cell, base):
        assert legacy.convert_in_column(cell, encoding) is None


@pytest.mark.parametrize(
    ("cell", "encoding"),
    [
        ("Nguyễn Văn A", "tcvn3"),
        ("Nguyễn Văn A", "vni"),
        ("Nguyễn Văn A", "tcvn3_caps"),
        ("Lê Hoàng", "vni"),  # "oà" would be VNI "ồ", but "ê" after "L" is no VNI
        ("Lê Vân Hà", "tcvn3"),  # TCVN3 has no "à"
        ("Hà Thu Trà", "tcvn3"),
        ("Võ Hà", "vni"),
        ("Bùi Anh", "tcvn3"),  # reads "Bựi Anh" in TCVN3: "Bùi" is the common name
        ("Lý Bá Hòa", "tcvn3"),
        ("Thanh Hóa", "tcvn3"),  # not "Thanh Húa"
        ("Thanh Hóa", "vni"),  # not "Thanh Hĩa"
    ],
)
def test_unicode_cells_among_legacy_ones_stay(cell, encoding):
    assert legacy.convert_in_column(cell, encoding) is None
    assert legacy.fix_as(cell, encoding) == (cell, None)


@pytest.mark.parametrize(
    ("typed", "encoding", "expected"),
    [
        ("Vò", "tcvn3", "Vũ"),  # alone also Unicode "vò": the column decides
        ("NghÖ An", "tcvn3", "Nghệ An"),
        ("Thanh Hãa", "tcvn3", "Thanh Hóa"),
        ("nguyÔn thÞ qu\xfanh", "tcvn3_caps", "NGUYỄN THỊ QUỲNH"),
        ("§¶ng bé x· nghÜa giang", "tcvn3_caps", "ĐẢNG BỘ XÃ NGHĨA GIANG"),
        ("sung a pao", "tcvn3_caps", "SUNG A PAO"),
        ("c§", "tcvn3_caps", "CĐ"),
        ("Y Bih Kd¨m", "tcvn3", "Y Bih Kdăm"),  # not a syllable, but every legacy sign gone
    ],
)
def test_the_column_or_its_font_decides(typed, encoding, expected):
    assert legacy.convert_in_column(typed, encoding) == expected


def test_capitals_font_writes_lower_case_codes():
    assert legacy.from_unicode("ĐẢNG BỘ", "tcvn3_caps") == "®¶ng bé"
    assert legacy.to_unicode("®¶ng bé", "tcvn3_caps") == "ĐẢNG BỘ"
    assert legacy.base_encoding("tcvn3_caps") == "tcvn3"


# --- Through the readers: an 8-bit CSV ---------------------------------------------------
@needs_iconv
@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(names(), min_size=3, max_size=6),
    st.lists(places(), min_size=3, max_size=6),
    st.sampled_from(["tcvn3", "vni"]),
)
def test_an_8bit_csv_round_trips(tmp_path_factory, people, towns, encoding):
    """Saved as plain "CSV" on a Western Windows (one byte a character): read by the
    readers, columns detected, every cell converted exactly."""
    rows = list(zip(people, towns, strict=False))
    people = [p for p, _ in rows]
    towns = [t for _, t in rows]
    assume(_case_readable(people + towns, encoding))
    typed_people = _typed(people, encoding)
    typed_towns = _typed(towns, encoding)
    assume(_names_readable(typed_people + typed_towns, people + towns))
    lines = ["STT,Họ và tên,Quê quán"]
    lines += [
        f"{i},{p},{t}" for i, (p, t) in enumerate(zip(typed_people, typed_towns, strict=True), 1)
    ]
    path = tmp_path_factory.mktemp("csv") / "roll.csv"
    header = legacy.from_unicode(lines[0], encoding)  # the header typed in the old font too
    path.write_bytes(("\r\n".join([header, *lines[1:]]) + "\r\n").encode("cp1252"))
    got = _read_converted(path, len(rows))
    assert got == [list(r) for r in zip(people, towns, strict=True)]


def _read_converted(path, count, *, expected_fonts=None):
    """What the importer stores for the name and home town cells of each row."""
    from dangbo.imports import readers
    from dangbo.imports.cells import text
    from dangbo.imports.members import MemberImporter
    from dangbo.imports.schema import match_header
    from dangbo.imports.services import _legacy_columns

    sheet = readers.open_sheet(path, path.name)
    header = [legacy.fix(h)[0] if not h.isascii() else h for h in sheet.header]
    positions = match_header(header, MemberImporter.columns).positions
    head = list(sheet.rows)
    assert len(head) == count
    found = _legacy_columns(head, positions, MemberImporter, path=path, sheet="")
    if expected_fonts is not None:
        assert found == expected_fonts
    out = []
    for _, cells in head:
        row = []
        for key in ("full_name", "home_town"):
            value, _note = text(
                cells[positions[key]], key, max_length=200, legacy_encoding=found.get(key)
            )
            row.append(value)
        out.append(row)
    return out


# --- Through the readers: an .xlsx whose cells carry the office's font -------------------
FONT_OF = {"tcvn3": ".VnTime", "tcvn3_caps": ".VnTimeH", "vni": "VNI-Times"}


@needs_iconv
@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(names(), min_size=1, max_size=5),
    st.lists(places(), min_size=1, max_size=5),
    ENCODINGS,
    ENCODINGS,
)
def test_an_xlsx_in_legacy_fonts_round_trips(tmp_path_factory, people, towns, enc1, enc2):
    """The font decides each column, even one or two cells that alone say nothing."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = list(zip(people, towns, strict=False))
    people = [p for p, _ in rows]
    towns = [t for _, t in rows]
    assume(_case_readable(people, enc1) and _case_readable(towns, enc2))
    assume(_names_readable(_typed(people, enc1), _expected(people, enc1)))
    assume(_names_readable(_typed(towns, enc2), _expected(towns, enc2)))
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", "Quê quán"])
    for i, (p, t) in enumerate(
        zip(_typed(people, enc1), _typed(towns, enc2), strict=True), start=2
    ):
        sheet.append([i - 1, p, t])
        sheet.cell(row=i, column=2).font = Font(name=FONT_OF[enc1])
        sheet.cell(row=i, column=3).font = Font(name=FONT_OF[enc2])
    path = tmp_path_factory.mktemp("xlsx") / "roll.xlsx"
    book.save(path)
    got = _read_converted(path, len(rows), expected_fonts={"full_name": enc1, "home_town": enc2})
    assert got == [
        list(r) for r in zip(_expected(people, enc1), _expected(towns, enc2), strict=True)
    ]
