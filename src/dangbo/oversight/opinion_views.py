"""Web UI for visits (superiors attending a cell meeting) and the opinions heard, followed
through their lifecycle. Thin: parse, authorise through ``scope`` / ``permissions``, call
one service (it holds the transaction), render. Out of scope is 404."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangbo.core import period, scope
from dangbo.core.dates import fmt, today
from dangbo.core.errors import invalid, messages_of
from dangbo.core.text import strip_control
from dangbo.core.views import apply_service_errors, history_of, page_of, render_page
from dangbo.meetings.rules import quarter_of
from dangbo.members.own import own_member
from dangbo.orgs import queries as org_queries
from dangbo.orgs.choices import CELL_KINDS
from dangbo.orgs.fields import bind
from dangbo.orgs.lookups import scope_roots

from . import opinion_forms as forms
from . import permissions, queries, services
from .choices import HANDLING_STATES, OpinionChannel, OpinionState
from .models import Opinion, OpinionTopic, Visit

OPINION_BLOCKS = 3
# Each opinion is a block of seven lines on a phone: twenty keep a page scannable.
OPINIONS_PER_PAGE = 20
# A visit may be recorded some time after the meeting: groups of the last year are offered.
GROUP_LOOKBACK = timedelta(days=366)
WITHOUT_MANDATE = gettext_lazy(
    "Lần dự này ngoài phân công phụ trách/kế hoạch của tổ công tác — vẫn được ghi nhận."
)
SUBMITTER_HIDDEN = gettext_lazy(
    "Thông tin người nêu được bảo vệ (dữ liệu cá nhân nhạy cảm); cần quyền xem thông tin nhạy cảm."
)


def _code(request, name: str) -> str:
    return strip_control(request.GET.get(name) or "").strip()[:64]


# ---- visits -------------------------------------------------------------------------------


def _heard(block) -> services.Heard:
    b = block.cleaned_data
    return services.Heard(
        source=b.get("source") or "",
        topic=b.get("topic"),
        text=b["text"],
        place=b.get("place") or "",
        submitter_name=b.get("submitter_name") or "",
        submitter_contact=b.get("submitter_contact") or "",
        consent=bool(b.get("consent")),
    )


def _visit_errors(form, heard_blocks, exc: ValidationError) -> None:
    """The service's ``opinions.<i>.<field>`` errors onto the i-th opinion block heard, the
    rest onto the visit's form."""
    per_block: dict[int, dict] = {}
    rest = {}
    for key, msgs in messages_of(exc).items():
        head, _dot, tail = key.partition(".")
        index, _dot, field = tail.partition(".")
        if head == "opinions" and index.isdigit() and int(index) < len(heard_blocks):
            per_block.setdefault(int(index), {})[field] = msgs
        else:
            rest[key] = msgs
    apply_service_errors(form, ValidationError(rest))
    for index, errors in per_block.items():
        apply_service_errors(heard_blocks[index], ValidationError(errors))


@login_required
def visit_create(request):
    cell = org_queries.org_by_code(request.user, _code(request, "chi-bo"), scope.OVERSEE)
    if cell is None or cell.kind not in CELL_KINDS:
        raise Http404
    me = getattr(request.user, "member", None)
    groups = queries.visit_groups(request.user, cell)
    day = period.current(request).day  # the period's day while looking at the past
    offered = groups.filter(period_start__lte=day, period_end__gte=day - GROUP_LOOKBACK)
    post = request.POST if request.method == "POST" else None
    initial = {"date": fmt(day)}  # a text input: shown as typed, dd/mm/yyyy
    wanted = request.GET.get("to") or ""
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18:
        initial["group"] = offered.filter(pk=int(wanted)).first()
    form = bind(
        forms.VisitForm(post, me=me, groups=groups, offered=offered, initial=initial),
        request.user,
    )
    blocks = [
        forms.VisitOpinionForm(post, prefix=f"y{n}", number=n, initial={"source": "member"})
        for n in range(1, OPINION_BLOCKS + 1)
    ]
    status = 200
    if post is not None:
        valid = form.is_valid()
        valid = all([b.is_valid() for b in blocks]) and valid
        if valid:
            data = form.cleaned_data
            heard_blocks = [b for b in blocks if not b.is_blank]
            try:
                attendees = list(data["attendees"])  # named within sight (the form's picker)
                if me is not None and data.get("include_me"):
                    attendees.insert(0, me)
                visit = services.record_visit(
                    actor=request.user,
                    cell=cell,
                    day=data["date"],
                    attendees=attendees,
                    group=data.get("group"),
                    notes=data["notes"],
                    kind=data["kind"],
                    meeting_topic=data.get("meeting_topic") or "",
                    opinions=[_heard(b) for b in heard_blocks],
                )
            except ValidationError as exc:
                _visit_errors(form, heard_blocks, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi lần dự sinh hoạt %(cell)s ngày %(d)s và %(n)s ý kiến.")
                    % {"cell": cell.name, "d": fmt(visit.date), "n": len(heard_blocks)},
                )
                if visit.without_mandate:
                    messages.warning(request, str(WITHOUT_MANDATE))
                return redirect(reverse("oversight:visit", args=[visit.pk]))
        status = 400
    return render_page(
        request,
        "oversight/visit_form.html",
        {"cell": cell, "form": form, "blocks": blocks, "me": me, "failed": status == 400},
        status=status,
    )


