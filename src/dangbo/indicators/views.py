"""The indicator pages: the catalogue, an indicator's table (units × years with targets, the
roll-up beside the entered value), entering one unit's values for a year, setting its
targets, defining an indicator.

Thin as everywhere: parse, authorise through ``scope`` (an organisation out of scope is a
404), call one query or service (it holds the transaction), render.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from dangbo.core import period, replicas, scope
from dangbo.core.dates import today
from dangbo.core.views import form_page, render_page
from dangbo.orgs import fields as org_fields
from dangbo.orgs.choices import OrgKind
from dangbo.orgs.lookups import scope_roots
from dangbo.orgs.models import Organisation, valid_code

from . import forms, queries, rules, services
from .choices import Aggregation, ValueType
from .models import Indicator

MAX_SPAN = 10  # years on one table
# Who may define an indicator: staff of a committee above the grassroots (district, province…).
DEFINING_KINDS = (
    OrgKind.CENTRAL,
    OrgKind.PROVINCE_COMMITTEE,
    OrgKind.DISTRICT_COMMITTEE,
    OrgKind.BLOC_COMMITTEE,
)


# ------------------------------------------------------------------ helpers


def _org_or_404(request, action, *, default: bool = True) -> Organisation:
    """The organisation of ``?to-chuc=`` (a name as typed, or a code in a link) if the user
    may ``action`` it; without it, the user's first scope root they may ``action``."""
    text = " ".join((request.GET.get("to-chuc") or "").split())[:300]
    org = None
    if text:
        try:
            org = org_fields.resolve(request.user, text, _("Tổ chức"), action)
        except ValidationError as exc:
            if valid_code(text) and not text.isalpha():
                raise Http404 from None  # a link's code: as if absent
            request.org_error, request.org_typed = exc.messages[0], text
    if org is None and (not text or hasattr(request, "org_error")):
        roots = scope_roots(request.user) if default else []
        org = next((o for o in roots if scope.covers(request.user, action, o)), None)
    if org is None:
        raise Http404
    return org


def _parse_year(raw: str, fallback: int, label: str) -> tuple[int, str]:
    raw = (raw or "").strip()[:10]
    if not raw:
        return fallback, ""
    if raw.isascii() and raw.isdigit() and 1990 <= int(raw) <= today().year + 10:
        return int(raw), ""
    return fallback, _("%(label)s: “%(raw)s” không hợp lệ; đang hiển thị năm %(y)s.") % {
        "label": label,
        "raw": raw,
        "y": fallback,
    }


def _year(request) -> tuple[int, str]:
    return _parse_year(request.GET.get("nam", ""), period.current(request).year, _("Năm"))


def _span(request) -> tuple[list[int], str]:
    """``?tu=``–``?den=`` (default: the period's year and the one before), at most 10."""
    shown = period.current(request).year
    last, err1 = _parse_year(request.GET.get("den", ""), shown, _("Đến năm"))
    first, err2 = _parse_year(request.GET.get("tu", ""), last - 1, _("Từ năm"))
    error = err1 or err2
    if first > last:
        first, error = last - 1, _("Từ năm: sau năm kết thúc; đang hiển thị hai năm cuối.")
    if last - first >= MAX_SPAN:
        first = last - MAX_SPAN + 1
        error = _("Tối đa %(n)s năm một bảng.") % {"n": MAX_SPAN}
    return list(range(first, last + 1)), error


