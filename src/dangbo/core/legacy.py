"""Legacy Vietnamese encodings (TCVN3/ABC, VNI, Windows-1258) to Unicode NFC.

Why this exists: offices still keep spreadsheets typed before Unicode, in a ``.VnTime`` font
(TCVN3, also called ABC) or a ``VNI-Times`` font (VNI). Opened today, their cells hold
Latin-1 look-alikes: "Nguyễn Văn An" reads ``NguyÔn V¨n An`` (TCVN3) or ``Nguyeãn Vaên An``
(VNI). The importer asks :func:`detect` / :func:`detect_column` which cells or columns are
legacy, converts them with :func:`to_unicode` and says so in its preview.

The tables are our own, written from the standards and cross-checked against two
independent public implementations each:

* TCVN3 = TCVN 5712:1993 "VN3": 67 lower-case letters plus Ă Â Ê Ô Ơ Ư Đ in 0xA1-0xFE.
  Checked byte by byte against glibc's ``TCVN5712-1`` converter (whose 0xA1-0xFE letters are
  a superset of VN3) and against the TCVN3 table of Unikey's converter (vnconv).
* VNI = VNI-Windows: a base letter followed by one mark character. Checked against Unikey's
  VNI-WIN table and the ``vietnamese-conversion`` package.

TCVN3 has no code for an upper-case vowel with a tone (À Ả Ã Á Ạ, Ằ…, Ầ…, È…, Ề…, Ì…, Ò…, Ồ…,
Ờ…, Ù…, Ừ…, Ỳ…: 60 letters). Typists used a capitals font (``.VnTimeH``) that draws the
lower-case codes as capitals, so ``to_unicode`` restores capitals from the context
(see :func:`_tcvn3_case`) and ``from_unicode`` writes such capitals with lower-case codes.
Where the font is known to be such a capitals font (``imports.fonts``: ".VnTimeH"), or a
column of names holds no capital at all (:func:`typed_in_capitals_font`), the encoding key
'tcvn3_caps' reads the text in capitals.
"""

import codecs
import re
import unicodedata
from collections import Counter

LEGACY_LABELS = {
    "tcvn3": "TCVN3 (ABC)",
    # A column in a TCVN3 capitals font (".VnTimeH"): lower-case codes drawn as capitals.
    "tcvn3_caps": "TCVN3 (ABC, phông chữ hoa)",
    "vni": "VNI",
    "cp1258": "Windows-1258",
}
# The encodings text can be typed in, and the table each one reads with.
CAPS = "_caps"


def base_encoding(encoding: str) -> str:
    """'tcvn3_caps' -> 'tcvn3': the code table of an encoding key."""
    return encoding.removesuffix(CAPS)


# ---------------------------------------------------------------------------------------
# The Vietnamese letters
# ---------------------------------------------------------------------------------------
_VOWELS = "aăâeêioôơuưy"
# Tone order of every table below: level, grave, hook above, tilde, acute, dot below.
_TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def _toned(vowel: str, tone: int) -> str:
    return unicodedata.normalize("NFC", vowel + _TONE_MARKS[tone])


# Lower-case letter -> (vowel without tone, tone index); used to check syllables.
_VOWEL_TONE = {_toned(v, t): (v, t) for v in _VOWELS for t in range(6)}
# The 134 non-ASCII letters of the alphabet (vowels with marks and tones, đ, both cases).
VIETNAMESE_LETTERS = frozenset(
    ch for lower in [*_VOWEL_TONE, "đ"] for ch in (lower, lower.upper()) if not ch.isascii()
)

