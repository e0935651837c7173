"""Reads of the partner pages: the partners a user sees (through the Party organisations that
lead them), one partner's leads through time and the tasks it leads or coordinates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from dangbo.core import scope
from dangbo.core.dates import today
from dangbo.orgs import queries as org_queries
from dangbo.orgs.choices import PartnerKind
from dangbo.orgs.models import PartnerBody, PartnerLead, valid_code

from .models import Task, TaskCoordinator
from .responsibility import COORDINATE, LEAD, Line, task_lines

OPEN_LEADS = Prefetch(
    "leads",
    queryset=PartnerLead.objects.filter(valid_to__isnull=True).select_related("org"),
    to_attr="open_leads",
)


def visible(user: Any, perm: scope.Permission = scope.VIEW) -> QuerySet:
    """Partners led (now or once) by an organisation ``user`` may ``perm``."""
    ids = scope.restrict(PartnerBody.objects.all(), user, perm).values("pk")
    return PartnerBody.objects.filter(pk__in=ids)


def listing(
    user: Any, kind: str | None = None, org: Any = None, day: date | None = None
) -> QuerySet:
    """The list (page and API): by kind then name, with the current lead (two queries per
    page); ``org``: only the partners led on ``day`` by an organisation of its subtree."""
    qs = visible(user).select_related("parent").prefetch_related(OPEN_LEADS)
    if kind in PartnerKind.values:
        qs = qs.filter(kind=kind)
    if org is not None:
        led = org_queries.partners_led_by(org, day or today())
        qs = qs.filter(pk__in=led.values("pk"))
    return qs.order_by("kind", "name", "pk")


def partner_or_404(user: Any, code: str, perm: scope.Permission = scope.VIEW) -> PartnerBody:
    """A partner the user may ``perm``; anything else (unknown, out of scope) is a 404."""
    if not valid_code(code or ""):
        raise Http404
    found = visible(user, perm).select_related("parent", "admin_unit").filter(code=code).first()
    if found is None or (perm != scope.VIEW and not may_change(user, found)):
        raise Http404
    return found


def may_change(user: Any, partner: PartnerBody) -> bool:
    """Changed only from the side of the organisation leading it last (a former lead keeps
    reading its history, not writing it)."""
    last = (
        PartnerLead.objects.filter(partner=partner)
        .select_related("org")
        .order_by("-valid_from", "-pk")
        .first()
    )
    return last is not None and scope.covers(user, scope.CHANGE, last.org)


@dataclass
class PartnerPage:
    partner: PartnerBody
    leads: list[PartnerLead]
    current: PartnerLead | None
    led: list[Line]
    coordinated: list[Line]
    children: list[PartnerBody]


def page(user: Any, partner: PartnerBody, day: date) -> PartnerPage:
    tasks = scope.restrict(
        Task.objects.select_related("program", "lead_org", "lead_partner", "lead_person"), user
    )
    led, _n = task_lines(tasks.filter(lead_partner=partner), LEAD, day, 0)
    coord = TaskCoordinator.objects.filter(partner=partner).values("task_id")
    coordinated, _m = task_lines(tasks.filter(pk__in=coord), COORDINATE, day, 0)
    return PartnerPage(
        partner=partner,
        leads=org_queries.partner_leads(partner),
        current=org_queries.partner_lead_on(partner, day),
        led=led,
        coordinated=coordinated,
        children=list(visible(user).filter(parent=partner).order_by("name")),
    )
