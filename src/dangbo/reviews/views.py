"""Web UI of the annual review: cycles, the approval chain of each evaluation, results by
year with streaks, honour lists and their exports, self-criticism with remedies.

Thin: parse, authorise through ``scope`` and ``permissions``, call one service (it holds
the transaction), render. Out of scope is 404; bad input is a 400 page naming the field."""

from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangbo.core import audit, period, replicas, scope
from dangbo.core.dates import today
from dangbo.core.errors import messages_of
from dangbo.core.text import strip_control
from dangbo.core.views import apply_service_errors, page_of, render_page
from dangbo.members import fields as member_fields
from dangbo.members.queries import visible_members
from dangbo.orgs import fields as org_fields
from dangbo.orgs import queries as org_queries
from dangbo.orgs.choices import Sector
from dangbo.orgs.lookups import page_org, scope_roots
from dangbo.orgs.models import valid_code

from . import exports, forms, permissions, queries, rules, services
from .choices import (
    CycleWindow,
    EvaluationState,
    PeriodKind,
    ReviewAudit,
    ReviewOp,
    StepAction,
    SubjectKind,
)
from .models import Evaluation, Remedy, RemedyGroup, ReviewCycle, Scheme
from .permissions import CycleAccess

STEP_LABELS = dict(StepAction.choices)


def _param(request, name: str, size: int = 64) -> str:
    return strip_control(request.GET.get(name) or "").strip()[:size]


def _cycles_qs():
    return ReviewCycle.objects.select_related(
        "org", "org_scheme__document", "member_scheme__document"
    )


def _cycle_or_404(user, pk: int) -> tuple[ReviewCycle, CycleAccess]:
    cycle = _cycles_qs().filter(pk=pk).first()
    access = permissions.cycle_access(user, cycle) if cycle is not None else None
    if access is None:
        raise Http404
    return cycle, access


# ---- cycles -------------------------------------------------------------------------------


@require_GET
@login_required
def cycles(request):
    user = request.user
    code = _param(request, "to-chuc")
    own = permissions.own_member(user)
    if code:
        org = org_queries.org_by_code(user, code, scope.VIEW)
        if org is None:
            raise Http404
    else:
        roots = scope_roots(user)
        org = roots[0] if roots else (own.org if own is not None else None)
    # Opening a cycle has its own page (``cycle_views.cycle_open``), linked from this list.
    can_open = org is not None and scope.covers(user, scope.CHANGE, org)
    rows: list[queries.CycleRow] = []
    if org is not None:
        rows = queries.cycle_rows(
            permissions.visible_cycles(user, _cycles_qs())
            .filter(queries.cycles_of(org))
            .order_by("-year", "-period_end", "-org__depth")
        )
    return render_page(
        request,
        "reviews/cycles.html",
        {
            "org": org,
            "cycles": rows,
            "can_open": can_open,
            "roots": scope_roots(user) if not code else [],
        },
    )


def _state_rows(progress: queries.CycleProgress) -> list[tuple[str, int, int]]:
    members, orgs = progress.members, progress.organisations
    rows = [
        (str(label), getattr(members, value), getattr(orgs, value))
        for value, label in EvaluationState.choices
    ]
    rows.append((_("Tổng số"), members.total, orgs.total))
    return rows


def _level_rows(scheme: Scheme, counts: list[queries.LevelCount]) -> list[tuple[str, int]]:
    by_code = {c.code: c.count for c in counts}
    return [(lv.name, by_code.get(lv.code, 0)) for lv in scheme.levels.all()]


def _by_sector(cycle: ReviewCycle):
    """Organisations' results: one row per sector, one column per level of the scheme."""
    levels = list(cycle.org_scheme.levels.all())
    cells: dict[str, Counter] = defaultdict(Counter)
    for sector, code, n in (
        cycle.evaluations.filter(subject_org__isnull=False, state=EvaluationState.DECIDED)
        .values_list("subject_org__sector", "final_level__code")
        .annotate(n=Count("id"))
        .order_by()
    ):
        cells[sector][code] += n
    labels = dict(Sector.choices)
    rows = [
        (labels.get(sector, sector), [cells[sector][lv.code] for lv in levels])
        for sector in sorted(cells, key=lambda s: str(labels.get(s, s)))
    ]
    return levels, rows