# ---------------------------------------------------------------------------------------
# TCVN3 (TCVN 5712:1993 VN3): one byte per letter
# ---------------------------------------------------------------------------------------
# Bytes of each vowel in tone order (level, grave, hook, tilde, acute, dot below).
_TCVN3_VOWEL_BYTES = {
    "a": b"a\xb5\xb6\xb7\xb8\xb9",
    "ă": b"\xa8\xbb\xbc\xbd\xbe\xc6",
    "â": b"\xa9\xc7\xc8\xc9\xca\xcb",
    "e": b"e\xcc\xce\xcf\xd0\xd1",
    "ê": b"\xaa\xd2\xd3\xd4\xd5\xd6",
    "i": b"i\xd7\xd8\xdc\xdd\xde",
    "o": b"o\xdf\xe1\xe2\xe3\xe4",
    "ô": b"\xab\xe5\xe6\xe7\xe8\xe9",
    "ơ": b"\xac\xea\xeb\xec\xed\xee",
    "u": b"u\xef\xf1\xf2\xf3\xf4",
    "ư": b"\xad\xf5\xf6\xf7\xf8\xf9",
    "y": b"y\xfa\xfb\xfc\xfd\xfe",
}
_TCVN3_OTHER_BYTES = {
    "đ": b"\xae",
    "Ă": b"\xa1",
    "Â": b"\xa2",
    "Ê": b"\xa3",
    "Ô": b"\xa4",
    "Ơ": b"\xa5",
    "Ư": b"\xa6",
    "Đ": b"\xa7",
}
_TCVN3_ENCODE: dict[str, str] = {}
for _vowel, _codes in _TCVN3_VOWEL_BYTES.items():
    for _tone, _byte in enumerate(_codes):
        _TCVN3_ENCODE[_toned(_vowel, _tone)] = chr(_byte)
for _letter, _code in _TCVN3_OTHER_BYTES.items():
    _TCVN3_ENCODE[_letter] = _code.decode("latin-1")
_TCVN3_DECODE = {code: letter for letter, code in _TCVN3_ENCODE.items() if code != letter}
# Capitals with a tone have no code: written with the lower-case code, as .VnTimeH fonts do.
for _letter in VIETNAMESE_LETTERS:
    if _letter.isupper() and _letter not in _TCVN3_ENCODE:
        _TCVN3_ENCODE[_letter] = _TCVN3_ENCODE[_letter.lower()]
_TCVN3_ENCODE = {k: v for k, v in _TCVN3_ENCODE.items() if k != v}
_TCVN3_DECODE_TABLE = str.maketrans(_TCVN3_DECODE)
_TCVN3_ENCODE_TABLE = str.maketrans(_TCVN3_ENCODE)
# Case of each code, for restoring capitals: the seven capitals, the explicitly lower-case
# letters ă â ê ô ơ ư đ, and the toned letters whose case the font decided.
_TCVN3_UPPER_CODES = frozenset(b.decode("latin-1") for b in _TCVN3_OTHER_BYTES.values()) - {"®"}
_TCVN3_TONED_CODES = frozenset(chr(b) for codes in _TCVN3_VOWEL_BYTES.values() for b in codes[1:])
_TCVN3_LOWER_CODES = frozenset(_TCVN3_DECODE) - _TCVN3_UPPER_CODES - _TCVN3_TONED_CODES

# ---------------------------------------------------------------------------------------
# VNI (VNI-Windows): base letter followed by one mark character
# ---------------------------------------------------------------------------------------
_VNI_TONES = ("", "ø", "û", "õ", "ù", "ï")  # grave, hook, tilde, acute, dot below
_VNI_CIRCUMFLEX = ("â", "à", "å", "ã", "á", "ä")  # circumflex without and with each tone
_VNI_BREVE = ("ê", "è", "ú", "ü", "é", "ë")  # breve without and with each tone
_VNI_LOWER = {
    "a": ["a" + m for m in _VNI_TONES],
    "ă": ["a" + m for m in _VNI_BREVE],
    "â": ["a" + m for m in _VNI_CIRCUMFLEX],
    "e": ["e" + m for m in _VNI_TONES],
    "ê": ["e" + m for m in _VNI_CIRCUMFLEX],
    "i": ["i", "ì", "æ", "ó", "í", "ò"],  # i takes one-character forms
    "o": ["o" + m for m in _VNI_TONES],
    "ô": ["o" + m for m in _VNI_CIRCUMFLEX],
    "ơ": ["ô" + m for m in _VNI_TONES],  # VNI's "ô" is the letter ơ
    "u": ["u" + m for m in _VNI_TONES],
    "ư": ["ö" + m for m in _VNI_TONES],  # VNI's "ö" is the letter ư
    "y": ["y" + m for m in _VNI_TONES[:5]] + ["î"],  # ỵ is one character
}
_VNI_ENCODE: dict[str, str] = {"đ": "ñ", "Đ": "Ñ"}
for _vowel, _forms in _VNI_LOWER.items():
    for _tone, _form in enumerate(_forms):
        _letter = _toned(_vowel, _tone)
        _VNI_ENCODE[_letter] = _form
        _VNI_ENCODE[_letter.upper()] = _form.upper()  # capitals take capital marks
