"""Vietnamese text: accent folding, dictionary order of names, cleaning of free text."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from dangbo.core.text import clean_text, collation_key, fold, name_sort_key, split_name

ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "g",
    "h",
    "i",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "x",
    "y",
]
# Dictionary tone order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot (nặng).
TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
VOWELS = set("aăâeêioôơuưy")


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# -- fold ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Nguyễn Thị Hương", "nguyen thi huong"),
        ("ĐẶNG VĂN ĐỨC", "dang van duc"),
        ("đinh  Bộ   Lĩnh ", "dinh bo linh"),
        ("Trần Quốc Toản", "tran quoc toan"),
        ("Ưng Hoàng Phúc", "ung hoang phuc"),
    ],
)
def test_fold_strips_accents_and_d_bar(raw, folded):
    assert fold(raw) == folded


def test_fold_nfd_input_folds_like_nfc():
    name = "Nguyễn Thị Hương Đào"
    assert nfd(name) != name
    assert fold(nfd(name)) == fold(name) == "nguyen thi huong dao"


# -- name order ---------------------------------------------------------------------------


def test_split_name():
    assert split_name("Nguyễn Thị Minh Khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_name("  Trần   An ") == ("Trần", "", "An")
    assert split_name("Hương") == ("", "", "Hương")


def test_letters_follow_the_vietnamese_alphabet():
    words = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "o", "ô", "ơ", "u", "ư", "v"]
    shuffled = list(reversed(words))
    assert sorted(shuffled, key=collation_key) == words


def test_letters_first_tones_second():
    expected = ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ", "Băm", "Bâm", "Bầm"]
    assert sorted(reversed(expected), key=collation_key) == expected
    # 'Anh' sorts before 'Ân' because a < â decides before the extra letter.
    assert sorted(["Ân", "Anh", "An", "Ăn"], key=collation_key) == ["An", "Anh", "Ăn", "Ân"]
    assert sorted(["Đào", "Dung", "Duy", "Dũng"], key=collation_key) == [
        "Dung",
        "Dũng",
        "Duy",
        "Đào",
    ]


def test_name_sort_key_orders_given_then_family_then_middle():
    names = [
        "Trần Văn An",
        "Lê Thị An",
        "Lê Văn An",
        "Nguyễn Bình",
        "Đặng Văn Bình",
        "Dương Văn Bình",
        "Phạm Thị Ánh",
        "Hoàng Anh",
    ]
    assert sorted(names, key=name_sort_key) == [
        "Lê Thị An",  # given An; family Lê < Trần; then middle Thị < Văn
        "Lê Văn An",
        "Trần Văn An",
        "Hoàng Anh",  # 'Anh' after 'An'
        "Phạm Thị Ánh",  # same letters as Anh, tone after
        "Dương Văn Bình",  # d < đ < n
        "Đặng Văn Bình",
        "Nguyễn Bình",
    ]


def test_given_name_decides_before_family_name():
    assert name_sort_key("Vũ An") < name_sort_key("An Bình")
    assert name_sort_key("Nguyễn Thị Ánh") < name_sort_key("Âu Văn Ba")


# Reference implementation of dictionary order, written independently of the code.
def _ref_word(word: str) -> tuple[list[int], list[int]]:
    letters, tones = [], []
    for ch in nfc(word.lower()):
        parts = nfd(ch)
        tone = next((TONE_MARKS.index(m) for m in parts[1:] if m in TONE_MARKS[1:]), 0)
        letter = nfc("".join(m for m in parts if m not in TONE_MARKS[1:]))
        letters.append(ALPHABET.index(letter))
        tones.append(tone)
    return letters, tones


def _ref_part(part: str):
    words = [_ref_word(w) for w in part.split()]
    return [w[0] for w in words], [w[1] for w in words]


def _ref_name_key(full: str):
    family, middle, given = split_name(full)
    return tuple(_ref_part(p) for p in (given, family, middle))


@st.composite
def syllables(draw):
    n = draw(st.integers(1, 4))
    letters = draw(st.lists(st.sampled_from(ALPHABET), min_size=n, max_size=n))
    word = "".join(letters)
    tone = draw(st.sampled_from(TONE_MARKS))
    vowel_positions = [i for i, c in enumerate(letters) if c in VOWELS]
    if tone and vowel_positions:
        i = draw(st.sampled_from(vowel_positions))
        word = nfc(word[: i + 1] + tone + word[i + 1 :])
    if draw(st.booleans()):
        word = word[0].upper() + word[1:]
    return word


names = st.lists(syllables(), min_size=1, max_size=4).map(" ".join)


def _strip_tones(s: str) -> str:
    return nfc("".join(ch for ch in nfd(s) if ch not in TONE_MARKS[1:]))


@settings(max_examples=200)
@given(names, names)
def test_name_key_matches_reference_dictionary_order(a, b):
    ka, kb = name_sort_key(a), name_sort_key(b)
    ra, rb = _ref_name_key(a), _ref_name_key(b)
    assert (ka < kb) == (ra < rb)
    assert (ka == kb) == (ra == rb)


@settings(max_examples=200)
@given(names)
def test_name_key_same_for_nfc_and_nfd(name):
    assert name_sort_key(nfd(name)) == name_sort_key(nfc(name))
    assert fold(nfd(name)) == fold(nfc(name))


@settings(max_examples=200)
@given(names, names)
def test_order_is_stable_under_tone_variation(a, b):
    """Names whose letters differ keep their relative order whatever their tones are."""
    sa, sb = _strip_tones(a), _strip_tones(b)
    if _ref_name_key(sa)[0][0] == _ref_name_key(sb)[0][0]:
        return  # same given-name letters: tones may legitimately decide
    assert (name_sort_key(a) < name_sort_key(b)) == (name_sort_key(sa) < name_sort_key(sb))


@settings(max_examples=100)
@given(st.lists(names, min_size=2, max_size=8))
def test_sorted_names_match_reference_order(items):
    """Sorting by the key (and id for ties) gives the dictionary order of the reference."""
    by_key = sorted(items, key=name_sort_key)
    refs = [_ref_name_key(n) for n in by_key]
    assert refs == sorted(refs)
    assert [_ref_name_key(n) for n in sorted(reversed(items), key=name_sort_key)] == refs


# -- clean_text ---------------------------------------------------------------------------


def test_clean_text_normalises_nfc_and_spaces():
    raw = nfd("  Nguyễn\t Thị\n\nHương  ")
    assert clean_text(raw, "Họ và tên", max_length=50) == nfc("Nguyễn Thị Hương")


@pytest.mark.parametrize(
    "bad",
    ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\u202e", "\ufffe", "\uffff", "\ud800"],
)
def test_clean_text_rejects_control_characters(bad):
    with pytest.raises(ValidationError) as exc:
        clean_text(f"Trần{bad}An", "Họ và tên", max_length=50)
    (message,) = exc.value.messages
    assert message.startswith("Họ và tên:")
    assert "ký tự điều khiển" in message


def test_clean_text_turns_whitespace_controls_into_single_spaces():
    assert clean_text("Trần\x0b\x0cAn\u2028Bình", "Tên", max_length=50) == "Trần An Bình"


def test_clean_text_length_counts_characters_after_nfc():
    name = "Nguyễn"  # 6 characters in NFC, 9 code points in NFD
    assert clean_text(nfd(name), "Tên", max_length=6) == name
    with pytest.raises(ValidationError) as exc:
        clean_text(name + "x", "Tên", max_length=6)
    (message,) = exc.value.messages
    assert message.startswith("Tên:")
    assert "6" in message and "7" in message


def test_clean_text_required_and_optional():
    with pytest.raises(ValidationError) as exc:
        clean_text("   ", "Ghi chú", max_length=10)
    assert exc.value.messages[0].startswith("Ghi chú:")
    assert clean_text(None, "Ghi chú", max_length=10, required=False) == ""
    assert clean_text(" \t", "Ghi chú", max_length=10, required=False) == ""


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs")), max_size=30))
def test_clean_text_output_is_clean(value):
    try:
        out = clean_text(value, "Tên", max_length=30, required=False)
    except ValidationError as exc:
        assert exc.messages[0].startswith("Tên:")
        return
    assert out == nfc(out)
    assert out == out.strip()
    assert "  " not in out
    assert len(out) <= 30


def test_vn_number():
    from dangbo.core.text import vn_number

    assert vn_number(5470) == "5.470"
    assert vn_number(1234567.5, 1) == "1.234.567,5"
    assert vn_number(0.25, 2) == "0,25"


# -- the one input normaliser (issue 11) ----------------------------------------------------

REFUSED = [
    "\x01",
    "\x08",
    "\x1b",
    "\x7f",
    "\x85\x00",  # NEL is folded like a line break; the NUL after it is refused
    "\x9b",
    "\ud800",  # an unpaired surrogate
    "\udfff",
    "\ufdd0",
    "\ufdef",
    "\ufffe",
    "\uffff",
    "\U0001fffe",
    "\U0010ffff",
    "\u202e",  # right-to-left override: reorders what a reader sees
    "\u2066",
]
INVISIBLE = [
    "\u00ad",
    "\u034f",
    "\u115f",
    "\u1160",
    "\u180e",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u2060",
    "\u2061",
    "\u2064",
    "\u3164",
    "\ufe00",
    "\ufe0f",
    "\ufeff",
    "\uffa0",
    "\U000e0041",
    "\U000e0100",
]


@pytest.mark.parametrize("bad", REFUSED)
def test_plain_refuses_what_no_file_can_hold_naming_the_field(bad):
    from dangbo.core.text import UnsafeText, clean_paragraphs, plain

    with pytest.raises(UnsafeText):
        plain(f"Trần{bad}An")
    with pytest.raises(ValidationError) as exc:
        clean_text(f"Trần{bad}An", "Họ và tên", max_length=50, field="full_name")
    (message,) = exc.value.message_dict["full_name"]
    assert message.startswith("Họ và tên:")
    assert "U+" in message
    with pytest.raises(ValidationError) as exc:
        clean_paragraphs(f"Dòng một\nTrần{bad}An", "Diễn biến", max_length=500, field="minutes")
    assert exc.value.message_dict["minutes"][0].startswith("Diễn biến:")


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_plain_removes_invisible_characters(invisible):
    from dangbo.core.text import clean_paragraphs, plain

    name = f"Nguyễn{invisible} Thị Hư{invisible}ơng"
    assert plain(name) == "Nguyễn Thị Hương"
    assert clean_text(name, "Họ và tên", max_length=50) == "Nguyễn Thị Hương"
    assert fold(clean_text(name, "Họ và tên", max_length=50)) == "nguyen thi huong"
    assert clean_paragraphs(f"a{invisible}b\nc", "Ý kiến", max_length=50, field="t") == "ab\nc"
    # A name of invisible characters alone is an empty name.
    with pytest.raises(ValidationError):
        clean_text(invisible * 3, "Họ và tên", max_length=50)


def test_plain_nfc_and_lines():
    from dangbo.core.text import clean_paragraphs, plain

    assert plain(nfd("Nguyễn  Thị\tHương ")) == nfc("Nguyễn Thị Hương")
    assert plain("a\nb") == "a b"
    assert plain("a\r\nb \n\n c\u2028d", multiline=True) == "a\nb\n\nc\nd"
    assert clean_paragraphs("a\tb\r\n\r\n\r\n\r\nc", "X", max_length=50, field="x") == "a b\n\nc"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("９７３６５３４２", "97365342"),  # full-width
        ("٩٧٣٦٥٣٤٢", "97365342"),  # Arabic-Indic
        ("۹۷۳۶۵۳۴۲", "97365342"),  # extended Arabic-Indic (Persian)
        ("९७३६५३४२", "97365342"),  # Devanagari
        ("9736\u2060 53.42", "97365342"),
        ("０２６ １８０ ００１ ２３４", "026180001234"),
        ("＋８４９１２３４５６７８", "+8491234567 8".replace(" ", "")),
    ],
)
def test_compact_digits_folds_every_decimal_digit_to_ascii(typed, stored):
    from dangbo.core.text import compact_digits, strip_control

    assert compact_digits(typed) == stored
    assert stored.isascii()
    # Search input folds digits the same way, so a number typed full-width finds it.
    if stored.isdigit():
        assert strip_control(typed).replace(" ", "").replace(".", "") == stored


def test_compact_digits_leaves_other_letters_for_the_validator():
    from dangbo.core.text import compact_digits
    from dangbo.members.models import CARD_NUMBER_DIGITS

    assert compact_digits("1234567a") == "1234567a"
    for bad in ("1234567a", "1234567\ufffe", "1234567-", "1234 567"):
        with pytest.raises(ValidationError):
            CARD_NUMBER_DIGITS(compact_digits(bad))


@pytest.mark.parametrize("bad", [*REFUSED[:4], "\u2060", "\u00ad", "\u3164"])
def test_model_validator_refuses_what_plain_refuses_or_removes(bad):
    from dangbo.core.modelfields import validation_error
    from dangbo.members.models import Member

    assert validation_error(Member, "full_name", "Trần An") is None
    message = validation_error(Member, "full_name", f"Trần{bad}An")
    assert message is not None and "U+" in message
    with pytest.raises(ValidationError):
        Member(full_name=f"Trần{bad}An").clean_fields(
            exclude=[f.name for f in Member._meta.fields if f.name != "full_name"]
        )


def test_writable_keeps_text_and_drops_only_what_xml_cannot_hold():
    from dangbo.core.text import writable

    assert writable("Nguyễn Thị Hương\tA\nB") == "Nguyễn Thị Hương\tA\nB"
    assert writable("a\x00\x01\x0b\x1f\x7f\x9f\ud800\ufffe\uffff\ufdd0\U0010ffffb") == "ab"
    assert writable("\u202e\u2060x") == "\u202e\u2060x"  # legal in XML: shown as stored


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_plain_output_is_always_storable_and_stable(value):
    from dangbo.core.text import UnsafeText, plain, unsafe_char, writable

    for multiline in (False, True):
        try:
            out = plain(value, multiline=multiline)
        except UnsafeText as exc:
            assert exc.char in value
            continue
        assert unsafe_char(out) is None
        assert writable(out) == out
        assert out == nfc(out)
        assert plain(out, multiline=multiline) == out


def _plain_the_long_way(value: str) -> str:
    """``plain``'s single-line rule step by step, as it reads without its shortcut."""
    from dangbo.core.text import UnsafeText, fold_spaces, strip_invisible, unsafe_char

    line = fold_spaces(value)
    if char := unsafe_char(line):
        raise UnsafeText(char)
    return nfc(fold_spaces(strip_invisible(line)))


@settings(max_examples=500)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("aăâĐđ ÐNguyễn\t\n\x00\x1c\x85\u00a0\u200b\u0302\u0303\u2028\ufeff\u202ex")
        ),
        max_size=12,
    )
)
def test_plain_shortcut_for_text_already_plain_agrees_with_the_rule(value):
    from dangbo.core.text import UnsafeText, plain

    def outcome(fn):
        try:
            return fn(value)
        except UnsafeText as exc:
            return ("refused", exc.char)

    assert outcome(plain) == outcome(_plain_the_long_way)


@pytest.mark.parametrize(
    "value", ["Nguyễn Văn Lợi", " Lợi", "Lợi ", "Văn  Lợi", "Văn\u00a0Lợi", "Nguye\u0302\u0303n"]
)
def test_plain_shortcut_only_returns_text_it_would_not_change(value):
    from dangbo.core.text import plain

    assert plain(value) == _plain_the_long_way(value)