def _cycle_context(request, cycle: ReviewCycle, access: CycleAccess) -> dict:
    user = request.user
    own = permissions.own_member(user)
    manage = permissions.may_manage_cycle(user, cycle)
    ctx = {
        "cycle": cycle,
        "full": access == CycleAccess.FULL,
        "manage": manage,
        "honours_url": reverse("reviews:honours")
        + "?"
        + urlencode({"to-chuc": cycle.org.code, "nam": cycle.year}),
    }
    # The service's window: the page names it, and offers "Tự đánh giá" only inside it.
    ctx["window"] = window = services.self_assessment_window(cycle)
    own_eval = None
    if own is not None:
        own_eval = Evaluation.objects.filter(cycle=cycle, member=own).first()
        ctx["own_evaluation"] = own_eval
        ctx["can_self_assess"] = (
            own_eval is None
            and not cycle.locked
            and window == CycleWindow.OPEN
            and services.cell_of(own, cycle) is not None
        )
    if access != CycleAccess.FULL:
        return ctx
    progress = queries.progress(cycle.evaluations.all())
    levels, sector_rows = _by_sector(cycle)
    groups = list(
        RemedyGroup.objects.filter(cycle=cycle)
        .select_related("org")
        .prefetch_related("shortcomings", "remedies")
    )
    carried = list(services.open_remedies(cycle.org, cycle).select_related("group__cycle"))
    ctx.update(
        {
            "states": _state_rows(progress),
            "member_levels": _level_rows(cycle.member_scheme, progress.member_levels),
            "org_levels": _level_rows(cycle.org_scheme, progress.org_levels),
            "sector_levels": levels,
            "sector_rows": sector_rows,
            "quotas": queries.quota_usage(cycle),
            "groups": groups,
            "carried": carried,
            "report_form": forms.ReportRemedyForm() if manage else None,
            "reopen_form": forms.ReopenForm() if manage and cycle.locked else None,
            "group_form": forms.RemedyGroupForm() if manage and not cycle.locked else None,
        }
    )
    return ctx


@login_required
def cycle(request, pk):
    cycle, access = _cycle_or_404(request.user, pk)
    return render_page(request, "reviews/cycle.html", _cycle_context(request, cycle, access))


def _cycle_error(request, cycle, errors=(), status=400, **forms_):
    ctx = _cycle_context(request, cycle, CycleAccess.FULL)
    ctx["errors"] = list(errors)
    ctx.update({k: v for k, v in forms_.items() if v is not None})
    return render_page(request, "reviews/cycle.html", ctx, status=status)


def _managed_cycle(request, pk) -> ReviewCycle:
    cycle = _cycles_qs().filter(pk=pk).first()
    if cycle is None or not permissions.may_manage_cycle(request.user, cycle):
        raise Http404
    return cycle


def _flat(exc: ValidationError) -> list[str]:
    return [m for msgs in messages_of(exc).values() for m in msgs]


@login_required
def lock(request, pk):
    cycle = _managed_cycle(request, pk)
    if request.method != "POST":
        return redirect(reverse("reviews:cycle", args=[cycle.pk]))
    try:
        services.lock_cycle(actor=request.user, cycle=cycle)
    except ValidationError as exc:
        return _cycle_error(request, cycle, _flat(exc))
    messages.success(request, _("Đã khóa kết quả đợt kiểm điểm."))
    return redirect(reverse("reviews:cycle", args=[cycle.pk]))