_VNI_ENCODE = {k: v for k, v in _VNI_ENCODE.items() if k != v}
_VNI_DECODE = {form: letter for letter, form in _VNI_ENCODE.items()}
# Accept a mark in the other case than its base ("Aù"); the base decides the case.
for _form, _letter in list(_VNI_DECODE.items()):
    if len(_form) == 2:
        _VNI_DECODE.setdefault(_form[0] + _form[1].swapcase(), _letter)
_VNI_SEQUENCE = re.compile(
    "|".join(re.escape(f) for f in sorted(_VNI_DECODE, key=len, reverse=True))
)

# ---------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------
# Text read from a legacy file holds Latin-1 and the printable Windows-1252 extras only.
_CP1252_EXTRAS = "".join(
    ch for ch in bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore") if ord(ch) > 0xFF
)
_UNICODE_ONLY = re.compile(f"[^\\x00-\\xff{re.escape(_CP1252_EXTRAS)}]")

# Latin-1 characters that real Vietnamese text contains (à á â ã è é ê ì í ò ó ô õ ù ú ý and
# capitals): seeing them proves nothing.
_VIET_LATIN1 = frozenset(ch for ch in VIETNAMESE_LETTERS if ord(ch) <= 0xFF)
# Vietnamese letters of Latin-1 that typing in the encoding never leaves as they are: TCVN3
# has no code "à", "Á", "Ù" (it writes them µ, ¸, ï), and in VNI "ê", "à", "ô" are marks that
# only follow a vowel ("Lê" in VNI is "L" and a stray breve). A cell holding one is not
# typed in that encoding (see :func:`convert_in_column`).
_TCVN3_UNFIT = frozenset(c for c in _VIET_LATIN1 if c in _TCVN3_ENCODE and c not in _TCVN3_DECODE)
_VNI_KEPT = frozenset(c for c in VIETNAMESE_LETTERS if c not in _VNI_ENCODE)  # ì í Ì Í


def _unfit(text: str, encoding: str) -> bool:
    """Does ``text`` hold a letter that typing in ``encoding`` cannot have produced?"""
    if encoding == "tcvn3":
        return not _TCVN3_UNFIT.isdisjoint(text)
    left = _VNI_SEQUENCE.sub("", text)
    return any(c in _VIET_LATIN1 and c not in _VNI_KEPT for c in left)


def _cls(chars) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


# TCVN3 evidence: a code that never occurs in Vietnamese (¨ © ª « ¬ ­ ® µ ¶ · ¸ ¹ § Ç Ñ Ö ß
# å ï ö û …) touching a letter, or a capital-looking code (Ô Õ Ê Ò …) right after a
# lower-case letter, as in "NguyÔn". "ĐÔNG", "LÊ" or a lone "Ô" are not evidence.
_T_LETTER = "A-Za-z" + _cls(_TCVN3_DECODE)
_T_LOWER = "a-z" + _cls(set(_TCVN3_DECODE) - _TCVN3_UPPER_CODES)
_T_STRONG = _cls(set(_TCVN3_DECODE) - _VIET_LATIN1)
_T_UPPER_LOOKALIKE = _cls(c for c in set(_TCVN3_DECODE) & _VIET_LATIN1 if c.isupper())
_TCVN3_SIGNAL = re.compile(
    f"[{_T_LETTER}][{_T_STRONG}]|[{_T_STRONG}][{_T_LETTER}]|[{_T_LOWER}][{_T_UPPER_LOOKALIKE}]"
)

