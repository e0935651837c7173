"""The organisation type-ahead: ``/to-chuc/danh-sach/chon/?q=…`` answers JSON for ``picker.js``.

It lives here, the lowest layer with web pages that knows organisations; the rule (scope,
ranking) is ``orgs.queries.picks``.
"""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from dangbo.orgs import queries


@login_required
@require_GET
def pick_orgs(request):
    """At most ten organisations the user may see whose name matches ``q`` (accents
    optional, whole words, the last one a word's start), with their superior, since names
    repeat; ``chi-bo=1``: cells only."""
    found = queries.picks(
        request.user, request.GET.get("q"), cells_only=request.GET.get("chi-bo") == "1"
    )
    return JsonResponse(
        {"count": len(found), "results": [p.__dict__ for p in found]},
        json_dumps_params={"ensure_ascii": False},
    )
