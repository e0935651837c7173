"""Look-alikes of Vietnamese letters and other spellings of the same name: normalised on
input (``core.text.vietnamese``, applied to every imported text cell) and equal in search
(``core.text.fold``)."""

import unicodedata

import pytest

from dangbo.core import legacy
from dangbo.core.text import fold, vietnamese

NAME = "Nguyễn Đình Nhuận"


@pytest.mark.parametrize(
    "typed",
    [
        "Nguyễn \u00d0ình Nhuận",  # Icelandic capital eth Ð
        "Nguyễn \u0189ình Nhuận",  # African D Ɖ
        unicodedata.normalize("NFD", NAME),
    ],
)
def test_look_alikes_of_d_are_normalised_and_folded(typed):
    assert unicodedata.normalize("NFC", vietnamese(typed)) == NAME
    assert fold(typed) == fold(NAME) == "nguyen dinh nhuan"


def test_small_eth_is_d():
    assert vietnamese("\u00f0ình") == "đình"
    assert fold("Nguyễn Văn \u00f0ức") == "nguyen van duc"


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [
        ("Hòa", "Hoà"),
        ("Thúy", "Thuý"),
        ("Khỏe", "Khoẻ"),
        ("Quỳnh", "Qùynh"),  # the tone typed on the u
        ("Thủy", "Thuỷ"),
        ("Hóa", "Hoá"),
    ],
)
def test_old_and_new_tone_placement_fold_alike(old_style, new_style):
    assert fold(old_style) == fold(new_style)


def test_a_tone_on_the_wrong_base_or_in_nfd_folds_alike():
    # The tone typed after the wrong vowel (a combining mark on "o" instead of "a").
    assert fold("Hoa\u0300") == fold("Ho\u0300a") == fold("Hòa") == "hoa"
    assert fold(unicodedata.normalize("NFD", "Trương Thị Ưng")) == "truong thi ung"


@pytest.mark.parametrize(
    ("typed", "encoding"),
    [("NguyÔn §×nh NhuËn", "tcvn3"), ("Nguyeãn Ñình Nhuaän", "vni")],
)
def test_legacy_spellings_convert_to_the_same_name(typed, encoding):
    assert legacy.to_unicode(typed, encoding) == NAME
    assert fold(legacy.fix(typed)[0]) == fold(NAME)


def test_small_african_d_is_d():
    assert vietnamese("Nguyễn \u0256ình") == "Nguyễn đình"
    assert fold("\u0256ỗ Văn Hùng") == "do van hung"
