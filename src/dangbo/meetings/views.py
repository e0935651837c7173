"""Cell-meeting pages: compliance over a subtree, a cell's meetings, recording a meeting with
its attendance and votes, and the minutes as a Word document.

Reading needs VIEW on the cell; recording needs MEETINGS (admin, staff, the cell's
secretary). Out of scope is 404. Every change goes through ``meetings.services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangbo.core import period, replicas, scope
from dangbo.core.dates import fmt, parse_day, today
from dangbo.core.errors import messages_of
from dangbo.core.views import (
    apply_service_errors,
    history_of,
    page_of,
    parse_as_of,
    render_page,
)
from dangbo.members.models import Member
from dangbo.orgs.choices import CELL_KINDS
from dangbo.orgs.lookups import page_org
from dangbo.orgs.models import Organisation

from . import docx, forms, queries, rules, services
from .choices import AttendanceStatus, MeetingKind, MeetingMode
from .models import Meeting

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
VOTE_RULE = gettext_lazy(
    "Quá nửa tổng số đảng viên chính thức được triệu tập, trừ người chuyển sinh hoạt tạm "
    "thời, miễn sinh hoạt vắng mặt, vắng có lý do — QĐ 24 §9.3."
)


def _cell_or_404(user, code: str, action: str) -> Organisation:
    org = scope.get_or_404(Organisation.objects.select_related("parent"), user, action, code=code)
    if org.kind not in CELL_KINDS:
        raise Http404
    return org


def _meeting_or_404(user, pk: int, action: str) -> Meeting:
    return scope.get_or_404(
        Meeting.objects.select_related("org", "org__parent", "chair", "secretary"),
        user,
        action,
        pk=pk,
    )


# ---- compliance ----------------------------------------------------------------------------


@login_required
@replicas.reads
def compliance(request):
    """Rules 17 and 13 over an organisation's cells for the year of the chosen date."""
    user = request.user
    org = page_org(user, request.GET.get("to-chuc"))
    as_of = parse_as_of(request)
    result = queries.compliance(org, as_of.day)
    flagged_ids = [f["member_id"] for f in result.flagged_members]
    visible = set(
        scope.restrict(Member.objects.filter(pk__in=flagged_ids), user).values_list("pk", flat=True)
    )
    for row in result.flagged_members:
        row["visible"] = row["member_id"] in visible
        if not row["visible"]:
            # Moved out of the user's scope since: where to is not the user's to know.
            row["org_code"] = row["org_name"] = ""
    for row in result.missing_regular:
        row["label"] = ", ".join(str(m) for m in row["missing"])
    for row in result.missing_thematic:
        row["label"] = ", ".join(ROMAN[q] for q in row["missing"])
    return render_page(
        request,
        "meetings/compliance.html",
        {
            "org": org,
            "as_of": as_of,
            "result": result,
            "months_due": ", ".join(str(m) for m in result.months_due),
            "quarters_due": ", ".join(ROMAN[q] for q in result.quarters_due),
            "more_regular": result.missing_regular_total - len(result.missing_regular),
            "more_thematic": result.missing_thematic_total - len(result.missing_thematic),
            "more_flagged": result.flagged_total - len(result.flagged_members),
            "is_cell": org.kind in CELL_KINDS,
        },
    )


# ---- one cell ------------------------------------------------------------------------------


@login_required
def cell(request, code):
    org = _cell_or_404(request.user, code, scope.VIEW)
    raw = (request.GET.get("nam") or "").strip()[:10]
    year, error = period.current(request).year, ""
    if raw:
        if raw.isascii() and raw.isdigit() and 1930 <= int(raw) <= today().year:
            year = int(raw)
        else:
            error = _("Năm: “%(v)s” không hợp lệ; đang hiển thị năm %(y)s.") % {"v": raw, "y": year}
    years = [d.year for d in Meeting.objects.filter(org=org).dates("date", "year", order="DESC")]
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    return render_page(
        request,
        "meetings/cell.html",
        {
            "org": org,
            "year": year,
            "years": years,
            "error": error,
            "page": page_of(request, queries.meetings_of(org, year)),
            "can_record": scope.covers(request.user, scope.MEETINGS, org),
        },
        status=400 if error else 200,
    )


# ---- recording -----------------------------------------------------------------------------


def _post_day(raw: str | None):
    """The date posted by step two, only to know whose rows to expect; the form and the
    service validate it for real."""
    try:
        return parse_day((raw or "")[:30], _("Ngày sinh hoạt"))
    except ValidationError:
        return None


def _service_errors(form, exc: ValidationError) -> None:
    """The service's refusal onto the form; a row's message also onto its row."""
    found = {key: " ".join(msgs) for key, msgs in messages_of(exc).items()}
    for key, message in form.take_problems(found).items():
        form.add_error(key, message)


def _warn_duration(request, meeting) -> None:
    warning = rules.duration_warning(meeting.duration_minutes)
    if warning:
        messages.warning(request, warning)


