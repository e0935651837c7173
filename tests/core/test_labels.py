"""core.labels: a choice's label as ``Choices(value).label`` says it, looked up once."""

from django.utils import translation

from dangbo.core import labels
from dangbo.orgs.choices import OrgKind, Sector


def test_labels_match_the_choices_and_an_unknown_value_stays_itself():
    for choices in (OrgKind, Sector):
        assert labels.labels(choices) == {c.value: str(c.label) for c in choices}
    assert labels.label(OrgKind, OrgKind.SUB_CELL) == "Chi bộ trực thuộc"
    assert labels.label(OrgKind, "retired_kind") == "retired_kind"


def test_each_language_has_its_own_table():
    with translation.override("vi"):
        vi = labels.labels(OrgKind)
    with translation.override("en"):
        en = labels.labels(OrgKind)
    assert vi is not en and vi == labels.labels(OrgKind)
