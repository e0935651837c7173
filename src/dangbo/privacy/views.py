"""Web pages of personal-data protection: the office's board, data subjects' requests with
their deadlines and actions, consents (search, withdraw on request), the register of
processing activities, the breach log, and a member's own page. Thin: parse, authorise
(``permissions``: out of scope is 404), call one service or query, render."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangbo.core.views import apply_service_errors, form_page, page_of, render_page
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.own import own_member
from dangbo.orgs.fields import bind

from . import forms, queries, services
from .choices import OPEN_REQUEST_STATES, RequestState
from .models import Breach, DataRequest
from .permissions import (
    acts_on_breach,
    breach_or_404,
    consent_or_404,
    handles_requests,
    reads_breaches,
    records_breaches,
    request_or_404,
    require,
    sees_office,
    sees_register,
)

# How a consent withdrawn by its subject on their own page is recorded.
SELF_WITHDRAWN = "Chủ thể dữ liệu tự rút lại trên Trang của tôi"


@dataclass(frozen=True)
class Op:
    """One operation of a detail page: its form, the service call, the message on success
    and whether the object's state offers it now."""

    title: Any
    form: type
    run: Callable[[Any, Any, dict], Any]
    done: Any
    offered: Callable[[Any], bool]


def _moment(day, clock) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def _run_operation(request, obj, op: Op, form, detail_url: str, render_detail):
    """POST only: a valid form calls the service, else the detail again with the form's
    errors (400)."""
    if request.method != "POST":
        return redirect(detail_url)
    if form.is_valid():
        try:
            op.run(request.user, obj, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, str(op.done))
            return redirect(detail_url)
    return render_detail(request, obj, bound=form, status=400)


# ---- the board -----------------------------------------------------------------------------


@login_required
def index(request):
    require(sees_office(request.user))
    return render_page(
        request,
        "privacy/index.html",
        {"board": queries.overview(request.user), "sees_register": sees_register(request.user)},
    )


@login_required
def register(request):
    require(sees_register(request.user))
    return render_page(request, "privacy/register.html", {"rows": queries.register_rows()})


# ---- data subjects' requests ------------------------------------------------------------------


@login_required
def requests(request):
    require(handles_requests(request.user))
    state = request.GET.get("trang-thai") or ""
    if state not in RequestState.values:
        state = ""
    page = page_of(request, queries.requests_for(request.user, state=state))
    return render_page(
        request,
        "privacy/requests.html",
        {
            "page": page,
            "rows": queries.request_rows(page.object_list),
            "state": state,
            "state_choices": RequestState.choices,
        },
    )


@login_required
def request_create(request):
    require(handles_requests(request.user))
    post = request.POST if request.method == "POST" else None
    form = bind(forms.RequestForm(post), request.user)

    def save(data):
        filed = services.file_request(
            actor=request.user,
            kind=data["kind"],
            text=data.get("text") or "",
            name=data["name"],
            email=data["email"],
            org=data["org"],
            third_party=bool(data.get("third_party")),
        )
        done = _("Đã tiếp nhận yêu cầu %(code)s.") % {"code": filed.code}
        return done, reverse("privacy:request", args=[filed.pk])

    return form_page(request, form, save, "privacy/request_form.html", {})


def _acknowledge(user, obj, data):
    return services.acknowledge_request(actor=user, request=obj)


def _extend(user, obj, data):
    return services.extend_request(actor=user, request=obj, reason=data["reason"])


def _complete(user, obj, data):
    return services.complete_request(actor=user, request=obj, outcome=data.get("outcome") or "")


def _refuse(user, obj, data):
    return services.refuse_request(actor=user, request=obj, reason=data.get("outcome") or "")


