"""Blocks that an app higher up adds to a page of an app below it, without a backwards import.

The organisation page (registry) and a member's page show what the organisation or person
leads in the programs (an app above them). The page asks ``render(page, request, obj)``; the
higher app registers its block in its ``AppConfig.ready``::

    panels.register("org", responsibility_panel)

A provider returns rendered HTML (``SafeString``) or "" when it has nothing to show; it does
its own scope checks and keeps to a bounded number of queries.
"""

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

Provider = Callable[[Any, Any], str]

PAGES = ("org", "member", "home", "opinion")
_providers: dict[str, list[Provider]] = {page: [] for page in PAGES}


def register(page: str, provider: Provider) -> None:
    if page not in _providers:
        raise ValueError(f"unknown page {page!r}; one of {PAGES}")
    if provider not in _providers[page]:
        _providers[page].append(provider)


def render(page: str, request, obj) -> SafeString:
    """Every registered block of ``page`` for ``obj``, in registration order."""
    return mark_safe("".join(str(provider(request, obj)) for provider in _providers[page]))
