"""Oversight pages: "my organisations", coverage and assignments with their handover,
targets met per person and quarter, working groups and the plan of cells they attend.

Thin as everywhere: parse, authorise through ``scope`` (out of scope is 404), call one
service (it holds the transaction), render. Visits and opinions live in ``opinion_views``.
"""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangbo.core import period, replicas, scope
from dangbo.core.dates import parse_day, today
from dangbo.core.errors import invalid, messages_of
from dangbo.core.text import strip_control
from dangbo.core.views import (
    Action,
    apply_service_errors,
    operation_page,
    page_of,
    parse_as_of,
    render_page,
)
from dangbo.members import queries as member_queries
from dangbo.orgs import fields as org_fields
from dangbo.orgs import queries as org_queries
from dangbo.orgs.fields import bind
from dangbo.orgs.lookups import scope_roots
from dangbo.orgs.models import Organisation, valid_code

from . import forms, queries, services
from .choices import PlanMode, PlanSelection, TargetPeriod
from .models import GroupTarget, OversightAssignment, Visit, WorkingGroup

STATE_LABELS = {
    "met": gettext_lazy("đạt"),
    "missed": gettext_lazy("chưa đạt"),
    "open": gettext_lazy("đang thực hiện"),
    "future": gettext_lazy("chưa đến kỳ"),
    "": "—",
}


# ------------------------------------------------------------------ helpers


def _org_or_404(request, action: str, *, default: bool = True) -> Organisation:
    """The organisation of ``?to-chuc=`` (its name as typed, or its code in a link) if the
    user may ``action`` it; without the parameter (where allowed), the user's first scope
    root. A name that names nobody or several: the first root, and the message
    (``request.org_error``) listing the candidates."""
    text = " ".join(strip_control(request.GET.get("to-chuc") or "").split())[:300]
    org = None
    if text:
        try:
            org = org_fields.resolve(request.user, text, _("Tổ chức"), action)
        except ValidationError as exc:
            if valid_code(text) and not text.isalpha():
                raise Http404 from None  # a link's code ("vt-xa"): as if absent
            request.org_error, request.org_typed = exc.messages[0], text
    if org is None and (not text or hasattr(request, "org_error")):
        roots = scope_roots(request.user) if default else []
        org = next((o for o in roots if scope.covers(request.user, action, o)), None)
    if org is None:
        raise Http404
    return org


def _year(request) -> tuple[int, str]:
    """``?nam=YYYY`` (default: the period's year) and an error message when it was bad."""
    raw = (request.GET.get("nam") or "").strip()[:10]
    shown = period.current(request).year
    if not raw:
        return shown, ""
    if raw.isascii() and raw.isdigit() and 1930 <= int(raw) <= today().year + 1:
        return int(raw), ""
    return shown, _("Năm: “%(raw)s” không hợp lệ; đang hiển thị năm %(y)s.") % {
        "raw": raw,
        "y": shown,
    }


