"""The blocks programs add to lower pages through ``core.panels``: on an organisation's page
what it leads and coordinates, on a member's page what they answer for. Each provider checks
scope itself and costs a fixed number of queries."""

from django.template.loader import render_to_string

from dangbo.core import scope
from dangbo.core.views import parse_as_of

from . import responsibility


def org_panel(request, org) -> str:
    user = request.user
    if not scope.covers(user, scope.VIEW, org):
        return ""
    day = parse_as_of(request).day
    data = responsibility.for_org(user, org, day, limit=responsibility.PANEL_ROWS)
    if data.empty:
        return ""
    return render_to_string(
        "programs/responsibility/_panel.html",
        {
            "data": data,
            "more_url": "",
            "org": org,
            "heading_id": f"trach-nhiem-{org.pk}",
        },
        request=request,
    )


def member_panel(request, member) -> str:
    user = request.user  # the page has shown the member: the tasks are scoped below
    day = parse_as_of(request).day
    data = responsibility.for_person(user, member, day, limit=responsibility.PANEL_ROWS)
    if data.empty:
        return ""
    return render_to_string(
        "programs/responsibility/_panel.html",
        {
            "data": data,
            "member": member,
            "heading_id": f"trach-nhiem-dv-{member.pk}",
        },
        request=request,
    )
