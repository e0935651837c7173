"""The page on which organisation staff open a review cycle ("Mở đợt đánh giá"): the
organisation picked by name among those the user may change, the year, the period and the
window; the same service as the API's ``POST /reviews/cycles``. Thin: parse, call, render."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangbo.core import period, scope
from dangbo.core.forms import DateField
from dangbo.core.text import strip_control
from dangbo.core.views import apply_service_errors, render_page

from . import queries, services
from .choices import PeriodKind
from .forms import OpenCycleForm


class OrgChoice(forms.ModelChoiceField):
    """An organisation by its name, with the organisation above it (names repeat)."""

    def label_from_instance(self, obj) -> str:
        parent = obj.parent.name if obj.parent_id else ""
        return f"{obj.name} — {parent}" if parent else obj.name


class CycleOpenForm(OpenCycleForm):
    """What the API's ``CycleCreate`` takes, with the organisation chosen by name."""

    org = OrgChoice(
        queryset=None,
        label=gettext_lazy("Tổ chức kiểm điểm"),
        empty_label=gettext_lazy("— chọn tổ chức —"),
        to_field_name="code",
    )
    period_start = DateField(
        label=gettext_lazy("Kỳ đánh giá từ ngày"),
        required=False,
        help_text=gettext_lazy("Để trống: 01/01 của năm (kỳ năm)."),
    )
    period_end = DateField(
        label=gettext_lazy("Kỳ đánh giá đến ngày"),
        required=False,
        help_text=gettext_lazy("Để trống: 31/12 của năm (kỳ năm)."),
    )

    field_order = ["org", "year", "kind", "period_start", "period_end", "opens_on", "closes_on"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = organisations
        self.fields["year"].error_messages["max_value"] = _("Năm: không hợp lệ.")


@login_required
def cycle_open(request):
    user = request.user
    if not scope.has_any(user, scope.CHANGE):
        raise Http404
    organisations = queries.cycle_organisations(user)
    code = strip_control(request.GET.get("to-chuc") or "").strip()[:64]
    initial = {"year": period.current(request).year, "kind": PeriodKind.YEAR}  # the period's
    if code:
        initial["org"] = organisations.filter(code=code).first()
    post = request.POST if request.method == "POST" else None
    form = CycleOpenForm(post, organisations=organisations, initial=initial)
    status = 200
    if post is not None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                cycle = services.open_cycle(
                    actor=user,
                    org=data["org"],
                    year=data["year"],
                    kind=data["kind"],
                    period_start=data.get("period_start"),
                    period_end=data.get("period_end"),
                    opens_on=data.get("opens_on"),
                    closes_on=data.get("closes_on"),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã mở đợt kiểm điểm %(y)s của %(org)s.")
                    % {"y": cycle.year, "org": cycle.org.name},
                )
                return redirect(reverse("reviews:cycle", args=[cycle.pk]))
        status = 400
    return render_page(
        request,
        "reviews/cycle_open.html",
        {"form": form, "schemes": queries.schemes_in_force()},
        status=status,
    )