@login_required
def visit(request, pk):
    obj = scope.get_or_404(
        Visit.objects.select_related("meeting", "org", "group__committee", "recorded_by"),
        request.user,
        pk=pk,
    )
    attendees = obj.attendees.select_related("member", "assignment__target").order_by(
        "member__full_name"
    )
    opinions = obj.opinions.select_related("topic", "assigned_to", "received_by").order_by("id")
    return render_page(
        request,
        "oversight/visit.html",
        {"visit": obj, "attendees": attendees, "opinions": opinions},
    )


# ---- opinion lists ------------------------------------------------------------------------


def _org_of_page(request):
    """The organisation a list page is about: ?to-chuc=CODE (404 if not visible), else the
    user's first scope root; None when the user sees no organisation at all."""
    code = _code(request, "to-chuc")
    if code:
        org = org_queries.org_by_code(request.user, code, scope.VIEW)
        if org is None:
            raise Http404
        return org
    roots = scope_roots(request.user)
    return roots[0] if roots else None


@login_required
def opinions(request):
    org = _org_of_page(request)
    can_create = scope.has_any(request.user, scope.OVERSEE)
    if org is None and own_member(request.user) is not None:
        return redirect(reverse("oversight:my_opinions"))  # a member: their own opinions
    if org is None:
        return render_page(request, "oversight/opinions.html", {"org": None})
    day = period.current(request).day  # ages and lateness counted to the period's day
    board = queries.dashboard(org, day)
    base = queries.opinions_in(org)
    communes = list(
        base.exclude(grassroots=None)
        .values_list("grassroots__code", "grassroots__name")
        .distinct()
        .order_by("grassroots__name")
    )
    topics = list(OpinionTopic.objects.order_by("position", "name"))
    qs = scope.restrict(base, request.user)
    state = (request.GET.get("trang-thai") or "").strip()
    filters = {
        "state": state if state in OpinionState.values else "",
        "topic": _code(request, "linh-vuc"),
        "commune": _code(request, "co-so"),
        "overdue": request.GET.get("qua-han") == "1",
        # The petitions inbox is this list "from the portal" (kenh=portal).
        "channel": _code(request, "kenh")
        if _code(request, "kenh") in OpinionChannel.values
        else "",
    }
    if filters["state"]:
        qs = qs.filter(state=filters["state"])
    if filters["topic"]:
        qs = qs.filter(topic__code=filters["topic"])
    if filters["commune"]:
        qs = qs.filter(grassroots__code=filters["commune"])
    if filters["overdue"]:
        qs = qs.filter(state__in=HANDLING_STATES, deadline__lt=day)
    if filters["channel"]:
        qs = qs.filter(channel=filters["channel"])
    qs = qs.select_related("topic", "org", "grassroots", "assigned_to").order_by(
        "-received_on", "-id"
    )

    def link(**params) -> str:
        return "?" + urlencode({"to-chuc": org.code, **params})

    return render_page(
        request,
        "oversight/opinions.html",
        {
            "org": org,
            "board": board,
            "states": [
                (
                    s.value,
                    s.label,
                    board.by_state.get(s.value, 0),
                    link(**{"trang-thai": s.value}),
                )
                for s in OpinionState
            ],
            "by_commune": [
                (row.name or "—", link(**{"co-so": row.code}) if row.code else "", row.count)
                for row in board.by_commune
            ],
            "overdue_link": link(**{"qua-han": "1"}),
            "communes": communes,
            "topics": topics,
            "state_choices": OpinionState.choices,
            "channel_choices": OpinionChannel.choices,
            "filters": filters,
            "page": page_of(request, qs, per_page=OPINIONS_PER_PAGE),
            "can_create": can_create,
            "quarter": (day.year, quarter_of(day)),
        },
    )


