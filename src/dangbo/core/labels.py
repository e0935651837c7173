"""Choice labels looked up once per language, for long lists.

``get_FOO_display()`` and ``Choices(value).label`` rebuild the choices or translate the lazy
label on every call: over a province's thousand child organisations that was half the page's
CPU (issue 17). A table built once per (choices, language) costs a dictionary look-up per row.
"""

from functools import lru_cache

from django.db.models import Choices
from django.utils.translation import get_language


@lru_cache(maxsize=256)
def _table(choices: type[Choices], language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def labels(choices: type[Choices]) -> dict[str, str]:
    """``{value: label}`` of ``choices`` in the active language."""
    return _table(choices, get_language())


def label(choices: type[Choices], value) -> str:
    """The label of ``value``; the value itself when it is no longer a choice."""
    return labels(choices).get(value, value)
