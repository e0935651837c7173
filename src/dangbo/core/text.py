"""Vietnamese text: NFC storage, accent folding for search, alphabetical sort keys."""

import functools
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# The Vietnamese alphabet, with the Latin letters it lacks slotted where a reader expects them.
_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
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
    "w",
    "x",
    "y",
    "z",
]
_LETTER_CODE = {letter: chr(0x41 + i) for i, letter in enumerate(_ALPHABET)}
# Tone order of Vietnamese dictionaries: level, grave, hook, tilde, acute, dot below.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_SPACES = re.compile(r"\s+")

# -- the one input normaliser ----------------------------------------------------------
# Every path that takes text in (forms, API, import, services) goes through ``plain`` (via
# ``clean_text``/``clean_paragraphs``, ``core.api.In``, ``imports.cells``), so text in is
# text out: what XML cannot carry is refused (a .xlsx/.docx would not open), characters that
# cannot be seen are dropped (look-alike names would defeat search and duplicate checks),
# and numbers read the same whichever digits they were typed in.

# Refused: C0 controls but tab/LF/CR, DEL and C1 (XML forbids most, none is ever text);
# surrogates (unpaired in a str); Unicode non-characters (U+FDD0–FDEF, U+nFFFE/U+nFFFF);
# bidirectional embeddings, overrides and isolates, which reorder what a reader sees.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_REFUSED = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
    + _NONCHARACTERS
    + "\u2028\u2029\u202a-\u202e\u2066-\u2069"
)
_CONTROL = re.compile(f"[{_REFUSED}]")
# What a writer (XML in .xlsx/.docx, a UTF-8 CSV) cannot carry: removed at write time from
# whatever the database holds (rows written before this check, or by raw SQL).
_UNWRITABLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
# Dropped: format and filler characters with no glyph (soft hyphen, combining grapheme
# joiner, Hangul fillers, zero-width spaces and joiners, LRM/RLM, word joiner and invisible
# operators, variation selectors, the BOM, Mongolian vowel separator, tags, …).
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
    "\U000e0100-\U000e01ef]"
)


# Whatever ``plain`` would change on one line: a refused or invisible character, whitespace
# other than single spaces between words.
_CHANGED = re.compile(f"[{_REFUSED}]|{_INVISIBLE.pattern}|\\s\\s|[^\\S ]|^\\s|\\s$")


def _already_plain(value: str) -> bool:
    return _CHANGED.search(value) is None and unicodedata.is_normalized("NFC", value)


class UnsafeText(ValueError):
    """Text holds a character that may not be stored (``char`` is the first one)."""

    def __init__(self, char: str):
        super().__init__(f"U+{ord(char):04X}")
        self.char = char


def unsafe_char(value: str) -> str | None:
    """The first character ``plain`` refuses, or None."""
    found = _CONTROL.search(value)
    return found.group() if found else None


def strip_invisible(value: str) -> str:
    return _INVISIBLE.sub("", value)


def plain(value: str, *, multiline: bool = False) -> str:
    """The one input normaliser: NFC, invisible characters removed, single spaces (each
    line's, for ``multiline``); ``UnsafeText`` for a character that may not be stored."""
    if not multiline and _already_plain(value):
        return value  # most text is: one scan instead of five (an import reads millions)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        value = value.replace("\u2028", "\n").replace("\u2029", "\n\n")
        lines = value.split("\n")
    else:
        lines = [value]
    # Whitespace controls (VT, FF, the information separators, NEL) become spaces first,
    # as a pasted name's tabs and line breaks do.
    lines = [fold_spaces(line) for line in lines]
    for line in lines:
        if char := unsafe_char(line):
            raise UnsafeText(char)
    return "\n".join(nfc(fold_spaces(strip_invisible(line))) for line in lines)


