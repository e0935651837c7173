"""Breadcrumbs that link only where the user may go, and the error pages' way back.

``{% crumb label "app:name" arg… org=o %}`` renders ``<li><a href=…>label</a></li>`` when
the user may open that page, else ``<li>label</li>`` (plain text: a link that would answer
404 is a dead end). With ``org``, the page is that organisation's (VIEW must cover it;
``reach=True``: VIEW somewhere inside it is enough, as for a commune's review cycle); without
it, the page is a section of the menu, shown to the user or not.
"""

from django import template
from django.core.exceptions import DisallowedHost
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from dangbo.core import scope

from ..nav import ITEMS

register = template.Library()

SECTION_PAGES = {name: shown for _key, _label, name, shown in ITEMS}


def may_open(user, url_name: str, org=None, *, reach: bool = False) -> bool:
    """Whether ``user`` may open the page ``url_name`` (of ``org``, when given)."""
    if user is None or not user.is_authenticated:
        return False
    if org is not None:
        check = scope.reaches_into if reach else scope.covers
        return check(user, scope.VIEW, org)
    shown = SECTION_PAGES.get(url_name)
    return True if shown is None else shown(user)


@register.simple_tag(takes_context=True)
def crumb(context, label, url_name, *args, org=None, reach=False, query="", current=False):
    request = context.get("request")
    user = getattr(request, "user", None)
    if current:
        return format_html('<li aria-current="page">{}</li>', label)
    if not may_open(user, url_name, org, reach=reach):
        return format_html("<li>{}</li>", label)
    url = reverse(url_name, args=args)
    if query:
        url += query if query.startswith("?") else "?" + query
    return format_html('<li><a href="{}">{}</a></li>', url, label)


@register.filter
def may_view(org, user) -> bool:
    """``{% if org|may_view:user %}``: whether the user may open the organisation's pages."""
    return may_open(user, "orgs:detail", org)


@register.simple_tag(takes_context=True)
def back_url(context) -> str:
    """The page the user came from, when it is one of ours (else empty)."""
    request = context.get("request")
    if request is None:
        return ""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 page of a request naming a foreign host
        return ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""