def _year_quarter(request) -> tuple[int, int, str]:
    """``?nam=&quy=``; by default the quarter of the period."""
    current = today()
    shown = period.current(request).day
    year, quarter, error = shown.year, quarter_of(shown), ""
    raw_y, raw_q = (request.GET.get("nam") or "").strip(), (request.GET.get("quy") or "").strip()
    if raw_y or raw_q:
        y = int(raw_y) if raw_y.isascii() and raw_y.isdigit() and len(raw_y) == 4 else None
        q = int(raw_q) if raw_q in ("1", "2", "3", "4") else None
        if y is None or not (1930 <= y <= current.year) or q is None:
            error = _(
                "Năm “%(y)s”, quý “%(q)s”: không hợp lệ (năm từ 1930 đến nay, quý 1–4); "
                "đang hiển thị quý của kỳ số liệu."
            ) % {"y": raw_y[:8], "q": raw_q[:8]}
        else:
            year, quarter = y, q
    return year, quarter, error


@login_required
def quarter(request):
    org = _org_of_page(request)
    if org is None:
        raise Http404
    year, q, error = _year_quarter(request)
    return render_page(
        request,
        "oversight/quarter.html",
        {
            "org": org,
            "heard": queries.heard_in_quarter(org, year, q),
            "error": error,
            "years": range(today().year, max(1930, today().year - 10) - 1, -1),
            "quarters": (1, 2, 3, 4),
        },
    )


# ---- staff entry --------------------------------------------------------------------------


def _not_found(field: str, label: str, code: str) -> ValidationError:
    return invalid(
        field,
        _("%(label)s: không tìm thấy tổ chức mã “%(code)s” trong phạm vi của bạn.")
        % {"label": label, "code": code},
    )


@login_required
def opinion_create(request):
    user = request.user
    if not scope.has_any(user, scope.OVERSEE):
        raise Http404
    form = forms.OpinionForm(request.POST if request.method == "POST" else None, user=user)
    period.propose(request, form, {"received_on"})  # received on the period's day, if past
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                opinion_obj = services.record_opinion(
                    actor=user,
                    received_on=data["received_on"],
                    source=data["source"],
                    channel=OpinionChannel.STAFF,
                    text=data["text"],
                    topic=data["topic"],
                    org=data["org"],
                    received_by=data["received_by"],
                    place=data.get("place") or "",
                    submitter_name=data.get("submitter_name") or "",
                    submitter_contact=data.get("submitter_contact") or "",
                    consent=bool(data.get("consent")),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Đã tiếp nhận ý kiến #%(pk)s.") % {"pk": opinion_obj.pk}
                )
                return redirect(reverse("oversight:opinion", args=[opinion_obj.pk]))
        status = 400
    return render_page(request, "oversight/opinion_form.html", {"form": form}, status=status)


# ---- one opinion and its lifecycle --------------------------------------------------------


def _assign(user, opinion, data):
    services.assign_opinion(
        actor=user,
        opinion=opinion,
        to_org=data["to_org"],  # named within the user's sight (orgs.fields.OrgChoiceField)
        deadline=data["deadline"],
        note=data["note"],
    )


def _start(user, opinion, data):
    services.start_opinion(actor=user, opinion=opinion, note=data["note"])


def _answer(user, opinion, data):
    services.answer_opinion(
        actor=user, opinion=opinion, answer=data["answer"], approved_by=data["approved_by"]
    )


def _with_reason(service):
    def run(user, opinion, data):
        service(actor=user, opinion=opinion, reason=data["reason"])

    return run


