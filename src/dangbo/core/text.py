"""Vietnamese text: NFC storage, accent folding for search, alphabetical sort keys."""

import functools
import re
import unicodedata

from django.core.exceptions import ValidationError
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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lower-case, accent-free form: 'Nguyễn Thị Hương' -> 'nguyen thi huong'."""
    return " ".join(f for w in value.split() if (f := _fold_word(w)))


@functools.lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    # Names reuse a small vocabulary: caching per word makes bulk imports several times faster.
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
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
    """Remove control characters from free query input (PostgreSQL refuses NUL outright)."""
    return _CONTROL.sub("", value)


def fold_spaces(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


_DIGIT_SEPARATORS = re.compile(r"[\s.]")


def compact_digits(value: str | None) -> str:
    """A number typed with spaces or dots between its digits: "0123 4567" -> "01234567"."""
    return _DIGIT_SEPARATORS.sub("", value or "")


def clean_text(
    value: str | None,
    label: str,
    *,
    max_length: int,
    required: bool = True,
    field: str | None = None,
) -> str:
    """NFC, trimmed, single-spaced text; a Vietnamese error naming the field otherwise
    (keyed by ``field`` when given, so that API and forms can attach it to the input)."""

    def error(message: str) -> ValidationError:
        return ValidationError({field: [message]}) if field else ValidationError(message)

    value = nfc(fold_spaces(value or ""))
    if not value:
        if required:
            raise error(_("%(field)s: không được để trống.") % {"field": label})
        return ""
    if _CONTROL.search(value):
        raise error(_("%(field)s: có ký tự điều khiển không hợp lệ.") % {"field": label})
    if len(value) > max_length:
        raise error(
            _("%(field)s: dài quá %(max)s ký tự (hiện có %(n)s).")
            % {"field": label, "max": max_length, "n": len(value)}
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
    line single-spaced, at most one empty line in a row), other control characters refused."""
    text = nfc((value or "").replace("\r\n", "\n").replace("\r", "\n"))
    if _CONTROL.search(text.replace("\t", " ")):
        raise ValidationError(
            {field: [_("%(field)s: có ký tự điều khiển không hợp lệ.") % {"field": label}]}
        )
    lines = [fold_spaces(line) for line in text.split("\n")]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
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