def _day_error(day, org: Organisation) -> str | None:
    """A date on which the cell could not have met (the service says the same; checked
    here too so that step one, and a step two whose roster is empty, say why)."""
    if day > today():
        return _("Ngày sinh hoạt: không được sau ngày hôm nay (%(d)s).") % {"d": fmt(today())}
    if day < org.valid_from:
        return _("Ngày sinh hoạt: %(d)s trước ngày thành lập %(org)s (%(since)s).") % {
            "d": fmt(day),
            "org": org.name,
            "since": fmt(org.valid_from),
        }
    if org.valid_to is not None and day > org.valid_to:
        return _("Ngày sinh hoạt: %(d)s sau ngày %(org)s kết thúc hoạt động (%(end)s).") % {
            "d": fmt(day),
            "org": org.name,
            "end": fmt(org.valid_to),
        }
    return None


@login_required
def create(request, code):
    """Two steps: the date (it decides who is summoned), then the meeting and its roll."""
    org = _cell_or_404(request.user, code, scope.MEETINGS)
    status = 200
    given, row_errors = {}, {}
    if request.method == "POST":
        day = _post_day(request.POST.get("date"))
        entries = services.roster(org, day) if day else []
        given, bad_rows = forms.attendance_from_post(request.POST)
        # The form checks the shapes and, when some fail, asks the service about the rest:
        # every problem (the date, the officers, each attendance row) in one answer.
        form = forms.MeetingForm(
            request.POST, entries=entries, org=org, attendance=given, bad_rows=bad_rows
        )
        day_form = forms.DayForm(
            initial={"ngay": fmt(day) if day else "", "loai": request.POST.get("kind")}
        )
        if form.is_valid():
            try:
                meeting = services.record_meeting(
                    actor=request.user,
                    org=org,
                    day=form.cleaned_data["date"],
                    data=form.service_data(),
                    attendance=given,
                    **form.officers(),
                )
            except ValidationError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi buổi sinh hoạt."))
                _warn_duration(request, meeting)
                return redirect(reverse("meetings:detail", args=[meeting.pk]))
        row_errors = form.row_errors
        status = 400
    else:
        day_form = forms.DayForm(request.GET if "ngay" in request.GET else None)
        form = None
        entries = []
        day = period.current(request).day  # the period's day while looking at the past
        if _day_error(day, org):  # the cell did not exist then
            day = today()
        if day_form.is_bound and day_form.is_valid():
            day = day_form.cleaned_data.get("ngay") or day
            error = _day_error(day, org)
            if error:
                day_form.add_error("ngay", error)
        if day_form.is_bound and day_form.errors:
            status = 400
        else:
            entries = services.roster(org, day)
            kind = day_form.cleaned_data.get("loai") if day_form.is_bound else ""
            form = forms.MeetingForm(
                entries=entries,
                initial={
                    "date": fmt(day),
                    "kind": kind or _kind_param(request) or MeetingKind.REGULAR,
                    "mode": MeetingMode.IN_PERSON,
                },
            )
            if not day_form.is_bound:
                day_form = forms.DayForm(initial={"ngay": fmt(day), "loai": _kind_param(request)})
    return render_page(
        request,
        "meetings/create.html",
        {
            "org": org,
            "day_form": day_form,
            "form": form,
            "rows": forms.attendance_rows(entries, given, row_errors),
            "statuses": forms.STATUS_CHOICES,
        },
        status=status,
    )


def _kind_param(request) -> str:
    kind = request.GET.get("loai") or ""
    return kind if kind in MeetingKind.values else ""


def _initial(meeting: Meeting) -> dict:
    return {
        "kind": meeting.kind,
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else "",
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else "",
        "topic": meeting.topic,
        "mode": meeting.mode,
        "chair": str(meeting.chair_id or ""),
        "secretary": str(meeting.secretary_id or ""),
        "minutes": meeting.minutes,
        "resolution": meeting.resolution,
        "resolution_ref": meeting.resolution_ref,
        "quality": meeting.quality,
    }


@login_required
def edit(request, pk):
    meeting = _meeting_or_404(request.user, pk, scope.MEETINGS)
    entries = services.roster(meeting.org, meeting.date)
    status = 200
    if request.method == "POST":
        form = forms.EditMeetingForm(request.POST, entries=entries, meeting=meeting)
        if form.is_valid():
            try:
                meeting = services.update_meeting(
                    actor=request.user,
                    meeting=meeting,
                    data=form.service_data(),
                    **form.officers(),
                )
            except ValidationError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, _("Đã cập nhật buổi sinh hoạt."))
                _warn_duration(request, meeting)
                return redirect(reverse("meetings:detail", args=[meeting.pk]))
        status = 400
    else:
        form = forms.EditMeetingForm(entries=entries, initial=_initial(meeting))
    return render_page(
        request, "meetings/edit.html", {"meeting": meeting, "form": form}, status=status
    )