REQUEST_OPS: dict[str, Op] = {
    "xac-nhan": Op(
        gettext_lazy("Xác nhận đã nhận yêu cầu"),
        forms.EmptyForm,
        _acknowledge,
        gettext_lazy("Đã xác nhận đã nhận yêu cầu."),
        lambda r: r.state == RequestState.RECEIVED,
    ),
    "gia-han": Op(
        gettext_lazy("Gia hạn 15 ngày (một lần)"),
        forms.ReasonForm,
        _extend,
        gettext_lazy("Đã gia hạn xử lý yêu cầu."),
        lambda r: r.state in OPEN_REQUEST_STATES and r.extended_until is None,
    ),
    "hoan-thanh": Op(
        gettext_lazy("Đã thực hiện xong"),
        forms.OutcomeForm,
        _complete,
        gettext_lazy("Đã ghi kết quả thực hiện yêu cầu."),
        lambda r: r.state in OPEN_REQUEST_STATES,
    ),
    "tu-choi": Op(
        gettext_lazy("Từ chối"),
        forms.RefuseForm,
        _refuse,
        gettext_lazy("Đã ghi việc từ chối yêu cầu."),
        lambda r: r.state in OPEN_REQUEST_STATES,
    ),
}


def _render_request(request, obj: DataRequest, bound=None, status=200):
    actions = []
    for op, spec in REQUEST_OPS.items():
        if bound is not None and bound.prefix == op:
            actions.append({"op": op, "title": spec.title, "form": bound})
        elif spec.offered(obj):
            actions.append({"op": op, "title": spec.title, "form": spec.form(prefix=op)})
    return render_page(
        request,
        "privacy/request.html",
        {"obj": obj, "row": queries.request_row(obj), "actions": actions},
        status=status,
    )


@login_required
def request_detail(request, pk):
    return _render_request(request, request_or_404(request.user, pk))


@login_required
def request_action(request, pk, op):
    obj = request_or_404(request.user, pk)
    spec = REQUEST_OPS.get(op)
    if spec is None:
        raise Http404
    form = spec.form(request.POST if request.method == "POST" else None, prefix=op)
    url = reverse("privacy:request", args=[obj.pk])
    return _run_operation(request, obj, spec, form, url, _render_request)


# ---- consents ------------------------------------------------------------------------------


@login_required
def consents(request):
    require(handles_requests(request.user))
    search = (request.GET.get("q") or "")[:200]
    page = page_of(request, queries.consents_for(request.user, search))
    return render_page(
        request,
        "privacy/consents.html",
        {"page": page, "search": search},
    )