# VNI evidence: a vowel followed by a mark it takes, in the same case ("aê", "eã", "uù",
# "ôù", "AÙ"), or ñ ö æ î (đ ư ỉ ỵ) touching a letter. "oà", "oá", "oã" are left out: they
# are also old-style Unicode spellings ("hoà", "khoá", "loã"). A pair weighs double, since
# TCVN3 text is full of VNI-looking characters (ä ï ø ñ ö …) but shows no such pair, except
# the weak pairs "uû" (TCVN3 "uỷ", as in "Uỷ ban") and, in a capitals font, "UÕ", "YÕ", "OÏ"
# ("HUẾ", "YẾN", "KHOẼ"): these count once for each encoding, so alone they decide nothing.
_OLD_STYLE_PAIRS = {"oà", "oá", "oã", "OÀ", "OÁ", "OÃ"}
_VNI_PAIRS = {form for form in _VNI_ENCODE.values() if len(form) == 2} - _OLD_STYLE_PAIRS
_VNI_WEAK_PAIRS = {"uû", "UÕ", "YÕ", "OÏ"}
_VNI_PAIR = re.compile("|".join(sorted(_VNI_PAIRS - _VNI_WEAK_PAIRS)))
_VNI_WEAK_PAIR = re.compile("|".join(sorted(_VNI_WEAK_PAIRS)))
_V_SINGLE = "ñÑöÖæÆîÎ"
_V_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
_VNI_SINGLE = re.compile(f"[{_V_LETTER}][{_V_SINGLE}]|[{_V_SINGLE}][{_V_LETTER}]")


def _tcvn3_score(text: str) -> int:
    weak = len(_VNI_WEAK_PAIR.findall(text))
    return len(_TCVN3_SIGNAL.findall(_VNI_WEAK_PAIR.sub(" ", text) if weak else text)) + weak


def _vni_score(text: str) -> int:
    return (
        2 * len(_VNI_PAIR.findall(text))
        + len(_VNI_SINGLE.findall(text))
        + len(_VNI_WEAK_PAIR.findall(text))
    )


# A converted word must be a Vietnamese syllable; this is what keeps "Müller", "Straße" or
# "Björn" from being "converted". Vowel groups by the endings they take: none, a final
# consonant, or either. Tones are removed before matching; a word has at most one, and a
# word ending in -c, -ch, -p, -t only takes the acute or the dot below.
_OPEN_NUCLEI = (
    "y ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui uơ ưa ưi ưu iêu yêu oai oao oay oeo uây "
    "uôi uya uyu ươi ươu"
)
_CLOSED_NUCLEI = "ă â oă uâ iê yê uô ươ uyê oo"
_EITHER_NUCLEI = "a e ê i o ô ơ u ư oa oe uê uy"


def _alternatives(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


_SYLLABLE = re.compile(
    # "q(?=u)": in "quỳnh", "quýt", "quyên" the u of qu also opens the rhyme (uy, uyê).
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|q(?=u)|kr|dr|bl|pl|br|[bcdđghklmnprstvx])?"
    f"(?:(?:{_alternatives(_OPEN_NUCLEI)})"
    f"|(?:{_alternatives(_CLOSED_NUCLEI)})(?P<closed>ng|nh|ch|[cmnptk])"
    f"|(?:{_alternatives(_EITHER_NUCLEI)})(?P<final>ng|nh|ch|[cmnptk])?)"
)
_CHECKED_FINALS = frozenset(("c", "ch", "p", "t"))
_WORD = re.compile(r"[^\W\d_]+")
# After a right conversion no Latin-1 sign or foreign letter is left touching a letter: a
# "£" or "§" left in "VNI" output means TCVN3 input, a "Ù" left in "TCVN3" output means VNI.
_STRAY_CHARS = (
    ({chr(c) for c in range(0xA1, 0x100)} | {c for c in _CP1252_EXTRAS if c.isalpha()})
    - VIETNAMESE_LETTERS
    - set("°²³¹º")
)
_S_LETTER = "A-Za-z" + _cls(VIETNAMESE_LETTERS | _STRAY_CHARS)
_STRAY = re.compile(f"[{_S_LETTER}][{_cls(_STRAY_CHARS)}]|[{_cls(_STRAY_CHARS)}][{_S_LETTER}]")