def _url(name: str, *args, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(f"indicators:{name}", args=args) + (f"?{query}" if query else "")


def shown_value(indicator: Indicator, value, kind: str, *, unit: bool = False) -> str:
    """A value as people read it: "đạt" / "không đạt" for a unit's yes-or-no value, the share
    or count of units meeting it for a roll-up, the number in Vietnamese format otherwise."""
    if value is None:
        return ""
    if indicator.value_type == ValueType.BOOLEAN:
        if kind == queries.ROLLED and indicator.aggregation == Aggregation.SHARE:
            return _("%(v)s%% đơn vị đạt") % {"v": rules.fmt_value(value, 1)}
        if kind == queries.ROLLED and indicator.aggregation == Aggregation.COUNT:
            return _("%(v)s đơn vị đạt") % {"v": rules.fmt_value(value, 0)}
        return _("đạt") if value >= 1 else _("không đạt")
    text = rules.fmt_value(value, indicator.decimals)
    return f"{text} {indicator.unit}" if unit else text


def can_define(user) -> bool:
    """Staff of a committee above the grassroots (or of everything) define indicators."""
    roots = scope.roots(user, scope.CHANGE)
    return roots is None or any(o.kind in DEFINING_KINDS for o in roots)


def _viewer(request) -> None:
    if not scope.has_any(request.user, scope.VIEW):
        raise Http404


def _indicator_or_404(code: str) -> Indicator:
    found = queries.indicators().filter(code=code).first()
    if found is None:
        raise Http404
    return found


# ------------------------------------------------------------------ pages


@login_required
@replicas.reads
def indicator_list(request):
    _viewer(request)
    org = _org_or_404(request, scope.VIEW)
    year, error = _year(request)
    return render_page(
        request,
        "indicators/values/list.html",
        {
            "org": org,
            "year": year,
            "error": error,
            "items": [
                {
                    "indicator": o.indicator,
                    "value": shown_value(o.indicator, o.value, o.kind, unit=True),
                    "kind": queries.SOURCE_LABELS.get(o.kind, ""),
                    "target": rules.fmt_value(o.target, o.indicator.decimals),
                    "met": o.met,
                    "differs": o.differs,
                }
                for o in queries.overview(org, year)
            ],
            "can_enter": scope.covers(request.user, scope.CHANGE, org),
            "can_define": can_define(request.user),
        },
    )


@login_required
def detail(request, code: str):
    _viewer(request)
    indicator = _indicator_or_404(code)
    org = _org_or_404(request, scope.VIEW)
    years, error = _span(request)
    table = queries.value_table(indicator, org, years)
    fmt = lambda v: rules.fmt_value(v, indicator.decimals)  # noqa: E731

    def shown(cell):
        return {
            "value": shown_value(indicator, cell.value, cell.kind),
            "kind": cell.kind,
            "kind_label": queries.SOURCE_LABELS.get(cell.kind, ""),
            "source": cell.source,
            "target": fmt(cell.target),
            "met": cell.met,
            "direct": fmt(cell.direct),
            "rolled": fmt(cell.rolled),
            "differs": cell.differs,
            "growth": rules.fmt_value(cell.growth, 1) if cell.growth is not None else "",
        }

    return render_page(
        request,
        "indicators/values/detail.html",
        {
            "indicator": indicator,
            "org": org,
            "years": years,
            "first": years[0],
            "last": years[-1],
            "error": error,
            "own_years": [(y, shown(table.own.cells[y])) for y in years],
            "rows": [(r.org, [shown(r.cells[y]) for y in years]) for r in table.rows],
            "hidden": table.hidden,
            "can_enter": not indicator.computed and scope.covers(request.user, scope.CHANGE, org),
            "can_target": scope.covers(request.user, scope.CHANGE, org),
        },
    )


@login_required
def enter(request):
    org = _org_or_404(request, scope.CHANGE)
    year, error = _year(request)
    form = forms.ValuesForm(
        request.POST if request.method == "POST" else None,
        entries=queries.entry_values(org, year),
    )
    back = _url("list", **{"to-chuc": org.code, "nam": year})

    def save(_data):
        counts = services.record_values(
            actor=request.user,
            rows=[(ind, org, year, text) for ind, text in form.filled()],
            source=form.cleaned_data.get("source") or "",
        )
        message = _("Đã ghi số liệu: %(n)s mới, %(u)s sửa, %(s)s không đổi.") % {
            "n": counts["new"],
            "u": counts["updated"],
            "s": counts["unchanged"],
        }
        return message, _url("enter", **{"to-chuc": org.code, "nam": year})

    return form_page(
        request,
        form,
        save,
        "indicators/values/enter.html",
        {"org": org, "year": year, "error": error, "back": back},
    )


@login_required
def targets(request):
    org = _org_or_404(request, scope.CHANGE)
    year, error = _year(request)
    entries = queries.target_values(org, year)
    form = forms.ValuesForm(request.POST if request.method == "POST" else None, entries=entries)
    del form.fields["source"]
    back = _url("list", **{"to-chuc": org.code, "nam": year})

    def save(_data):
        changed = services.set_targets(actor=request.user, org=org, year=year, values=form.filled())
        message = _("Đã giao %(n)s chỉ tiêu.") % {"n": changed}
        return message, _url("targets", **{"to-chuc": org.code, "nam": year})

    return form_page(
        request,
        form,
        save,
        "indicators/values/targets.html",
        {"org": org, "year": year, "error": error, "back": back},
    )


@login_required
def create(request):
    if not can_define(request.user):
        raise Http404
    form = forms.DefineForm(request.POST if request.method == "POST" else None)

    def save(_data):
        indicator = services.define_indicator(actor=request.user, **form.cleaned_data)
        message = _("Đã khai báo chỉ tiêu “%(n)s”.") % {"n": indicator}
        return message, reverse("indicators:detail", args=[indicator.code])

    return form_page(
        request,
        form,
        save,
        "indicators/values/create.html",
        {"back": reverse("indicators:list")},
    )
