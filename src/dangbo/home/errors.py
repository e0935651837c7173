"""Refusals in Vietnamese inside the normal layout: the CSRF failure view (settings
``CSRF_FAILURE_VIEW``). 403, 404 and 500 are Django's own handlers rendering our templates
(``templates/403.html`` …); 500 stays static, for it may be rendered without a database."""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """A form refused because its security token is missing or stale (an old tab, cookies
    off): say so and how to go on, never Django's English page. A form of the public portal
    gets the portal's own page (its host knows none of the intranet's addresses)."""
    from dangbo.portal.public_views import csrf_refused, is_portal_request

    if is_portal_request(request):
        return csrf_refused(request)
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