def _is_syllable(word: str) -> bool:
    """Is this lower-case word a Vietnamese syllable ("nguyễn", "người", "khuya")?"""
    bases = []
    tones = [0]
    for ch in word:
        vowel, tone = _VOWEL_TONE.get(ch, (ch, 0))
        if tone:
            tones.append(tone)
        bases.append(vowel)
    match = _SYLLABLE.fullmatch("".join(bases))
    if match is None or len(tones) > 2:
        return False
    final = match.group("closed") or match.group("final")
    return final not in _CHECKED_FINALS or tones[-1] in (4, 5)


# Abbreviations with Đ, as offices write them: "ĐH" (đại học), "CĐ", "LĐPT", "ĐHSP".
_ABBREVIATION = re.compile("[A-ZĐ]{0,7}Đ[A-ZĐ]{0,7}")


def _looks_vietnamese(text: str) -> bool:
    """Converted text is plausible: no stray legacy sign, every non-ASCII word a syllable
    or an abbreviation with Đ."""
    if _STRAY.search(text):
        return False
    return all(
        w.isascii() or _is_syllable(w.lower()) or _ABBREVIATION.fullmatch(w)
        for w in _WORD.findall(text)
    )


def detect(text: str) -> str | None:
    """'tcvn3', 'vni' or None for one cell's text.

    Conservative on purpose: converting a good Unicode name corrupts it. A cell is legacy
    only if it holds nothing but Latin-1/Windows-1252 characters, shows evidence of the
    encoding (``_TCVN3_SIGNAL``, ``_VNI_PAIR``, ``_VNI_SINGLE``) and converts into
    Vietnamese syllables. When both readings pass, the one with more evidence wins and a tie
    is no answer ("Thö" is TCVN3 "Thử" or VNI "Thư"). Cells like "Vò" (TCVN3 "Vũ" or Unicode
    "vò") stay undecided too; :func:`detect_column` settles them from their neighbours.
    """
    if text.isascii() or _UNICODE_ONLY.search(text):
        return None
    found = None
    best = 0
    for encoding, scorer in (("tcvn3", _tcvn3_score), ("vni", _vni_score)):
        score = scorer(text)
        if score == 0 or score < best or not _looks_vietnamese(to_unicode(text, encoding)):
            continue
        found = None if score == best else encoding  # a tie is no answer
        best = score
    return found


def to_unicode(text: str, encoding: str) -> str:
    """Convert text typed in 'tcvn3', 'tcvn3_caps' (a capitals font such as ".VnTimeH": the
    result is in capitals) or 'vni' to Unicode NFC."""
    if encoding == "tcvn3_caps":
        decoded = "".join(map(_upper, text.translate(_TCVN3_DECODE_TABLE)))
    elif encoding == "tcvn3":
        decoded = _tcvn3_case(text, text.translate(_TCVN3_DECODE_TABLE))
    elif encoding == "vni":
        decoded = _VNI_SEQUENCE.sub(lambda m: _VNI_DECODE[m.group()], text)
    else:
        raise ValueError(f"unknown legacy encoding: {encoding!r}")
    return unicodedata.normalize("NFC", decoded)


_TCVN3_WORD = re.compile(f"(?:[{_T_LETTER}]|[^\\W\\d_])+")


def _known_upper(ch: str) -> bool:
    return ch in _TCVN3_UPPER_CODES or (ch.isupper() and ch not in _TCVN3_TONED_CODES)


def _known_lower(ch: str) -> bool:
    return ch in _TCVN3_LOWER_CODES or (ch.islower() and ch not in _TCVN3_TONED_CODES)


def _upper(ch: str) -> str:
    upper = ch.upper()
    return upper if len(upper) == 1 else ch