@login_required
def reopen(request, pk):
    cycle = _managed_cycle(request, pk)
    if request.method != "POST":
        return redirect(reverse("reviews:cycle", args=[cycle.pk]))
    form = forms.ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_cycle(
                actor=request.user, cycle=cycle, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã mở lại đợt kiểm điểm."))
            return redirect(reverse("reviews:cycle", args=[cycle.pk]))
    return _cycle_error(request, cycle, reopen_form=form)


@login_required
def remedy_group(request, pk):
    cycle = _managed_cycle(request, pk)
    if request.method != "POST":
        return redirect(reverse("reviews:cycle", args=[cycle.pk]))
    form = forms.RemedyGroupForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_remedy_group(
                actor=request.user,
                cycle=cycle,
                org=cycle.org,
                title=data["title"],
                shortcomings=data["shortcomings"],
                remedies=data["remedies"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhóm giải pháp."))
            return redirect(reverse("reviews:cycle", args=[cycle.pk]))
    return _cycle_error(request, cycle, group_form=form)


@login_required
def remedy(request, pk):
    item = Remedy.objects.select_related("group__org", "group__cycle__org").filter(pk=pk).first()
    if item is None or not scope.covers(request.user, scope.CHANGE, item.group.org):
        raise Http404
    back = item.group.cycle
    raw = (request.POST.get("ve-dot") or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) < 12:
        later = _cycles_qs().filter(pk=int(raw)).first()
        if later is not None and permissions.may_manage_cycle(request.user, later):
            back = later
    if request.method != "POST":
        return redirect(reverse("reviews:cycle", args=[back.pk]))
    form = forms.ReportRemedyForm(request.POST)
    if form.is_valid():
        try:
            services.report_remedy(
                actor=request.user,
                remedy=item,
                status=form.cleaned_data["status"],
                evidence=form.cleaned_data.get("evidence") or "",
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi kết quả thực hiện giải pháp."))
            return redirect(reverse("reviews:cycle", args=[back.pk]))
    errors = [f"{item.text[:80]} — {e}" for msgs in form.errors.values() for e in msgs]
    return _cycle_error(request, back, errors)


# ---- evaluations ----------------------------------------------------------------------------


@login_required
def evaluations(request, pk):
    user = request.user
    cycle, _access = _cycle_or_404(user, pk)
    qs = permissions.visible_evaluations(user, Evaluation.objects.filter(cycle=cycle))
    state = _param(request, "trang-thai", 20)
    subject = _param(request, "doi-tuong", 10)
    code = _param(request, "to-chuc", 300)
    error = ""
    if state in EvaluationState.values:
        qs = qs.filter(state=state)
    else:
        state = ""
    if subject in SubjectKind.values:
        qs = qs.filter(queries.subject_q(SubjectKind(subject)))
    else:
        subject = ""
    if code:
        try:  # a name as typed, or a code in a link
            within = org_fields.resolve(user, code, _("Tổ chức"), scope.VIEW)
        except ValidationError as exc:
            error = exc.messages[0]
            qs = qs.none()
        else:
            qs = qs.filter(within.subtree_q("org__"))
    qs = qs.select_related(
        "member", "subject_org", "org", "self_level", "proposed_level", "final_level"
    ).order_by("org__path", "subject_org__path", "member__full_name", "id")
    return render_page(
        request,
        "reviews/evaluations.html",
        {
            "cycle": cycle,
            "page": page_of(request, qs),
            "filters": {"state": state, "subject": subject, "org": code},
            "state_choices": EvaluationState.choices,
            "subject_choices": SubjectKind.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def self_assess(request, pk):
    user = request.user
    cycle = _cycles_qs().filter(pk=pk).first()
    if cycle is None:
        raise Http404
    member = subject_org = None
    member_text = _param(request, "dang-vien", 300)
    code = _param(request, "to-chuc", 300)
    if member_text or code:
        # A name as typed (the type-ahead sends "Họ tên (Chi bộ) #id"), or an id or code in
        # an old link; several or none: back to the cycle with the candidates named.
        try:
            if member_text:
                member = member_fields.resolve(user, member_text, _("Đảng viên"), scope.VIEW)
            else:
                subject_org = org_fields.resolve(user, code, _("Tổ chức"), scope.VIEW)
        except ValidationError as exc:
            if member_text.isdigit() if member_text else valid_code(code) and "-" in code:
                raise Http404 from None  # an old link's id or code: as if absent
            messages.error(request, exc.messages[0])
            return redirect(reverse("reviews:cycle", args=[cycle.pk]))
    else:
        member = permissions.own_member(user)
        if member is None:
            raise Http404
    if not permissions.may_self_assess(user, cycle, member=member, subject_org=subject_org):
        raise Http404
    scheme = cycle.member_scheme if member is not None else cycle.org_scheme
    existing = Evaluation.objects.filter(
        cycle=cycle, **({"member": member} if member is not None else {"subject_org": subject_org})
    ).first()
    kwargs = {"scheme": scheme, "for_member": member is not None}
    form = forms.SelfAssessForm(request.POST or None, **kwargs)
    # The service's own window rule: outside it the page says so instead of offering a form
    # (a post anyway still reaches the service, which refuses it).
    window = services.self_assessment_window(cycle)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                evaluation = services.self_assess(
                    actor=user,
                    cycle=cycle,
                    level=data["level"],
                    member=member,
                    subject_org=subject_org,
                    score_general=data.get("score_general"),
                    score_tasks=data.get("score_tasks"),
                    comment=data.get("comment") or "",
                    residence_comment=data.get("residence_comment") or "",
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi bản tự đánh giá."))
                return redirect(reverse("reviews:evaluation", args=[evaluation.pk]))
        status = 400
    total = None
    if scheme.scored and hasattr(form, "cleaned_data"):
        general = form.cleaned_data.get("score_general")
        tasks = form.cleaned_data.get("score_tasks")
        if general is not None and tasks is not None:
            total = general + tasks
    return render_page(
        request,
        "reviews/self_assess.html",
        {
            "cycle": cycle,
            "scheme": scheme,
            "levels": list(scheme.levels.all()),
            "member": member,
            "subject_org": subject_org,
            "existing": existing if existing and permissions.may_view(user, existing) else None,
            "form": form,
            "window": window,
            "total": total,
            "band": rules.band_of(scheme.levels.all(), total) if total is not None else None,
        },
        status=status,
    )


def _evaluation_or_404(user, pk) -> Evaluation:
    evaluation = (
        Evaluation.objects.select_related(
            "cycle__org",
            "scheme__document",
            "member",
            "subject_org",
            "org",
            "self_level",
            "proposed_level",
            "final_level",
            "proposed_by",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )
    if evaluation is None or not permissions.may_view(user, evaluation):
        raise Http404
    return evaluation


def _streaks(years: dict[int, int], until: int | None) -> list[dict]:
    if until is None:
        return []
    return [
        {"label": label, "streak": queries.streak_of(years, rank, until)}
        for rank, label in (
            (1, _("Xuất sắc / tiêu biểu")),
            (2, _("Tốt / trong sạch, vững mạnh trở lên")),
        )
    ]


def _op_form(op: ReviewOp, evaluation: Evaluation, data=None):
    if op == ReviewOp.PROPOSE:
        return forms.ProposeForm(
            data,
            scheme=evaluation.scheme,
            initial={"level": evaluation.self_level.code if evaluation.self_level else ""},
        )
    if op == ReviewOp.RETURN:
        return forms.ReturnForm(data)
    return forms.DecideForm(
        data,
        scheme=evaluation.scheme,
        initial={"level": evaluation.proposed_level.code if evaluation.proposed_level else ""},
    )


def _render_evaluation(request, evaluation, bound=None, status=200):
    user = request.user
    op_forms = []
    for op in permissions.OPS:
        if bound and bound[0] == op:  # just refused: shown with its errors
            op_forms.append({"op": op.value, "title": op.label, "form": bound[1]})
        elif permissions.may(user, op, evaluation):
            # Outside the window the service would refuse it: say so instead of a form.
            refusal = services.window_refusal(evaluation.cycle, op)
            if refusal:
                op_forms.append({"op": op.value, "title": op.label, "refusal": refusal})
                continue
            form = period.propose(request, _op_form(op, evaluation), {"on"})  # decision date
            op_forms.append({"op": op.value, "title": op.label, "form": form})
    subject = (
        {"member": evaluation.member}
        if evaluation.member_id
        else {"subject_org": evaluation.subject_org}
    )
    total = None
    if evaluation.score_general is not None and evaluation.score_tasks is not None:
        total = evaluation.score_general + evaluation.score_tasks
    return render_page(
        request,
        "reviews/evaluation.html",
        {
            "evaluation": evaluation,
            "cycle": evaluation.cycle,
            "steps": [
                (s, STEP_LABELS.get(s.action, s.action))
                for s in evaluation.steps.select_related("level", "org")
            ],
            "streaks": _streaks(queries.years_of(**subject), evaluation.cycle.year),
            "op_forms": op_forms,
            "total": total,
            "band": (
                rules.band_of(evaluation.scheme.levels.all(), total) if total is not None else None
            ),
            "competent": services.competent_body(evaluation),
        },
        status=status,
    )


@login_required
def evaluation(request, pk):
    return _render_evaluation(request, _evaluation_or_404(request.user, pk))


@login_required
def evaluation_action(request, pk, op):
    user = request.user
    evaluation = _evaluation_or_404(user, pk)
    # Not an operation, or not one this user acts for: as if absent. One the state, the
    # window, the lock or their own case refuses reaches the service, which says why.
    if op not in ReviewOp.values or not permissions.may_attempt(user, op, evaluation):
        raise Http404
    op = ReviewOp(op)
    if request.method != "POST":
        return redirect(reverse("reviews:evaluation", args=[evaluation.pk]))
    form = _op_form(op, evaluation, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if op == ReviewOp.PROPOSE:
                services.propose(
                    actor=user,
                    evaluation=evaluation,
                    level=data["level"],
                    note=data.get("note") or "",
                )
            elif op == ReviewOp.RETURN:
                services.return_evaluation(actor=user, evaluation=evaluation, reason=data["reason"])
            else:
                services.decide(
                    actor=user,
                    evaluation=evaluation,
                    level=data["level"],
                    by_org=services.competent_body(evaluation),
                    decision_ref=data.get("decision_ref") or "",
                    on=data.get("on"),
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi: %(op)s.") % {"op": op.label})
            return redirect(reverse("reviews:evaluation", args=[evaluation.pk]))
    evaluation = _evaluation_or_404(user, pk)  # as stored: nothing was written
    return _render_evaluation(request, evaluation, bound=(op, form), status=400)


# ---- history of a member or an organisation -----------------------------------------------


def _history(request, *, title, subject: dict, member=None, org=None):
    rows = list(
        Evaluation.objects.filter(**subject)
        .select_related(
            "cycle__org", "scheme__document", "org", "self_level", "proposed_level", "final_level"
        )
        .order_by("-cycle__year", "-cycle__period_end", "-id")
    )
    years = queries.years_of(**subject)
    return render_page(
        request,
        "reviews/history.html",
        {
            "title": title,
            "member": member,
            "org": org,
            "rows": rows,
            "streaks": _streaks(years, max(years) if years else None),
            "last_year": max(years) if years else None,
        },
    )


@login_required
def member_history(request, pk):
    member = visible_members(request.user).filter(pk=pk).first()
    if member is None:
        raise Http404
    return _history(request, title=member.full_name, subject={"member": member}, member=member)


@login_required
def org_history(request, code):
    org = org_queries.org_by_code(request.user, code, scope.VIEW)
    if org is None:
        raise Http404
    return _history(request, title=org.name, subject={"subject_org": org}, org=org)


# ---- honours ---------------------------------------------------------------------------------


def _int(raw: str, default: int, low: int, high: int) -> int:
    if raw.isascii() and raw.isdigit() and len(raw) <= 4 and low <= int(raw) <= high:
        return int(raw)
    return default


def _honour_title(members: bool, rank: int, n: int, first: int, last: int) -> str:
    if members:
        what = (
            _("Đảng viên hoàn thành xuất sắc nhiệm vụ")
            if rank == 1
            else _("Đảng viên hoàn thành tốt nhiệm vụ trở lên")
        )
    else:
        what = (
            _("Tổ chức đảng trong sạch, vững mạnh tiêu biểu (hoàn thành xuất sắc nhiệm vụ)")
            if rank == 1
            else _("Tổ chức đảng trong sạch, vững mạnh (hoàn thành tốt nhiệm vụ) trở lên")
        )
    return _("%(what)s %(n)s năm liền %(a)s–%(b)s") % {"what": what, "n": n, "a": first, "b": last}


def _honours(request, action: str = scope.VIEW) -> dict:
    user = request.user
    org = page_org(user, _param(request, "to-chuc"), action)
    members = _param(request, "doi-tuong", 10) != SubjectKind.ORG
    rank = _int(_param(request, "muc", 2), 1, 1, 2)
    n = _int(_param(request, "so-nam", 3), 5, 1, 50)
    year_raw = _param(request, "nam", 4)
    shown = period.current(request)  # a chosen period's year, else the latest evaluated
    default_year = (queries.latest_year(org) or today().year) if shown.is_today else shown.year
    year = _int(year_raw, default_year, 1990, today().year)
    found = queries.honours(org, year, n, rank, members=members)
    ids = [obj.pk for obj, _s in found]
    key = "member_id" if members else "subject_org_id"
    places = dict(
        Evaluation.objects.filter(
            **{f"{key}__in": ids},
            state=EvaluationState.DECIDED,
            cycle__kind=PeriodKind.YEAR,
            cycle__year=year,
        ).values_list(key, "org__name" if members else "subject_org__parent__name")
    )
    rows = [
        exports.HonourRow(
            name=obj.full_name if members else obj.name,
            place=places.get(obj.pk) or "",
            years=s.current,
            first_year=year - s.current + 1,
            last_year=year,
            longest=s.longest,
        )
        for obj, s in found
    ]
    links = [
        reverse(
            "reviews:member_history" if members else "reviews:org_history",
            args=[obj.pk if members else obj.code],
        )
        for obj, _s in found
    ]
    filters = {
        "to-chuc": org.code,
        "nam": year,
        "so-nam": n,
        "doi-tuong": (SubjectKind.MEMBER if members else SubjectKind.ORG).value,
        "muc": rank,
    }
    return {
        "org": org,
        "year": year,
        "n": n,
        "rank": rank,
        "members": members,
        "rows": list(zip(rows, links, strict=True)),
        "plain_rows": rows,
        "title": _honour_title(members, rank, n, year - n + 1, year),
        "body": _("Ban Thường vụ %(org)s") % {"org": org.name},
        "filters": filters,
        "subject": filters["doi-tuong"],
        "subject_choices": SubjectKind.choices,
        "query": urlencode(filters),
    }


@login_required
@replicas.reads
def honours(request):
    ctx = _honours(request)
    ctx["can_export"] = scope.covers(request.user, scope.EXPORT, ctx["org"])
    return render_page(request, "reviews/honours.html", ctx)


def _export(request, kind: str) -> dict:
    """Scoped like the page, for the export action; one audit entry (a list of people)."""
    ctx = _honours(request, scope.EXPORT)
    audit.record(
        actor=request.user,
        action=ReviewAudit.HONOURS_EXPORTED,
        object_type="export",
        object_id="honours",
        scope_org=ctx["org"],
        summary=_("Xuất danh sách vinh danh “%(t)s” (%(n)s trường hợp) ra tệp %(k)s")
        % {"t": ctx["title"], "n": len(ctx["plain_rows"]), "k": kind},
        after={"filters": ctx["filters"], "count": len(ctx["plain_rows"])},
    )
    return ctx


def _filename(ctx, ext: str) -> str:
    who = "dang-vien" if ctx["members"] else "to-chuc"
    return f"vinh-danh-{who}-{ctx['n']}-nam-{ctx['year']}-{ctx['org'].code}.{ext}"


@login_required
@replicas.reads
def honours_xlsx(request):
    ctx = _export(request, "XLSX")
    return exports.xlsx(
        ctx["plain_rows"],
        title=ctx["title"],
        body=ctx["body"],
        members=ctx["members"],
        filename=_filename(ctx, "xlsx"),
        user=request.user,
    )


@login_required
@replicas.reads
def honours_docx(request):
    ctx = _export(request, "DOCX")
    return exports.docx(
        ctx["plain_rows"],
        org=ctx["org"],
        title=ctx["title"],
        members=ctx["members"],
        filename=_filename(ctx, "docx"),
    )


@login_required
@replicas.reads
def honours_pdf(request):
    ctx = _export(request, "PDF")
    return exports.pdf(
        ctx["plain_rows"],
        org=ctx["org"],
        title=ctx["title"],
        members=ctx["members"],
        filename=_filename(ctx, "pdf"),
    )
