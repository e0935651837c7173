"""Member pages: search, CSV export, the member's page and each lifecycle step."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangbo.core import cache, exports, period, replicas, scope
from dangbo.core import services as core_services
from dangbo.core.dates import today
from dangbo.core.office.sheet import Col, Sheet
from dangbo.core.office.sheet import response as sheet_response
from dangbo.core.text import strip_control
from dangbo.core.views import (
    Action,
    apply_service_errors,
    history_of,
    operation_page,
    page_of,
    render_page,
)
from dangbo.orgs import fields as org_fields
from dangbo.orgs import queries as org_queries
from dangbo.orgs.choices import CELL_KINDS
from dangbo.orgs.models import Organisation

from . import forms, queries, services
from .choices import ACTIVE_STATUSES, MemberAudit, MembershipKind, Status
from .models import Member

SENSITIVE_MISSING = gettext_lazy("— cần quyền xem thông tin nhạy cảm")


# ---- search and export -------------------------------------------------------------------


ALL_STATUSES = "tat-ca"
# ``thieu``: members whose record misses a fact to be completed (the home page links here).
MISSING = {
    "chinh-thuc": (gettext_lazy("Thiếu ngày công nhận chính thức"), queries.recognition_missing_q),
}


def _filtered(request, qs):
    """Apply the ``q``, ``to-chuc`` (an organisation by name, or its code in old links),
    ``tinh-trang`` and ``thieu`` filters — active members unless another status or ``tat-ca``
    is asked for; returns (qs, filters, error, the organisation's name as shown)."""
    q = strip_control(request.GET.get("q") or "").strip()[: queries.MAX_QUERY_LENGTH]
    org_text = " ".join(strip_control(request.GET.get("to-chuc") or "").split())[:300]
    status = (request.GET.get("tinh-trang") or "").strip()
    missing = (request.GET.get("thieu") or "").strip()
    if missing in MISSING:
        qs = qs.filter(MISSING[missing][1]())
    else:
        missing = ""
    error = org_label = ""
    if org_text:
        try:
            org = org_fields.resolve(request.user, org_text, _("Tổ chức"), scope.VIEW)
        except ValidationError as exc:
            qs = qs.none()
            error = exc.messages[0]
            org_label = org_text
        else:
            qs = qs.filter(org.subtree_q("org__"))
            org_label = org_queries.pick_label(org)
    if status == ALL_STATUSES:
        pass
    elif status in Status.values:
        qs = qs.filter(status=status)
    else:
        status = ""
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    qs = queries.ordered(queries.search(qs, q, request.user))
    filters = {"q": q, "to-chuc": org_text, "tinh-trang": status, "thieu": missing}
    return qs, filters, error, org_label


def _loggable(filters: dict) -> dict:
    """Filters as the audit log keeps them: a searched number (card or ID, however typed:
    "83.016532") is not copied."""
    q = filters.get("q", "")
    number = queries.search_digits(q) or q.replace(" ", "").isdigit()
    return {**filters, "q": "***" if number else q}


@login_required
@replicas.reads
@cache.page
def member_list(request):
    qs, filters, error, org_label = _filtered(request, queries.visible_members(request.user))
    return render_page(
        request,
        "members/list.html",
        {
            "page": page_of(request, qs, capped=True),
            "filters": filters,
            "to_chuc": org_label,
            "all_statuses": ALL_STATUSES,
            "status": filters["tinh-trang"],
            "error": error,
            "statuses": Status.choices,
            "missing": filters["thieu"],
            "missing_choices": [(value, label) for value, (label, _q) in MISSING.items()],
            "can_export": scope.has_any(request.user, scope.EXPORT),
        },
    )


def export_sensitive(user) -> bool:
    """Sensitive columns only when a sensitive grant covers every organisation the user may
    export from, so that no row leaks a field the user could not read on the member page."""
    roots = scope.roots(user, scope.EXPORT)
    if roots is None:
        return scope.covers_all(user, scope.SENSITIVE)
    return bool(roots) and all(scope.covers(user, scope.SENSITIVE, r) for r in roots)


BASE_COLUMNS = [
    Col(gettext_lazy("Họ và tên"), lambda m: m.full_name),
    Col(gettext_lazy("Giới tính"), lambda m: m.get_gender_display()),
    Col(gettext_lazy("Ngày sinh"), lambda m: m.date_of_birth, "date"),
    Col(gettext_lazy("Chi bộ"), lambda m: m.org.name),
    Col(gettext_lazy("Mã chi bộ"), lambda m: m.org.code),
    Col(gettext_lazy("Tình trạng"), lambda m: m.get_status_display()),
    Col(gettext_lazy("Số thẻ đảng viên"), lambda m: m.card_number),
    Col(gettext_lazy("Ngày kết nạp"), lambda m: m.admission_decision_date, "date"),
    Col(gettext_lazy("Ngày công nhận chính thức"), lambda m: m.official_recognition_date, "date"),
    Col(gettext_lazy("Nghề nghiệp"), lambda m: m.occupation),
    Col(gettext_lazy("Nơi làm việc"), lambda m: m.workplace),
    Col(gettext_lazy("Điện thoại"), lambda m: m.phone),
]
SENSITIVE_COLUMNS = [
    Col(gettext_lazy("Dân tộc"), lambda m: m.ethnicity),
    Col(gettext_lazy("Tôn giáo"), lambda m: m.religion),
    Col(gettext_lazy("Số CCCD"), lambda m: m.id_number),
]


@dataclass(frozen=True)
class _Export:
    rows: Iterable[Member]
    columns: list[Col]
    org_label: str  # the organisation the list was filtered to ("" for the whole scope)
    filters: dict


def _export(request, kind: str) -> _Export:
    """What an export of the filtered list writes, after one audit entry."""
    user = request.user
    if not scope.has_any(user, scope.EXPORT):
        raise Http404
    qs, filters, error, label = _filtered(request, queries.visible_members(user, scope.EXPORT))
    sensitive = export_sensitive(user)
    columns = BASE_COLUMNS + (SENSITIVE_COLUMNS if sensitive else [])
    rows = core_services.record_export(
        actor=user,
        queryset=qs,
        action=MemberAudit.EXPORTED,
        what="members",
        summary=_("Xuất %%(n)s đảng viên ra tệp %(kind)s") % {"kind": kind},
        after={"filters": _loggable(filters), "sensitive": sensitive},
    )
    return _Export(rows, columns, "" if error else label, filters)


def _filename(extension: str) -> str:
    return f"dang-vien-{today():%Y%m%d}.{extension}"


@login_required
@replicas.reads
def export(request):
    """Stream the filtered list as CSV (UTF-8 with BOM for Excel); one audit entry per export."""
    found = _export(request, "CSV")
    return exports.csv_response(found.rows, exports.csv_columns(found.columns), _filename("csv"))


@login_required
@replicas.reads
def export_xlsx(request):
    """The filtered list as a sheet to print: title, as-of line, STT, dates as dates."""
    found = _export(request, "XLSX")
    user = request.user
    where = exports.scope_label(user, scope.EXPORT, found.org_label)
    sheet = Sheet(
        title=_("DANH SÁCH ĐẢNG VIÊN"),
        subtitle=f"{where} · {exports.as_of_line(today())}",
        columns=tuple(found.columns),
        rows=found.rows,
        name=_("Đảng viên"),
        scope=where,
        user=exports.user_label(user),
        landscape=True,
        notes=_filter_notes(found.filters),
    )
    return sheet_response([sheet], _filename("xlsx"), title=_("Danh sách đảng viên"), author=where)


def _filter_notes(filters: dict) -> tuple[str, ...]:
    """The list's filters under the table, so a printout says what it leaves out."""
    parts = []
    if filters.get("q"):
        parts.append(_("tìm “%(q)s”") % {"q": filters["q"]})
    status = filters.get("tinh-trang")
    if status in Status.values:
        parts.append(_("tình trạng: %(s)s") % {"s": Status(status).label})
    elif status == ALL_STATUSES:
        parts.append(_("mọi tình trạng"))
    if filters.get("thieu") in MISSING:
        parts.append(str(MISSING[filters["thieu"]][0]))
    return (_("Lọc: %(what)s.") % {"what": "; ".join(parts)},) if parts else ()


# ---- the member page ---------------------------------------------------------------------


@dataclass(frozen=True)
class MemberState:
    """What the member page needs to offer only the operations that apply."""

    status: str
    temporary: bool
    exempted: bool
    recognition_unknown: bool = False  # official, recognition date to be completed

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


@login_required
def detail(request, pk):
    user = request.user
    member = scope.get_or_404(
        Member.objects.select_related("org", "admission_org", "org__parent"),
        user,
        scope.VIEW,
        pk=pk,
    )
    can_change = scope.can(user, scope.CHANGE, member)
    memberships = list(member.memberships.select_related("org").order_by("valid_from", "id"))
    # Beside the history: the sensitive values changes replaced, opened only for a reader
    # with the sensitive grant; the page's one sensitive-read entry names them too.
    shows_history = can_change or scope.can(user, scope.AUDIT, member)
    sealed = queries.sealed_history(user, member, log=False) if shows_history else None
    record = queries.member_file(
        user, member, sealed_values=len(sealed or ()), as_of=period.current(request).day
    )
    sensitive = record.sensitive is not None
    exemptions = queries.exemptions(member, sensitive=sensitive)
    state = MemberState(
        status=member.status,
        temporary=any(
            m.kind == MembershipKind.TEMPORARY and m.valid_to is None for m in memberships
        ),
        exempted=any(e.valid_to is None for e in exemptions),
        recognition_unknown=member.status == Status.OFFICIAL
        and member.recognition_unknown
        and member.official_recognition_date is None,
    )
    context = {
        "member": member,
        "summary": record.summary,
        "sensitive": record.sensitive,
        "sensitive_missing": SENSITIVE_MISSING,
        "memberships": memberships,
        "positions": list(
            member.positions.select_related("org", "body").order_by("valid_from", "id")
        ),
        "exemptions": exemptions,
        "interruptions": list(member.interruptions.order_by("interrupted_from", "id")),
        "badges": queries.badges(member, sensitive=sensitive),
        "timeline": queries.timeline(member, sensitive=sensitive),
        "can_change": can_change,
        "ops_menu": _menu(member, state) if can_change else [],
        "history": history_of(member, user, can_change=can_change),
    }
    context["sealed"] = sealed if context["history"] is not None else None
    return render_page(request, "members/detail.html", context)


# ---- lifecycle forms ---------------------------------------------------------------------


def _recognise(user, m, d):
    services.recognise_official(
        actor=user,
        member=m,
        recognition_date=d["recognition_date"],
        decision_ref=d["decision_ref"],
    )


def _complete_recognition(user, m, d):
    services.complete_recognition(
        actor=user,
        member=m,
        recognition_date=d["recognition_date"],
        decision_ref=d["decision_ref"],
    )


def _transfer(user, m, d):
    services.transfer_member(
        actor=user,
        member=m,
        to_org=d["to_org"],  # a cell named within the change scope (the form's picker)
        effective_date=d["effective_date"],
        letter_no=d["letter_no"],
        note=d["note"],
    )


def _temporary(user, m, d):
    services.temporary_transfer(
        actor=user,
        member=m,
        to_org=d["to_org"],  # a cell named within the change scope (the form's picker)
        start=d["start"],
        planned_end=d["planned_end"],
        reason=d["reason"],
    )


def _end_temporary(user, m, d):
    services.end_temporary_transfer(actor=user, member=m, end_date=d["end_date"])


def _exempt(user, m, d):
    services.exempt_member(
        actor=user,
        member=m,
        category=d["category"],
        start=d["start"],
        resolution_ref=d["resolution_ref"],
    )


def _end_exemption(user, m, d):
    services.end_exemption(actor=user, member=m, end_date=d["end_date"])


def _exit(user, m, d):
    services.end_membership(
        actor=user,
        member=m,
        kind=d["kind"],
        effective_date=d["effective_date"],
        decision_ref=d["decision_ref"],
        note=d["note"],
    )


def _badge(user, m, d):
    services.award_badge(
        actor=user,
        member=m,
        milestone=d["milestone"],
        award_date=d["award_date"],
        badge_number=d["badge_number"],
    )


def _update(user, m, d):
    services.update_member(actor=user, member=m, data=dict(d))


def _interruption(user, m, d):
    services.record_interruption(
        actor=user,
        member=m,
        start=d["start"],
        end=d["end"],
        reason=d["reason"],
        fee_backpaid=d["fee_backpaid"],
    )


def _record_initial(user, member):
    fields = [n for n in forms.RecordForm.base_fields if n not in forms.RecordForm.SENSITIVE]
    initial = {n: getattr(member, n) for n in fields}
    return initial


# The member page's "Thao tác" menu: everyday changes in groups, leaving the list apart.
MENU_GROUPS = (
    (gettext_lazy("Hồ sơ"), ("sua-ho-so", "huy-hieu", "gian-doan")),
    (
        gettext_lazy("Đảng tịch và sinh hoạt"),
        (
            "cong-nhan-chinh-thuc",
            "bo-sung-ngay-cong-nhan",
            "chuyen-sinh-hoat",
            "sinh-hoat-tam-thoi",
            "ket-thuc-tam-thoi",
            "mien-sinh-hoat",
            "het-mien",
        ),
    ),
    (gettext_lazy("Ra khỏi danh sách"), ("ra-khoi-danh-sach",)),
)
DESTRUCTIVE = ("ra-khoi-danh-sach",)


def _menu(member, state) -> list[dict]:
    """The operations offered in the member's state, grouped (includes/ops_menu.html); an
    operation not placed in a group is listed under the first one."""
    offered = {op: a.title for op, a in MEMBER_ACTIONS.items() if a.when is None or a.when(state)}
    placed = {op for _title, ops in MENU_GROUPS for op in ops}
    groups = []
    for n, (title, ops) in enumerate(MENU_GROUPS):
        names = [op for op in ops if op in offered]
        if n == 0:
            names += [op for op in offered if op not in placed]
        entries = [(offered[op], reverse("members:action", args=[member.pk, op])) for op in names]
        if entries:
            groups.append(
                {"title": title, "entries": entries, "destructive": ops[0] in DESTRUCTIVE}
            )
    return groups


MEMBER_ACTIONS: dict[str, Action] = {
    "cong-nhan-chinh-thuc": Action(
        gettext_lazy("Công nhận đảng viên chính thức"),
        forms.RecogniseForm,
        _recognise,
        gettext_lazy("Đã ghi việc công nhận đảng viên chính thức."),
        when=lambda s: s.status == Status.PROBATIONARY,
    ),
    # An official member whose recognition date is not known (an imported roll): the same
    # service records the date and clears the flag.
    "bo-sung-ngay-cong-nhan": Action(
        gettext_lazy("Bổ sung ngày công nhận chính thức"),
        forms.RecogniseForm,
        _complete_recognition,
        gettext_lazy("Đã bổ sung ngày công nhận chính thức."),
        when=lambda s: s.recognition_unknown,
    ),
    "chuyen-sinh-hoat": Action(
        gettext_lazy("Chuyển sinh hoạt chính thức"),
        forms.TransferForm,
        _transfer,
        gettext_lazy("Đã ghi việc chuyển sinh hoạt chính thức."),
        when=lambda s: s.active,
    ),
    "sinh-hoat-tam-thoi": Action(
        gettext_lazy("Chuyển sinh hoạt tạm thời"),
        forms.TemporaryTransferForm,
        _temporary,
        gettext_lazy("Đã ghi việc chuyển sinh hoạt tạm thời."),
        when=lambda s: s.active and not s.temporary,
    ),
    "ket-thuc-tam-thoi": Action(
        gettext_lazy("Kết thúc sinh hoạt tạm thời"),
        forms.EndDateForm,
        _end_temporary,
        gettext_lazy("Đã ghi việc kết thúc sinh hoạt tạm thời."),
        when=lambda s: s.temporary,
    ),
    "mien-sinh-hoat": Action(
        gettext_lazy("Miễn công tác và sinh hoạt đảng"),
        forms.ExemptForm,
        _exempt,
        gettext_lazy("Đã ghi việc miễn công tác và sinh hoạt đảng."),
        when=lambda s: s.active and not s.exempted,
    ),
    "het-mien": Action(
        gettext_lazy("Trở lại sinh hoạt (hết miễn)"),
        forms.EndDateForm,
        _end_exemption,
        gettext_lazy("Đã ghi việc trở lại sinh hoạt."),
        when=lambda s: s.exempted,
    ),
    "ra-khoi-danh-sach": Action(
        gettext_lazy("Ra khỏi danh sách (chuyển đi, xóa tên, khai trừ, xin ra, từ trần)"),
        forms.ExitForm,
        _exit,
        gettext_lazy("Đã ghi việc ra khỏi danh sách."),
        when=lambda s: s.active,
    ),
    "huy-hieu": Action(
        gettext_lazy("Tặng Huy hiệu Đảng"),
        forms.BadgeForm,
        _badge,
        gettext_lazy("Đã ghi việc tặng Huy hiệu Đảng."),
        when=lambda s: s.status in (Status.OFFICIAL, Status.DECEASED, Status.LEFT),
    ),
    "gian-doan": Action(
        gettext_lazy("Ghi gián đoạn sinh hoạt (điều chỉnh tuổi đảng)"),
        forms.InterruptionForm,
        _interruption,
        gettext_lazy("Đã ghi thời gian gián đoạn sinh hoạt."),
    ),
    "sua-ho-so": Action(
        gettext_lazy("Sửa hồ sơ"),
        forms.RecordForm,
        _update,
        gettext_lazy("Đã ghi thay đổi hồ sơ."),
        initial=_record_initial,
    ),
}


def _form_for(spec: Action, request, member):
    kwargs = {}
    if spec.form is forms.RecordForm:
        sensitive = scope.can_view_sensitive(request.user, member)
        kwargs["sensitive"] = sensitive
        kwargs["member"] = member
        if request.method != "POST":
            initial = spec.initial(request.user, member)
            if sensitive:
                initial.update(queries.sensitive_fields(request.user, member) or {})
            kwargs["initial"] = initial
    return org_fields.bind(
        spec.form(request.POST if request.method == "POST" else None, **kwargs), request.user
    )


@login_required
def action(request, pk, op):
    spec = MEMBER_ACTIONS.get(op)
    if spec is None:
        raise Http404
    member = scope.get_or_404(
        Member.objects.select_related("org"), request.user, scope.CHANGE, pk=pk
    )
    return operation_page(
        request,
        spec,
        member,
        _form_for(spec, request, member),
        success_url=reverse("members:detail", args=[member.pk]),
        template="members/action.html",
        context={"member": member},
    )


@login_required
def admit(request, code):
    """Admit a new member into a cell (the organisation must be a cell in change scope)."""
    org = scope.get_or_404(Organisation.objects.all(), request.user, scope.CHANGE, code=code)
    if org.kind not in CELL_KINDS:
        raise Http404
    form = forms.AdmitForm(
        request.POST if request.method == "POST" else None,
        sensitive=scope.can_view_sensitive(request.user, Member(org=org)),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            extra = {k: data.pop(k) for k in forms.AdmitForm.ADMISSION}
            try:
                member = services.admit_member(
                    actor=request.user,
                    org=org,
                    data=data,
                    admission_decision_date=extra["admission_decision_date"],
                    admission_ceremony_date=extra["admission_ceremony_date"],
                    admission_vote_date=extra["admission_vote_date"],
                    decision_ref=extra["decision_ref"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Đã ghi việc kết nạp %(name)s.") % {"name": member.full_name}
                )
                return redirect(reverse("members:detail", args=[member.pk]))
        status = 400
    return render_page(
        request,
        "members/action.html",
        {"org": org, "form": form, "title": _("Kết nạp đảng viên")},
        status=status,
    )