@deconstructible(path="dangbo.core.text.PlainText")
class PlainText:
    """A model field's validator (``full_clean``, ``modelfields.validation_error``): no
    character ``plain`` refuses or removes may be stored, whoever writes the row."""

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        found = _CONTROL.search(value) or _INVISIBLE.search(value)
        if found:
            raise ValidationError(
                _("có ký tự điều khiển hoặc ký tự ẩn không hợp lệ (U+%(code)04X)."),
                code="unsafe_text",
                params={"code": ord(found.group())},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, PlainText)

    def __hash__(self) -> int:
        return hash(PlainText)


def unsafe_message(label: str, char: str) -> str:
    return _("%(field)s: có ký tự điều khiển không hợp lệ (U+%(code)04X).") % {
        "field": label,
        "code": ord(char),
    }


def writable(value: str) -> str:
    """``value`` with what no file format can carry removed: for writers of .xlsx, .docx and
    CSV, which must open whatever the database already holds."""
    return _UNWRITABLE.sub("", value)


def fold_digits(value: str) -> str:
    """Full-width, Arabic-Indic and every other Unicode decimal digit as its ASCII digit
    (NFKC first: "９７３６" and "٩٧٣٦" → "9736"), the same on every path."""
    return fold_digits_only(unicodedata.normalize("NFKC", value))


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


# Look-alikes of Đ/đ that old fonts and keyboards typed: the Icelandic eth (U+00D0, U+00F0)
# and the African D (U+0189, small U+0256), drawn the same as Đ/đ.
_D_LOOKALIKES = str.maketrans(
    {"\u00d0": "\u0110", "\u00f0": "\u0111", "\u0189": "\u0110", "\u0256": "\u0111"}
)


def vietnamese(value: str) -> str:
    """A Vietnamese text field (names, places) with look-alike letters as the Vietnamese
    ones: "Nguyễn Ðình Nhuận" (Icelandic Ð) → "Nguyễn Đình Nhuận"."""
    return value.translate(_D_LOOKALIKES)


@functools.lru_cache(maxsize=1 << 14)
def fold(value: str) -> str:
    """Lower-case, accent-free form: 'Nguyễn Thị Hương' -> 'nguyen thi huong'. Cached: one
    row of an import folds its name in four places."""
    return " ".join(f for w in value.split() if (f := _fold_word(w)))


@functools.lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    # Names reuse a small vocabulary: caching per word makes bulk imports several times faster.
    word = vietnamese(word).replace("đ", "d").replace("Đ", "D")  # "Ðình" finds "dinh" too
    decomposed = unicodedata.normalize("NFD", word)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


@functools.lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> tuple[str, str]:
    primary: list[str] = []
    tones: list[str] = []
    for ch in unicodedata.normalize("NFC", word.lower()):
        if ch.isdigit():
            primary.append(ch)
            tones.append("0")
            continue
        parts = unicodedata.normalize("NFD", ch)
        base = parts[0]
        marks = parts[1:]
        letter = unicodedata.normalize(
            "NFC", base + "".join(m for m in marks if m in _LETTER_MARKS)
        )
        code = _LETTER_CODE.get(letter) or _LETTER_CODE.get(base)
        if code is None:
            continue  # punctuation does not take part in ordering
        primary.append(code)
        tones.append(next((_TONES[m] for m in marks if m in _TONES), "0"))
    return "".join(primary), "".join(tones)


@functools.lru_cache(maxsize=1 << 16)
def collation_key(text: str) -> str:
    """Key that orders Vietnamese text as a dictionary does (letters first, tones second)."""
    words = [w for w in fold_spaces(text).split(" ") if w]
    keys = [_word_key(w) for w in words]
    return " ".join(p for p, _ in keys) + "\x01" + "".join(t for _, t in keys)