def _tcvn3_case(text: str, decoded: str) -> str:
    """Restore the capitals that TCVN3 cannot encode.

    A toned letter has one code for both cases, so ".VnTimeH" capitals come back lower-case:
    "§¶NG" decodes to "ĐảNG". A word whose letters of known case are all capitals (two at
    least) is upper-cased, and so is the whole cell when it has such a word and no known
    lower-case letter ("§¶NG Bé" -> "ĐẢNG BỘ"). In a cell of Title Case words, a word that
    starts with a toned vowel gets its capital back ("L\xadu ThÞ Ngäc ¸nh" -> "Lưu Thị Ngọc
    Ánh"). Decoding is one character for one, so positions in both strings agree.
    """
    words = []  # (start, end, letters of known upper case, of known lower case, toned)
    for match in _TCVN3_WORD.finditer(text):
        word = match.group()
        upper = sum(map(_known_upper, word))
        lower = sum(map(_known_lower, word))
        toned = sum(c in _TCVN3_TONED_CODES for c in word)
        words.append((match.start(), match.end(), upper, lower, toned))
    if not any(w[4] for w in words):
        return decoded
    chars = list(decoded)
    # A word of capitals need not hold the toned letter itself when it has a Vietnamese
    # capital ("L£ DÕ" is "LÊ DẾ"); an ASCII one may be an abbreviation ("UBND Hµ").
    capitals = [w for w in words if w[2] >= 2 and w[3] == 0]
    vietnamese_capitals = any(_TCVN3_UPPER_CODES.intersection(text[w[0] : w[1]]) for w in capitals)
    if any(w[4] for w in capitals) or (vietnamese_capitals and not any(w[3] for w in words)):
        if not any(w[3] for w in words):
            capitals = words
        for start, end, *_ in capitals:
            chars[start:end] = map(_upper, decoded[start:end])
        return "".join(chars)
    initials = [text[w[0]] for w in words]
    if any(map(_known_upper, initials)) and not any(map(_known_lower, initials)):
        for (start, *_), initial in zip(words, initials, strict=True):
            if initial in _TCVN3_TONED_CODES:
                chars[start] = _upper(decoded[start])
    return "".join(chars)


def convert_in_column(text: str, encoding: str) -> str | None:
    """A cell of a column whose encoding is known: its conversion, or None to leave it.

    The column decides what one cell cannot ("NghÖ An" is TCVN3 "Nghệ An" or VNI "NghƯ An";
    "Thanh Hãa" is TCVN3 "Thanh Hóa" or Unicode): the cell is converted unless it holds
    characters no legacy file has, or its conversion is not Vietnamese (nor at least rid of
    the legacy signs the cell showed: "Kd¨m" is "Kdăm"), or it already is
    Vietnamese and holds a letter that the encoding cannot have produced (Unicode "Lê Hoàng"
    among VNI cells, "Hà" among TCVN3 ones) or reads as more common names than its
    conversion ("Bùi Anh" is not TCVN3 "Bựi Anh"). In a capitals-font column ('tcvn3_caps') an
    ASCII cell comes back in capitals ("sung a pao" is drawn "SUNG A PAO").
    """
    if encoding == "tcvn3_caps" and text.isascii():
        upper = text.upper()
        return upper if upper != text else None
    if text.isascii() or _UNICODE_ONLY.search(text):
        return None
    converted = to_unicode(text, encoding)
    if converted == text:
        return None
    # Vietnamese syllables, or (a name of the highlands, "Kd¨m" -> "Kdăm") every legacy sign
    # that stood in the text gone.
    if not _looks_vietnamese(converted) and (_STRAY.search(converted) or not _STRAY.search(text)):
        return None
    if (_unfit(text, base_encoding(encoding)) or _names_kept(text, converted)) and (
        _looks_vietnamese(text)
    ):
        return None
    return converted


