"""The peer group a quota counts within is a value with one stored form (rule 23)."""

import pytest

from dangbo.reviews.rules import PeerGroup


@pytest.mark.parametrize(
    ("group", "key"),
    [
        (PeerGroup("kim-long"), "member:kim-long"),
        (PeerGroup("tam-duong", "rural"), "org:tam-duong:rural"),
    ],
)
def test_key_is_what_is_stored_and_parses_back(group, key):
    assert group.key() == key
    assert PeerGroup.parse(key) == group


def test_members_have_no_sector():
    assert PeerGroup.parse("member:kim-long").sector is None
