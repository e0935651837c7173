"""The office's editor of report phrases (reports.models.ReportPhrase): the sentences of the
reports grouped by report, one sentence's form with the placeholders it offers, and "reset to
the default". Phrases are the same for every organisation, so only ``prose.can_edit`` users
see these pages (404 for everyone else, as for anything out of scope)."""

from itertools import groupby

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from dangbo.core.forms import VNForm
from dangbo.core.views import form_page, render_page

from . import prose
from .models import ReportPhrase

# The phrase files by the reports they write; a file not named here shows under its name.
GROUPS = {
    "annual": _("Báo cáo năm"),
    "periods": _("Báo cáo quý, kết quả đánh giá, sinh hoạt chi bộ"),
}
CASE_LABELS = {
    "": _("mọi trường hợp"),
    "none": _("khi không có số liệu"),
    "one": _("khi có một"),
    "some": _("khi có một số"),
    "all": _("khi tất cả đều đạt"),
    "exact": _("khi số nêu ra là số chính xác"),
}


class PhraseForm(VNForm):
    text = forms.CharField(
        label=_("Mẫu câu"),
        max_length=prose.MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Viết chỗ trống bằng tên trong ngoặc nhọn, ví dụ {members}; để trống để bỏ câu."
        ),
    )


def _editor(request) -> None:
    if not prose.can_edit(request.user):
        raise Http404


def _row(pk: int) -> ReportPhrase:
    return get_object_or_404(ReportPhrase, pk=pk)


@login_required
def phrases(request):
    _editor(request)
    wanted = prose.defaults()
    rows = list(ReportPhrase.objects.all())
    if {(r.key, r.case) for r in rows} < set(wanted):  # a phrase file newer than the rows
        prose.sync_defaults()
        rows = list(ReportPhrase.objects.all())
    for row in rows:
        default = wanted.get((row.key, row.case))
        row.group = default.group if default else ""
        row.note_text = (default.note if default else "") or row.note
        row.case_label = CASE_LABELS.get(row.case, row.case)
        row.edited = row.text != row.default_text
    order = ("", *prose.CASES)
    rows.sort(key=lambda r: (r.group, r.key, order.index(r.case) if r.case in order else 9))
    groups = [
        {"label": GROUPS.get(group, group or _("Khác")), "rows": list(items)}
        for group, items in groupby(rows, key=lambda r: r.group)
    ]
    return render_page(request, "reports/phrases.html", {"groups": groups})


@login_required
def phrase_edit(request, pk: int):
    _editor(request)
    row = _row(pk)
    form = PhraseForm(request.POST or None, initial={"text": row.text})

    def save(data):
        prose.update_phrase(row, data["text"], actor=request.user)
        return _t("Đã ghi mẫu câu %(key)s.") % {"key": str(row)}, reverse("reports:phrases")

    return form_page(
        request,
        form,
        save,
        "reports/phrase_form.html",
        {
            "phrase": row,
            "case_label": CASE_LABELS.get(row.case, row.case),
            "offered": sorted(prose.offered(row.key).items()),
            "note": getattr(prose.defaults().get((row.key, row.case)), "note", "") or row.note,
            "title": _t("Sửa mẫu câu %(key)s") % {"key": str(row)},
        },
    )


@login_required
@require_POST
def phrase_reset(request, pk: int):
    _editor(request)
    row = prose.reset_phrase(_row(pk), actor=request.user)
    messages.success(request, _t("Đã khôi phục mẫu gốc của %(key)s.") % {"key": str(row)})
    return redirect("reports:phrases")
