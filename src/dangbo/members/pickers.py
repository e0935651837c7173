"""The member type-ahead: ``/dang-vien/chon/?q=…`` answers JSON for ``picker.js``; the rule
(scope, ranking, active members by default) is ``members.queries.picks``."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from . import queries


@login_required
@require_GET
def pick_members(request):
    """At most ten members the user may see whose name matches ``q`` (accents optional,
    whole words, the last one a word's start, exact full name first), with their cell and
    its superior, since names repeat; ``tat-ca=1`` includes those no longer active."""
    found = queries.picks(
        request.user, request.GET.get("q"), everyone=request.GET.get("tat-ca") == "1"
    )
    return JsonResponse(
        {"count": len(found), "results": [p.__dict__ for p in found]},
        json_dumps_params={"ensure_ascii": False},
    )