@login_required
def attendance(request, pk):
    meeting = _meeting_or_404(request.user, pk, scope.MEETINGS)
    entries = services.roster(meeting.org, meeting.date)
    status, errors, row_errors = 200, [], {}
    if request.method == "POST":
        given, errors = forms.attendance_from_post(request.POST)
        if not errors:
            try:
                services.set_attendance(actor=request.user, meeting=meeting, attendance=given)
            except ValidationError as exc:
                found = messages_of(exc)
                errors = [m for msgs in found.values() for m in msgs]
                row_errors = {
                    int(k[11:]): " ".join(v)
                    for k, v in found.items()
                    if k.startswith("attendance-") and k[11:].isdigit()
                }
            else:
                messages.success(request, _("Đã ghi điểm danh."))
                return redirect(reverse("meetings:detail", args=[meeting.pk]))
        status = 400
    else:
        # A reason is shown back only to one who may read it; others get an empty box, and
        # leaving it empty keeps the stored reason (services._attendance_rows).
        shown = services.may_read_reasons(request.user, meeting.org)
        given = {
            member_id: (st, reason if shown else "")
            for member_id, st, reason in meeting.attendance.values_list(
                "member_id", "status", "reason"
            )
        }
    return render_page(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "errors": errors,
            "rows": forms.attendance_rows(entries, given, row_errors),
            "statuses": forms.STATUS_CHOICES,
            "reasons_hidden": not services.may_read_reasons(request.user, meeting.org),
        },
        status=status,
    )


@login_required
def vote(request, pk):
    meeting = _meeting_or_404(request.user, pk, scope.MEETINGS)
    status = 200
    if request.method == "POST":
        form = forms.VoteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                recorded = services.record_vote(
                    actor=request.user,
                    meeting=meeting,
                    motion=data["motion"],
                    yes=data["yes"],
                    no=data["no"],
                    abstain=data.get("abstain") or 0,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi biểu quyết: %(yes)s/%(d)s tán thành — %(r)s.")
                    % {
                        "yes": recorded.yes,
                        "d": recorded.denominator,
                        "r": _("thông qua") if recorded.passed else _("không thông qua"),
                    },
                )
                return redirect(reverse("meetings:detail", args=[meeting.pk]))
        status = 400
    else:
        form = forms.VoteForm(initial={"abstain": 0})
    counted, present = services.denominator(meeting)
    return render_page(
        request,
        "meetings/vote.html",
        {
            "meeting": meeting,
            "form": form,
            "denominator": counted,
            "present": present,
            "majority": counted // 2 + 1 if counted else None,
            "rule": VOTE_RULE,
            "votes": list(meeting.votes.all()),
        },
        status=status,
    )


# ---- reading -------------------------------------------------------------------------------


def _attendance_groups(meeting: Meeting, user) -> list[dict]:
    """The rows by status; reasons only for a viewer who may read them (sensitive)."""
    rows = list(
        meeting.attendance.select_related("member").order_by("member__sort_key", "member_id")
    )
    services.hide_reasons(rows, user, meeting.org)
    groups = []
    for value, label in AttendanceStatus.choices:
        members = [r for r in rows if r.status == value]
        groups.append({"status": value, "label": label, "rows": members})
    return groups


def _visits(meeting: Meeting) -> list:
    """The superiors who attended. Oversight records its visits and opinions against the
    meeting; the page reads them through those reverse relations, so meetings (below
    oversight) never imports it."""
    return list(
        meeting.visits.select_related("group").prefetch_related("attendees__member").order_by("id")
    )


@login_required
def detail(request, pk):
    user = request.user
    meeting = _meeting_or_404(user, pk, scope.VIEW)
    groups = _attendance_groups(meeting, user)
    can_record = scope.covers(user, scope.MEETINGS, meeting.org)
    opinions = (
        scope.restrict(meeting.opinions.all(), user)
        .select_related("topic", "assigned_to")
        .order_by("id")
    )
    return render_page(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "org": meeting.org,
            "groups": groups,
            "n_rows": sum(len(g["rows"]) for g in groups),
            "votes": list(meeting.votes.all()),
            "visits": _visits(meeting),
            "opinions": list(opinions),
            "can_record": can_record,
            "duration_warning": rules.duration_warning(meeting.duration_minutes),
            "history": history_of(meeting, user),
        },
    )


def _minutes_file(request, pk, ext: str) -> HttpResponse:
    """The minutes in the format of Party documents; a download names absentees, so it is
    audited (the same entry for either format)."""
    meeting = _meeting_or_404(request.user, pk, scope.VIEW)
    render, content_type = (
        (docx.minutes, docx.CONTENT_TYPE) if ext == "docx" else (docx.minutes_pdf, docx.PDF_TYPE)
    )
    content = render(
        meeting,
        attendance=[r for g in _attendance_groups(meeting, request.user) for r in g["rows"]],
        votes=list(meeting.votes.all()),
        visits=_visits(meeting),
    )
    services.minutes_downloaded(actor=request.user, meeting=meeting)
    response = HttpResponse(content, content_type=content_type)
    name = f"bien-ban-{meeting.org.code}-{meeting.date:%Y%m%d}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def minutes_docx(request, pk):
    return _minutes_file(request, pk, "docx")


@login_required
def minutes_pdf(request, pk):
    return _minutes_file(request, pk, "pdf")