# Common family, middle and given names: a cell whose words are more often such names as
# they stand ("Bùi Anh", "Hoàng Anh", "Lý Bá Hòa") than once converted ("Bựi Anh" in TCVN3,
# "Hồng Anh" in VNI, "Lý Bỏ Hòa") is a Unicode name among legacy ones. The list holds no
# name that reads as another of its names in TCVN3 or VNI (but "Hồng", typed "Hoàng" in
# VNI: a tie, so converted), so a name typed in either is never kept for it.
_COMMON_NAMES = frozenset(
    (  # noqa: SIM905 - a list of words reads better as text
        "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đoàn "
        "vương trịnh trương lâm mai tô hà lưu cao đinh tạ lương châu quách quan khổng "
        "kiều chu la lại lò mạc nghiêm tăng thái triệu từ văn vi âu ông ứng giáp khuất "
        "kim lục mẫn nông hứa diệp doãn đàm đồng đậu khúc lã lữ mã phùng tống thân thạch "
        "tiêu trà trình viên yên cù chung bế cấn cầm hầu thị hữu đức công bá đình quang "
        "xuân thu minh ngọc thanh duy anh gia huy an bình chi cúc dũng giang hải hòa "
        "hùng hương khánh lan linh loan nam nga phương quỳnh sơn tâm thảo thủy trang tú "
        "tuấn vân yến tùng bé hiền thơ tín nhân hạnh hiếu hoa huệ hưng khoa long lộc "
        "nhung oanh phúc quý quyên tài thắng thành thúy tiến toàn trung tuyết uyên việt "
        "vinh xuyến hằng hậu hoan hồng "
        # and words of place names: "Thanh Hóa" is not TCVN3 "Thanh Húa"
        "hóa xóm thôn xã bình giang an long yên"
    ).split()
)


def _name_words(text: str) -> int:
    return sum(w.lower() in _COMMON_NAMES for w in _WORD.findall(text))


def _names_kept(text: str, converted: str) -> bool:
    """Does ``text`` read as more common names as it stands than converted?"""
    return _name_words(text) > _name_words(converted)


def fix_as(text: str, encoding: str | None) -> tuple[str, str | None]:
    """Like :func:`fix` for text whose encoding is known (from its cell's font, see
    ``imports.fonts``): (converted text, encoding) or (text, None) if left as is. With no
    encoding known, :func:`fix` guesses."""
    if encoding is None:
        return fix(text)
    converted = convert_in_column(text, encoding)
    return (text, None) if converted is None else (converted, encoding)