def _close(user, opinion, data):
    services.close_opinion(actor=user, opinion=opinion, note=data["note"])


# op → (title, form, run, message on success); the keys are services.TRANSITIONS'.
OPS = {
    "assign": (
        gettext_lazy("Giao xử lý"),
        forms.AssignForm,
        _assign,
        gettext_lazy("Đã giao ý kiến cho tổ chức xử lý."),
    ),
    "start": (
        gettext_lazy("Nhận xử lý"),
        forms.NoteForm,
        _start,
        gettext_lazy("Đã ghi nhận xử lý ý kiến."),
    ),
    "answer": (
        gettext_lazy("Trả lời"),
        forms.AnswerForm,
        _answer,
        gettext_lazy("Đã ghi nội dung trả lời."),
    ),
    "return": (
        gettext_lazy("Trả lại cấp ủy tiếp nhận"),
        forms.ReasonForm,
        _with_reason(services.return_opinion),
        gettext_lazy("Đã trả lại ý kiến."),
    ),
    "escalate": (
        gettext_lazy("Đề nghị cấp trên xử lý"),
        forms.ReasonForm,
        _with_reason(services.escalate_opinion),
        gettext_lazy("Đã đề nghị cấp trên xử lý."),
    ),
    "reopen": (
        gettext_lazy("Chưa đạt, yêu cầu xử lý lại"),
        forms.ReasonForm,
        _with_reason(services.reopen_opinion),
        gettext_lazy("Đã yêu cầu xử lý lại ý kiến."),
    ),
    "close": (
        gettext_lazy("Kết thúc"),
        forms.NoteForm,
        _close,
        gettext_lazy("Đã kết thúc ý kiến."),
    ),
}
assert set(OPS) == set(services.TRANSITIONS)  # noqa: S101 - a new operation needs a form


def _opinion_or_404(user, pk) -> Opinion:
    return scope.get_or_404(
        Opinion.objects.select_related(
            "topic",
            "org",
            "grassroots",
            "received_by",
            "assigned_to",
            "visit",
            "meeting",
            "recorded_by",
        ),
        user,
        pk=pk,
    )


def _render_opinion(request, opinion, bound=None, status=200):
    """The opinion's page, with one form per operation the user may do now (``bound``: the
    one that was just refused, with its errors, shown even when the opinion's state no
    longer allows it)."""
    user = request.user
    actions = []
    ops = permissions.allowed_ops(user, opinion)
    if bound and bound[0] not in ops:
        ops.append(bound[0])
    for op in ops:
        title, form_class, _run, _done = OPS[op]
        form = bound[1] if bound and bound[0] == op else bind(form_class(prefix=op), user)
        actions.append({"op": op, "title": title, "form": form})
    who = permissions.submitter(user, opinion)
    return render_page(
        request,
        "oversight/opinion.html",
        {
            "opinion": opinion,
            "steps": opinion.steps.select_related("org").order_by("on", "id"),
            "submitter": who,
            "submitter_hidden": str(SUBMITTER_HIDDEN) if who is None else "",
            "actions": actions,
            "failed": bound[0] if bound else "",
            "history": history_of(opinion, user),
        },
        status=status,
    )


@login_required
def opinion(request, pk):
    return _render_opinion(request, _opinion_or_404(request.user, pk))


@login_required
def opinion_action(request, pk, op):
    spec = OPS.get(op)
    obj = _opinion_or_404(request.user, pk)
    # Not an operation, or not one this user acts for on this opinion: as if absent. One
    # the opinion's state does not allow reaches the service, which says why (as the API).
    if spec is None or not permissions.may_attempt(request.user, op, obj):
        raise Http404
    if request.method != "POST":
        return redirect(reverse("oversight:opinion", args=[obj.pk]))
    _title, form_class, run, done = spec
    form = bind(form_class(request.POST, prefix=op), request.user)
    if form.is_valid():
        try:
            run(request.user, obj, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, str(done))
            return redirect(reverse("oversight:opinion", args=[obj.pk]))
    obj = _opinion_or_404(request.user, pk)  # as stored: the refused operation changed nothing
    return _render_opinion(request, obj, bound=(op, form), status=400)
