"""The new-rural pages: the board (communes × criteria for a year), a commune's assessment
for a year, the province's recognition (and its revocation), the criteria sets.

Thin: parse, authorise through ``scope`` (out of scope is 404, seen but not changeable is
404 too), call one ``ntm`` service or read, render. Bad input is a 400 page naming the field."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangbo.core import period, scope
from dangbo.core.dates import today
from dangbo.core.text import strip_control
from dangbo.core.views import apply_service_errors, render_page
from dangbo.orgs.lookups import org_or_404, page_org, scope_roots
from dangbo.orgs.models import Organisation

from . import ntm
from .models import NtmRecognition
from .ntm_forms import AssessForm, RecogniseForm, RevokeForm


def _param(request, name: str, size: int = 64) -> str:
    return strip_control(request.GET.get(name) or "").strip()[:size]


def _year(request) -> int:
    """``?nam=`` when it is a year the standard existed in, else the period's year."""
    raw = _param(request, "nam", 4)
    last = today().year
    if raw.isdigit() and ntm.FIRST_YEAR <= int(raw) <= last:
        return int(raw)
    return min(max(period.current(request).year, ntm.FIRST_YEAR), last)


def _board_url(org: Organisation, year: int) -> str:
    return (
        reverse("indicators:ntm_board") + "?" + urlencode({"to-chuc": org.code, "nam": str(year)})
    )


def _board_org(user, commune: Organisation) -> Organisation:
    """The board a commune's page goes back to: its district's when the user sees it."""
    parent = commune.parent
    return parent if parent is not None and scope.covers(user, scope.VIEW, parent) else commune


def _commune_for_change(user, code: str) -> Organisation:
    """A commune named in the URL: 404 unless the user may change it and it is a commune
    (the web's rule: a page one may not use is not there, even for a viewer)."""
    org = org_or_404(user, code)
    parent_kind = org.parent.kind if org.parent is not None else None
    if not ntm.is_commune(org.kind, org.sector, parent_kind):
        raise Http404
    if not scope.covers(user, scope.CHANGE, org):
        raise Http404
    return org


@require_GET
@login_required
def board(request):
    user = request.user
    org = page_org(user, _param(request, "to-chuc") or None)
    year = _year(request)
    data = ntm.board(org, year, _param(request, "bo", 40))
    changeable = {r.commune.pk for r in data.rows if scope.covers(user, scope.CHANGE, r.commune)}
    return render_page(
        request,
        "indicators/ntm/board.html",
        {
            "org": org,
            "board": data,
            "year": year,
            "years": list(range(today().year, ntm.FIRST_YEAR - 1, -1)),
            "changeable": changeable,
            "roots": [r for r in scope_roots(user) if r.pk != org.pk],
        },
    )


@login_required
def assess(request, code: str, year: int):
    user = request.user
    org = _commune_for_change(user, code)
    if not ntm.FIRST_YEAR <= year <= today().year:
        raise Http404
    set_code = strip_control(request.POST.get("bo") or request.GET.get("bo") or "")[:40]
    ntm_set = ntm.set_for_year(year, set_code)
    if ntm_set is None:
        raise Http404
    criteria = list(ntm_set.criteria.order_by("number"))
    existing = ntm.assessment_of(org, year, ntm_set)
    post = request.POST if request.method == "POST" else None
    form = AssessForm(post, criteria=criteria, existing=existing)
    status = 200
    if post is not None:
        if form.is_valid():
            try:
                ntm.assess(
                    actor=user,
                    org=org,
                    year=year,
                    results=form.results(),
                    set_code=ntm_set.code,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi đánh giá nông thôn mới năm %(y)s của %(org)s.")
                    % {"y": year, "org": org.name},
                )
                return redirect(_board_url(_board_org(user, org), year))
        status = 400
    return render_page(
        request,
        "indicators/ntm/assess.html",
        {
            "org": org,
            "year": year,
            "ntm_set": ntm_set,
            "sets": ntm.sets_in_year(year),
            "form": form,
            "board_url": _board_url(_board_org(user, org), year),
        },
        status=status,
    )


@login_required
def recognise(request, code: str):
    user = request.user
    org = _commune_for_change(user, code)
    post = request.POST if request.method == "POST" else None
    form = RecogniseForm(post)
    status = 200
    if post is not None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                rec = ntm.recognise(
                    actor=user,
                    org=org,
                    set=data.get("set"),
                    document={
                        "number": data["document_number"],
                        "issuer": data["document_issuer"],
                        "date": data["document_date"],
                    },
                    recognised_on=data.get("recognised_on"),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi quyết định công nhận %(org)s đạt chuẩn nông thôn mới.")
                    % {"org": org.name},
                )
                return redirect(_board_url(_board_org(user, org), rec.recognised_on.year))
        status = 400
    return render_page(
        request,
        "indicators/ntm/recognise.html",
        {
            "org": org,
            "form": form,
            "recognitions": ntm.recognitions_of(org),
            "board_url": _board_url(_board_org(user, org), today().year),
        },
        status=status,
    )


@login_required
def revoke(request, pk: int):
    user = request.user
    rec = scope.get_or_404(
        NtmRecognition.objects.select_related("org", "set", "document"), user, pk=pk
    )
    assert isinstance(rec, NtmRecognition)
    org = _commune_for_change(user, rec.org.code)
    post = request.POST if request.method == "POST" else None
    form = RevokeForm(post)
    status = 200
    if post is not None:
        if form.is_valid():
            try:
                ntm.revoke(
                    actor=user,
                    recognition=rec,
                    revoked_on=form.cleaned_data["revoked_on"],
                    reason=form.cleaned_data.get("reason") or "",
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi thu hồi công nhận đạt chuẩn nông thôn mới của %(org)s.")
                    % {"org": org.name},
                )
                return redirect(reverse("indicators:ntm_recognise", args=[org.code]))
        status = 400
    return render_page(
        request,
        "indicators/ntm/revoke.html",
        {"org": org, "recognition": rec, "form": form},
        status=status,
    )


@require_GET
@login_required
def sets(request):
    if not scope.has_any(request.user, scope.VIEW):
        raise Http404
    return render_page(
        request,
        "indicators/ntm/sets.html",
        {"sets": ntm.all_sets(), "current": ntm.set_on(today())},
    )