def split_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) of a Vietnamese full name."""
    words = fold_spaces(full_name).split(" ")
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def name_parts(full_name: str) -> tuple[str, str, str]:
    """(given, family, middle): the order in which lists of people are sorted."""
    family, middle, given = split_name(full_name)
    return given, family, middle


def name_sort_key(full_name: str) -> str:
    """People are listed by given name, then family name, then middle name."""
    family, middle, given = split_name(full_name)
    return "\x02".join(collation_key(part) for part in (given, family, middle))


def strip_control(value: str) -> str:
    """Free query input (a search box, a code in the URL) made harmless rather than refused:
    refused and invisible characters removed (PostgreSQL refuses NUL outright), NFC, digits
    folded to ASCII as stored numbers are."""
    return fold_digits_only(nfc(strip_invisible(_CONTROL.sub("", value))))


def fold_spaces(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def fold_digits_only(value: str) -> str:
    """Every Unicode decimal digit as its ASCII digit, the rest untouched (no NFKC)."""
    if value.isascii():
        return value
    return "".join(
        str(unicodedata.decimal(ch)) if not ch.isascii() and ch.isdecimal() else ch for ch in value
    )


_DIGIT_SEPARATORS = re.compile(r"[\s.]")


def compact_digits(value: str | None) -> str:
    """A number typed with spaces or dots between its digits, in any digits: "0123 4567",
    "０１２３ ４５６７" -> "01234567". What is left that is not an ASCII digit is for the
    field's validator to refuse."""
    return _DIGIT_SEPARATORS.sub("", fold_digits(strip_invisible(value or "")))


def _field_error(message: str, field: str | None) -> ValidationError:
    return ValidationError({field: [message]}) if field else ValidationError(message)


def _plain_or_error(value: str, label: str, field: str | None, *, multiline: bool) -> str:
    try:
        return plain(value, multiline=multiline)
    except UnsafeText as exc:
        raise _field_error(unsafe_message(label, exc.char), field) from None


def clean_text(
    value: str | None,
    label: str,
    *,
    max_length: int,
    required: bool = True,
    field: str | None = None,
) -> str:
    """``plain`` single-line text; a Vietnamese error naming the field otherwise
    (keyed by ``field`` when given, so that API and forms can attach it to the input)."""
    value = _plain_or_error(value or "", label, field, multiline=False)
    if not value:
        if required:
            raise _field_error(_("%(field)s: không được để trống.") % {"field": label}, field)
        return ""
    if len(value) > max_length:
        raise _field_error(
            _("%(field)s: dài quá %(max)s ký tự (hiện có %(n)s).")
            % {"field": label, "max": max_length, "n": len(value)},
            field,
        )
    return value


def vn_number(value: float, decimals: int = 0) -> str:
    """5470 -> "5.470", 0.25 (1 decimal) -> "0,3": Vietnamese separators."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


_BLANK_LINES = re.compile(r"\n{3,}")


def clean_paragraphs(
    value: str | None, label: str, *, max_length: int, required: bool = False, field: str
) -> str:
    """Like ``clean_text`` for minutes, answers and opinions: line breaks are kept (each
    line single-spaced, at most one empty line in a row), refused characters named."""
    text = _plain_or_error(value or "", label, field, multiline=True)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if not text:
        if required:
            raise ValidationError(
                {field: [_("%(field)s: không được để trống.") % {"field": label}]}
            )
        return ""
    if len(text) > max_length:
        raise ValidationError(
            {
                field: [
                    _("%(field)s: dài quá %(max)s ký tự (hiện có %(n)s).")
                    % {"field": label, "max": max_length, "n": len(text)}
                ]
            }
        )
    return text


_KEY_NON_WORD = re.compile(r"[^0-9a-z]+")


def key_words(text: str) -> list[str]:
    """The folded words of ``text`` as search keys hold them ("64-KL/TW" → 64, kl, tw)."""
    return [w for w in _KEY_NON_WORD.split(fold(text or "")) if w]


def document_key(number: str, title: str, kind_label: str = "") -> str:
    """A document's search key: the folded words of its number ("64-KL/TW" → "64 kl tw"),
    of its kind's label and of its title, between spaces, so that every word is found as
    " word" (a prefix) or " 64 " (a whole number). ``LegalDocument.save`` keeps it."""
    words = [w for text in (number, kind_label, title) for w in key_words(text)]
    key = " " + " ".join(words) + " "
    return key[:699] + " " if len(key) > 700 else key