def _url(name: str, *args, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(f"oversight:{name}", args=args) + (f"?{query}" if query else "")


def _count(queryset, column: str, *, distinct: str | None = None):
    """A correlated COUNT subquery (0 when none): list pages annotate counts in one query
    instead of one query per row, and without multiplying joined rows."""
    counted = Count(distinct, distinct=True) if distinct else Count("*")
    sub = queryset.filter(**{column: OuterRef("pk")}).order_by().values(column)
    return Coalesce(
        Subquery(sub.annotate(n=counted).values("n")[:1], output_field=IntegerField()), Value(0)
    )


# ------------------------------------------------------------------ my organisations


@login_required
def mine(request):
    """A committee member's own page; a login without a member record gets a pointer to the
    views of the committee instead."""
    member = getattr(request.user, "member", None)
    if member is None:
        return render_page(request, "oversight/mine.html", {"member": None})
    as_of = parse_as_of(request)
    data = queries.my_organisations(member, as_of.day)
    return render_page(
        request,
        "oversight/mine.html",
        {
            "as_of": data.as_of,  # the day the page answers for
            "quarter": data.quarter,
            "quarter_start": data.quarter_start,
            "quarter_end": data.quarter_end,
            "assignments": data.assignments,
            "groups": data.groups,
            "visits": data.visits,
            "opinions": data.opinions,
            "member": member,
            "as_of_error": as_of.error,
            "ngay": "" if as_of.is_today else f"{as_of.day:%d/%m/%Y}",
            "can_view_coverage": scope.has_any(request.user, scope.VIEW),
        },
    )


# ------------------------------------------------------------------ coverage and assignments


@login_required
@replicas.reads
def coverage(request):
    user = request.user
    org = _org_or_404(request, scope.VIEW)
    as_of = parse_as_of(request)
    level = "cells" if request.GET.get("cap") == "cells" else "grassroots"
    cov = queries.coverage(org, as_of.day, level)
    committees = {a.committee_id: a.committee for a in [*cov.assignments, *cov.needs_handover]}
    return render_page(
        request,
        "oversight/coverage.html",
        {
            "org": org,
            "as_of": as_of,
            "level": level,
            "cov": cov,
            # the committees whose assignments the user may hand over or end
            "changeable": {
                pk for pk, c in committees.items() if scope.covers(user, scope.CHANGE, c)
            },
            "can_change": scope.covers(user, scope.CHANGE, org),
            "listed": queries.LISTED,
        },
    )


def _assign(user, committee, data):
    services.assign_oversight(
        actor=user,
        member=data["member"],  # both named within the user's scope (the forms' pickers)
        committee=committee,
        target=data["target"],
        valid_from=data["valid_from"],
        role=data["role"],
        target_count=data["target_count"],
        target_period=data["target_period"],
    )


ASSIGN = Action(
    gettext_lazy("Phân công phụ trách"),
    forms.AssignForm,
    _assign,
    gettext_lazy("Đã ghi phân công phụ trách."),
)


@login_required
def assign(request):
    committee = _org_or_404(request, scope.CHANGE, default=False)
    wanted = org_queries.org_by_code(request.user, request.GET.get("muc-tieu"), scope.CHANGE)
    form = bind(
        forms.AssignForm(
            request.POST if request.method == "POST" else None, initial={"target": wanted}
        ),
        request.user,
    )
    back = _url("coverage", **{"to-chuc": committee.code})
    return operation_page(
        request,
        ASSIGN,
        committee,
        form,
        success_url=back,
        template="oversight/assign.html",
        context={"org": committee, "back": back},
    )


def _assignment_or_404(request, pk: int) -> OversightAssignment:
    """An assignment whose committee the user may change; anything else is a 404."""
    assignment = (
        scope.restrict(
            OversightAssignment.objects.select_related("member", "target", "committee"),
            request.user,
            scope.CHANGE,
        )
        .filter(pk=pk)
        .first()
    )
    if assignment is None or not scope.covers(request.user, scope.CHANGE, assignment.committee):
        raise Http404
    return assignment


def _handover(user, assignment, data):
    services.hand_over(
        actor=user,
        assignment=assignment,
        to_member=data["to_member"],
        on=data["on"],
        reason=data["reason"],
    )


def _end(user, assignment, data):
    services.end_assignment(
        actor=user, assignment=assignment, valid_to=data["valid_to"], reason=data["reason"]
    )


HANDOVER = Action(
    gettext_lazy("Bàn giao phụ trách"),
    forms.HandoverForm,
    _handover,
    gettext_lazy("Đã ghi việc bàn giao phụ trách."),
)
END = Action(
    gettext_lazy("Kết thúc phân công phụ trách"),
    forms.EndAssignmentForm,
    _end,
    gettext_lazy("Đã ghi việc kết thúc phân công."),
    confirm=True,
)


def _assignment_page(request, pk: int, spec: Action, template: str):
    assignment = _assignment_or_404(request, pk)
    form = bind(spec.form(request.POST if request.method == "POST" else None), request.user)
    back = _url("coverage", **{"to-chuc": assignment.committee.code})
    return operation_page(
        request,
        spec,
        assignment,
        form,
        success_url=back,
        template=template,
        context={"assignment": assignment, "org": assignment.committee, "back": back, "spec": spec},
    )


@login_required
def handover(request, pk):
    return _assignment_page(request, pk, HANDOVER, "oversight/handover.html")


@login_required
def end_assignment(request, pk):
    return _assignment_page(request, pk, END, "oversight/end_assignment.html")


# ------------------------------------------------------------------ targets (rule 19)


@login_required
def targets(request):
    org = _org_or_404(request, scope.VIEW)
    year, error = _year(request)
    shown = period.current(request)
    # Counted to the period's day in its year (the quarters after it are still open).
    rows = queries.targets(org, year, shown.day if year == shown.year else today())
    quarterly = {q: {"met": 0, "missed": 0} for q in range(1, 5)}
    yearly = {"met": 0, "missed": 0}
    shown_rows = []
    for row in rows:
        shown: list[dict] = []
        shown_rows.append((row, shown))
        span = 4 if row.assignment.target_period == TargetPeriod.YEAR else 1
        for q, (done, target, state) in enumerate(row.cells, start=1):
            shown.append(
                {
                    "done": done,
                    "target": target,
                    "state": state,
                    "label": STATE_LABELS.get(state, "—"),
                    "span": span,
                }
            )
            tally = yearly if span == 4 else quarterly[q]
            if state in tally:
                tally[state] += 1
    return render_page(
        request,
        "oversight/targets.html",
        {
            "org": org,
            "year": year,
            "error": error,
            # (queries.TargetRow, its cells as the table shows them), one page of them; the
            # tallies below count every row
            "page": (page := page_of(request, shown_rows)),
            "rows": page.object_list,
            "quarters": [(q, quarterly[q]) for q in range(1, 5)],
            "yearly": yearly,
            "has_yearly": any(r.assignment.target_period == TargetPeriod.YEAR for r in rows),
        },
    )


# ------------------------------------------------------------------ working groups


@login_required
def groups(request):
    org = _org_or_404(request, scope.VIEW)
    year, error = _year(request)
    qs = (
        WorkingGroup.objects.filter(
            org.subtree_q("committee__"),
            period_start__lte=date(year, 12, 31),
            period_end__gte=date(year, 1, 1),
        )
        .select_related("committee", "leader")
        .annotate(
            n_members=_count(WorkingGroup.members.through.objects.all(), "workinggroup"),
            n_planned=_count(GroupTarget.objects.all(), "group"),
            n_visited=_count(Visit.objects.all(), "group", distinct="org"),
        )
        .order_by("-period_start", "committee__path", "name", "id")
    )
    return render_page(
        request,
        "oversight/groups.html",
        {
            "org": org,
            "year": year,
            "error": error,
            "page": page_of(request, qs),
            "can_change": scope.covers(request.user, scope.CHANGE, org),
        },
    )


def _resolve_people(user, data):
    """The leader and the members, named by the form's pickers within the user's scope."""
    return data["leader"], data["members"]


def _create_group(user, committee, data):
    leader, people = _resolve_people(user, data)
    group = services.create_working_group(
        actor=user,
        committee=committee,
        name=data["name"],
        period_start=data["period_start"],
        period_end=data["period_end"],
        leader=leader,
        members=people,
        note=data.get("note", ""),
    )
    return reverse("oversight:group", args=[group.pk])


CREATE_GROUP = Action(
    gettext_lazy("Lập tổ công tác"),
    forms.GroupForm,
    _create_group,
    gettext_lazy("Đã lập tổ công tác."),
)


@login_required
def group_create(request):
    committee = _org_or_404(request, scope.CHANGE, default=False)
    form = bind(forms.GroupForm(request.POST if request.method == "POST" else None), request.user)
    back = _url("groups", **{"to-chuc": committee.code})
    return operation_page(
        request,
        CREATE_GROUP,
        committee,
        form,
        success_url=back,
        template="oversight/group_create.html",
        context={"org": committee, "back": back},
    )


def _parse_day(raw: str) -> date | None:
    try:
        return parse_day(raw[:30], _("Ngày"))
    except ValidationError:
        return None


@login_required
def plan(request):
    """Choose a period (``?tu=`` its first day), then the groups of that period, and spread
    the cells not yet planned among them."""
    committee = _org_or_404(request, scope.CHANGE, default=False)
    all_groups = WorkingGroup.objects.filter(committee=committee)
    periods = list(
        all_groups.values("period_start", "period_end")
        .annotate(n=Count("id"))
        .order_by("-period_start", "period_end")[:40]
    )
    for p in periods:
        p["url"] = _url(
            "plan", **{"to-chuc": committee.code, "tu": f"{p['period_start']:%d/%m/%Y}"}
        )
    context = {"org": committee, "periods": periods, "errors": [], "form": None}
    raw = (request.GET.get("tu") or "").strip()[:20]
    if not raw:
        return render_page(request, "oversight/plan.html", context)
    start = _parse_day(raw)
    chosen = list(
        all_groups.filter(period_start=start).select_related("leader").order_by("name", "id")
        if start
        else []
    )
    if not chosen:
        context["errors"] = [
            _("Từ ngày: không có tổ công tác nào của %(org)s bắt đầu ngày “%(raw)s”.")
            % {"org": committee.name, "raw": raw}
        ]
        return render_page(request, "oversight/plan.html", context, status=400)
    form = forms.PlanForm(request.POST if request.method == "POST" else None, groups=chosen)
    context.update(form=form, start=start, chosen=chosen)
    ends = {g.period_end for g in chosen}
    if len(ends) == 1:
        end = ends.pop()
        context["end"] = end
        context["candidates"] = [
            (label, len(services.plan_candidates(committee, start, end, value, PlanMode.EACH)))
            for value, label in PlanSelection.choices
        ]
    if request.method != "POST":
        return render_page(request, "oversight/plan.html", context)
    if form.is_valid():
        data = form.cleaned_data
        try:
            n = services.generate_plan(
                actor=request.user,
                committee=committee,
                groups=data["groups"],
                selection=data["selection"],
                mode=data["mode"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã chia %(n)s chi bộ cho %(k)s tổ.") % {"n": n, "k": len(data["groups"])},
            )
            return redirect(_url("groups", **{"to-chuc": committee.code, "nam": start.year}))
    return render_page(request, "oversight/plan.html", context, status=400)


def _group_post(request, group, others):
    """One change of the plan, all or nothing: (success message, [], None), or (None, the
    error messages, the bound form to show again)."""
    user = request.user
    op = request.POST.get("op")
    if op == "add":
        form = bind(forms.AddTargetForm(request.POST, prefix="add"), user)
    elif op == "move":
        form = forms.MoveTargetForm(request.POST, groups=others)
    elif op == "remove":
        form = forms.RemoveTargetForm(request.POST)
    else:
        return None, [_("Thao tác: không hợp lệ.")], None
    if not form.is_valid():
        return None, _errors_of(form), form
    data = form.cleaned_data
    try:
        if op == "add":
            org = data["org"]  # named within the user's change scope (the form's picker)
            services.add_group_target(
                actor=user, group=group, org=org, planned_date=data.get("planned_date")
            )
            return _("Đã thêm %(org)s vào kế hoạch.") % {"org": org.name}, [], None
        target = (
            GroupTarget.objects.select_related("org", "group__committee")
            .filter(pk=data["target"], group=group)
            .first()
        )
        if target is None:
            raise invalid("target", _("Chi bộ trong kế hoạch: không tìm thấy trong tổ này."))
        if op == "remove":
            services.remove_group_target(actor=user, target=target)
            return _("Đã bỏ %(org)s khỏi kế hoạch.") % {"org": target.org.name}, [], None
        services.move_group_target(actor=user, target=target, to_group=data["to_group"])
        return (
            _("Đã chuyển %(org)s sang %(g)s.")
            % {"org": target.org.name, "g": data["to_group"].name},
            [],
            None,
        )
    except ValidationError as exc:
        if op == "add":
            apply_service_errors(form, exc)
            return None, _errors_of(form), form
        return None, [m for msgs in messages_of(exc).values() for m in msgs], None


def _errors_of(form) -> list[str]:
    return [str(m) for msgs in form.errors.values() for m in msgs]


@login_required
def group(request, pk):
    user = request.user
    group = (
        scope.restrict(WorkingGroup.objects.select_related("committee", "leader"), user, scope.VIEW)
        .filter(pk=pk)
        .first()
    )
    if group is None:
        raise Http404
    can_change = scope.covers(user, scope.CHANGE, group.committee)
    others = (
        list(
            WorkingGroup.objects.filter(
                committee=group.committee_id,
                period_start=group.period_start,
                period_end=group.period_end,
            )
            .exclude(pk=group.pk)
            .order_by("name", "id")
        )
        if can_change
        else []
    )
    add_form = forms.AddTargetForm(prefix="add")
    errors = []
    status = 200
    if request.method == "POST":
        if not can_change:
            raise Http404
        done, errors, bound = _group_post(request, group, others)
        if done:
            messages.success(request, done)
            return redirect(reverse("oversight:group", args=[group.pk]))
        status = 400
        if isinstance(bound, forms.AddTargetForm):
            add_form = bound
    return render_page(
        request,
        "oversight/group.html",
        {
            "group": group,
            "org": group.committee,
            "members": member_queries.ordered(group.members.all()),
            "plan": queries.group_plan(group),
            "others": others,
            "can_change": can_change,
            "can_visit": scope.covers(user, scope.OVERSEE, group.committee),
            "add_form": add_form,
            "errors": errors,
            "back": _url(
                "groups", **{"to-chuc": group.committee.code, "nam": group.period_start.year}
            ),
        },
        status=status,
    )