@login_required
def consent_withdraw(request, pk):
    consent = consent_or_404(request.user, pk)
    if request.method != "POST":
        return redirect(reverse("privacy:consents"))
    form = forms.WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_consent(
                actor=request.user, consent=consent, how=form.cleaned_data["how"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã rút lại sự đồng ý #%(pk)s.") % {"pk": consent.pk})
            return redirect(reverse("privacy:consents"))
    return render_page(
        request, "privacy/consent_withdraw.html", {"consent": consent, "form": form}, status=400
    )


# ---- breaches ------------------------------------------------------------------------------


@login_required
def breaches(request):
    require(reads_breaches(request.user))
    can_record = records_breaches(request.user)
    form = None
    status = 200
    if can_record:
        post = request.POST if request.method == "POST" else None
        form = bind(forms.BreachForm(post), request.user)
        if post is not None:
            if form.is_valid():
                data = form.cleaned_data
                try:
                    if not acts_on_breach(request.user, Breach(org=data["org"])):
                        raise ValidationError(
                            {"org": [_("Tổ chức: bạn không có quyền ghi vi phạm của tổ chức này.")]}
                        )
                    breach = services.record_breach(
                        actor=request.user,
                        org=data["org"],
                        detected_at=_moment(data["detected_on"], data["detected_time"]),
                        description=data.get("description") or "",
                        data_kinds=data["data_kinds"],
                        sensitive=bool(data.get("sensitive")),
                        subjects_estimate=data.get("subjects_estimate"),
                        measures=data.get("measures") or "",
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    messages.success(request, _("Đã ghi nhận vi phạm #%(pk)s.") % {"pk": breach.pk})
                    return redirect(reverse("privacy:breach", args=[breach.pk]))
            status = 400
    elif request.method == "POST":
        raise Http404
    page = page_of(request, queries.breaches_for(request.user))
    return render_page(
        request,
        "privacy/breaches.html",
        {"page": page, "rows": queries.breach_rows(page.object_list), "form": form},
        status=status,
    )


def _authority(user, obj, data):
    return services.mark_authority_notified(
        actor=user,
        breach=obj,
        at=_moment(data["on"], data["at"]),
        reference=data.get("reference") or "",
    )


def _subjects(user, obj, data):
    return services.mark_subjects_notified(
        actor=user, breach=obj, at=_moment(data["on"], data["at"])
    )


def _close_breach(user, obj, data):
    return services.close_breach(actor=user, breach=obj, measures=data.get("measures") or "")


BREACH_OPS: dict[str, Op] = {
    "bao-co-quan": Op(
        gettext_lazy("Đã thông báo cơ quan chức năng (A05)"),
        forms.AuthorityNotifiedForm,
        _authority,
        gettext_lazy("Đã ghi nhận thông báo cho cơ quan chức năng."),
        lambda b: b.closed_at is None and b.authority_notified_at is None,
    ),
    "bao-chu-the": Op(
        gettext_lazy("Đã thông báo chủ thể dữ liệu"),
        forms.NotifiedForm,
        _subjects,
        gettext_lazy("Đã ghi nhận thông báo cho chủ thể dữ liệu."),
        lambda b: b.closed_at is None and b.subjects_notified_at is None,
    ),
    "ket-thuc": Op(
        gettext_lazy("Kết thúc xử lý"),
        forms.CloseBreachForm,
        _close_breach,
        gettext_lazy("Đã kết thúc xử lý vi phạm."),
        lambda b: b.closed_at is None,
    ),
}


def _render_breach(request, obj: Breach, bound=None, status=200):
    actions = []
    if acts_on_breach(request.user, obj):
        for op, spec in BREACH_OPS.items():
            if bound is not None and bound.prefix == op:
                actions.append({"op": op, "title": spec.title, "form": bound})
            elif spec.offered(obj):
                actions.append({"op": op, "title": spec.title, "form": spec.form(prefix=op)})
    return render_page(
        request,
        "privacy/breach.html",
        {"obj": obj, "row": queries.breach_row(obj), "actions": actions},
        status=status,
    )


@login_required
def breach_detail(request, pk):
    return _render_breach(request, breach_or_404(request.user, pk))


@login_required
def breach_action(request, pk, op):
    obj = breach_or_404(request.user, pk)
    spec = BREACH_OPS.get(op)
    if spec is None or not acts_on_breach(request.user, obj):
        raise Http404
    form = spec.form(request.POST if request.method == "POST" else None, prefix=op)
    url = reverse("privacy:breach", args=[obj.pk])
    return _run_operation(request, obj, spec, form, url, _render_breach)


# ---- a member's own ------------------------------------------------------------------------


@login_required
def mine(request):
    """A member's own data: the consents they gave (withdrawable), a request about their
    data (kind and text; their grassroots organisation handles it), and their requests with
    the legal deadline. A login without a member record: 404."""
    me = own_member(request.user)
    if me is None:
        raise Http404
    active = me.status in ACTIVE_STATUSES
    post = request.POST if request.method == "POST" and active else None
    form = forms.MemberRequestForm(post)
    status = 200
    if request.method == "POST":
        if post is not None and form.is_valid():
            try:
                filed = services.file_member_request(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data.get("text") or "",
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã gửi yêu cầu %(code)s tới %(org)s; hạn trả lời %(due)s.")
                    % {
                        "code": filed.code,
                        "org": filed.org.name,
                        "due": filed.due.strftime("%d/%m/%Y"),
                    },
                )
                return redirect(reverse("privacy:mine"))
        status = 400
    return render_page(
        request,
        "privacy/mine.html",
        {
            "me": me,
            "form": form if active else None,
            "handler": services.grassroots_of(me.org),
            "consents": queries.own_consents(request.user, me).select_related("org"),
            "rows": queries.request_rows(
                queries.own_requests(request.user, me).select_related("org")
            ),
        },
        status=status,
    )


@login_required
def mine_withdraw(request, pk):
    me = own_member(request.user)
    if me is None:
        raise Http404
    consent = queries.own_consents(request.user, me).filter(pk=pk).first()
    if consent is None:
        raise Http404
    if request.method == "POST":
        try:
            services.withdraw_consent(actor=request.user, consent=consent, how=SELF_WITHDRAWN)
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                for msg in msgs:
                    messages.error(request, msg)
        else:
            messages.success(request, _("Đã rút lại sự đồng ý #%(pk)s.") % {"pk": consent.pk})
    return redirect(reverse("privacy:mine"))