def from_unicode(text: str, encoding: str) -> str:
    """Unicode -> how it reads when typed in 'tcvn3' or 'vni' (for building test files).

    TCVN3 writes a toned capital with its lower-case code, as a .VnTimeH typist did.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3_caps":  # typed in lower case, drawn in capitals by the font
        return text.lower().translate(_TCVN3_ENCODE_TABLE)
    if encoding == "tcvn3":
        return text.translate(_TCVN3_ENCODE_TABLE)
    if encoding == "vni":
        return "".join(_VNI_ENCODE.get(ch, ch) for ch in text)
    raise ValueError(f"unknown legacy encoding: {encoding!r}")


def fix(text: str) -> tuple[str, str | None]:
    """detect + to_unicode: (converted text, encoding or None if left as is)."""
    encoding = detect(text)
    if encoding is None:
        return text, None
    return to_unicode(text, encoding), encoding


def detect_column(values: list[str]) -> str | None:
    """The legacy encoding of a whole column or file, or None.

    One cell can be undecidable ("Vò", "Lý"); a column rarely is. Every non-ASCII cell votes
    'tcvn3' or 'vni' (what :func:`detect` says), 'unicode' (it holds characters no legacy
    file has, such as "ư" or a combining mark) or abstains. The winner needs more than half
    of the votes cast, so one odd cell among Unicode names changes nothing. Values that are
    not text (None, numbers from a spreadsheet) are skipped.
    """
    votes: Counter[str] = Counter()
    for value in values:
        if not isinstance(value, str) or value.isascii():
            continue
        encoding = detect(value)
        if encoding is not None:
            votes[encoding] += 1
        elif _UNICODE_ONLY.search(value):
            votes["unicode"] += 1
    if not votes:
        return None
    winner, count = votes.most_common(1)[0]
    if winner == "unicode" or count * 2 <= sum(votes.values()):
        return None
    return winner


def typed_in_capitals_font(values: list) -> bool:
    """Do these TCVN3 cells of a name column look typed in a capitals font (".VnTimeH")?

    Nobody types people's names in lower case; in ".VnTimeH" everyone types lower-case
    codes, which the font draws as capitals ("nguyÔn v¨n an" prints "NGUYỄN VĂN AN"). So a
    column of names (two cells at least) without one letter of known upper case is read in
    capitals when no font tells (an .xls, a CSV)."""
    cells = [v for v in values if isinstance(v, str) and not v.isascii()]
    if len(cells) < 2:
        return False
    return not any(_known_upper(c) for v in cells for c in v)


# ---------------------------------------------------------------------------------------
# Bytes of a text file
# ---------------------------------------------------------------------------------------
def _byte_table(codec: str) -> str:
    """256-character decoding table; bytes the code page leaves undefined keep their value."""
    return "".join(bytes([b]).decode(codec, errors="ignore") or chr(b) for b in range(256))


_CP1258_TABLE = _byte_table("cp1258")
_CP1252_TABLE = _byte_table("cp1252")
_FIELD_SEPARATOR = re.compile(r'[\r\n,;\t"]+')
_SAMPLE_CHARS = 65536


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _typed_in_legacy_font(western: str, vietnamese: str) -> bool:
    """Are 8-bit bytes TCVN3/VNI text (saved under a Western code page) rather than cp1258?

    Reading TCVN3 bytes as cp1258 mangles them beyond repair (0xCC "è" becomes a combining
    grave that NFC fuses with the letter before it), so the two readings are compared on a
    sample: fields that are legacy when read as Windows-1252 against fields that are
    Vietnamese words when read as Windows-1258.
    """
    legacy = sum(
        detect(f) is not None for f in _FIELD_SEPARATOR.split(western[:_SAMPLE_CHARS]) if f
    )
    if not legacy:
        return False
    native = sum(
        bool(_UNICODE_ONLY.search(f)) and _looks_vietnamese(f)
        for f in _FIELD_SEPARATOR.split(vietnamese[:_SAMPLE_CHARS])
    )
    return legacy > native


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else
    Windows-1258 (then NFC).

    Returns (text, encoding) with encoding in {"utf-8", "utf-16", "cp1258"}. Never raises on
    any bytes: code points Windows-1258 leaves undefined decode to the same-numbered
    character. "cp1258" means "an 8-bit Windows code page": when the bytes are TCVN3 or VNI
    text (legacy fonts saved under Windows-1252) the text is read byte for byte as
    Windows-1252 instead, so that :func:`detect` can still recognise and convert it.
    """
    data = bytes(data)
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return _nfc(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return _nfc(data.decode("utf-8-sig")), "utf-8"
    except UnicodeDecodeError:
        pass
    vietnamese = _nfc(codecs.charmap_decode(data, "strict", _CP1258_TABLE)[0])
    western = codecs.charmap_decode(data, "strict", _CP1252_TABLE)[0]
    if _typed_in_legacy_font(western, vietnamese):
        return _nfc(western), "cp1258"
    return vietnamese, "cp1258"


def eight_bit_reading(sample: bytes) -> tuple[str, dict[int, str]]:
    """For a file too big to decode at once: which 8-bit reading of its bytes to stream
    ("cp1258", or "cp1252" when the bytes are TCVN3/VNI text) and a ``str.translate`` table
    that turns the Latin-1 reading of each line into it. Never fails on any byte."""
    vietnamese = codecs.charmap_decode(sample, "strict", _CP1258_TABLE)[0]
    western = codecs.charmap_decode(sample, "strict", _CP1252_TABLE)[0]
    if _typed_in_legacy_font(western, _nfc(vietnamese)):
        return "cp1252", {b: _CP1252_TABLE[b] for b in range(128, 256)}
    return "cp1258", {b: _CP1258_TABLE[b] for b in range(128, 256)}
