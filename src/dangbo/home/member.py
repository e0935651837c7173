"""The member's own page ("Trang của tôi"): their record with their own sensitive fields
(the read is audited), their cell's meetings, their review results with "Tự đánh giá" when
a cycle is open for them, and "Gửi ý kiến" into the opinions pipeline at their cell.

"/" shows it to a member-only login (``views.index``); ``home:mine`` to anyone whose login
is linked to a member record (a cell's secretary is a member too)."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404

from dangbo.core.dates import today
from dangbo.core.views import parse_as_of, render_page
from dangbo.meetings.models import Attendance, Meeting
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.own import own_file
from dangbo.members.queries import MemberFile
from dangbo.orgs.models import Organisation
from dangbo.oversight import queries as oversight_queries
from dangbo.oversight import services as oversight_services
from dangbo.oversight.member_views import MemberOpinionForm
from dangbo.oversight.models import Opinion
from dangbo.privacy import queries as privacy_queries
from dangbo.programs import responsibility
from dangbo.reviews import permissions as review_permissions
from dangbo.reviews import queries as review_queries
from dangbo.reviews import services as review_services
from dangbo.reviews.choices import CycleWindow
from dangbo.reviews.models import Evaluation, ReviewCycle

RECENT_MEETINGS = 5
UPCOMING_MEETINGS = 3
RECENT_OPINIONS = 5


@dataclass(frozen=True)
class MeetingRow:
    """One of the cell's meetings, with how the member was marked at it ("" if not)."""

    meeting: Meeting
    attendance: str


@dataclass(frozen=True)
class OpenCycle:
    """A review cycle whose self-assessment window is open today, for this member, with
    their evaluation in it if they have begun one."""

    cycle: ReviewCycle
    evaluation: Evaluation | None


@dataclass(frozen=True)
class MemberPage:
    """Everything "Trang của tôi" shows, read once."""

    record: MemberFile
    day: date
    recent: list[MeetingRow]
    upcoming: list[Meeting]
    results: list[Evaluation]
    streaks: list[dict]
    open_cycles: list[OpenCycle]
    opinions: list[Opinion]
    opinion_total: int
    committee: Organisation
    can_send: bool
    privacy: privacy_queries.OwnSummary  # "Dữ liệu cá nhân của tôi": consents, requests


def _meetings(member, cell: Organisation, day: date) -> tuple[list[MeetingRow], list[Meeting]]:
    """The cell's last meetings up to ``day`` (with the member's own mark) and those after."""
    recent = list(
        Meeting.objects.filter(org=cell, date__lte=day).order_by("-date", "-id")[:RECENT_MEETINGS]
    )
    upcoming = list(
        Meeting.objects.filter(org=cell, date__gt=day).order_by("date", "id")[:UPCOMING_MEETINGS]
    )
    marks = dict(
        Attendance.objects.filter(member=member, meeting__in=[m.pk for m in recent]).values_list(
            "meeting_id", "status"
        )
    )
    labels = dict(Attendance._meta.get_field("status").choices)
    return [MeetingRow(m, str(labels.get(marks.get(m.pk), ""))) for m in recent], upcoming


def _open_cycles(user, member) -> list[OpenCycle]:
    """Cycles the member takes part in whose self-assessment window is open today. The
    database narrows to unlocked cycles that have begun; the window itself is the service's
    rule (``reviews.services.self_assessment_window``), not a second copy here."""
    cycles = [
        c
        for c in review_permissions.visible_cycles(user, ReviewCycle.objects.select_related("org"))
        .filter(locked_at__isnull=True, opens_on__lte=today())
        .order_by("-period_end", "-org__depth")
        if review_services.self_assessment_window(c) == CycleWindow.OPEN
    ]
    mine = {
        e.cycle_id: e
        for e in Evaluation.objects.filter(member=member, cycle__in=[c.pk for c in cycles])
    }
    return [OpenCycle(c, mine.get(c.pk)) for c in cycles]


def _streaks(years: dict[int, int]) -> list[dict]:
    if not years:
        return []
    until = max(years)
    return [
        {"label": label, "streak": review_queries.streak_of(years, rank, until)}
        for rank, label in ((1, "Xuất sắc / tiêu biểu"), (2, "Tốt / trong sạch, vững mạnh trở lên"))
    ]


def member_page(user, day: date) -> MemberPage | None:
    """The page's read model; None for a login without a member record. Opening it is a
    read of one's own sensitive fields: one audit entry (``members.own.own_file``)."""
    record = own_file(user)
    if record is None:
        return None
    member = record.member
    recent, upcoming = _meetings(member, member.org, day)
    results = list(
        Evaluation.objects.filter(member=member)
        .select_related("cycle__org", "final_level", "self_level", "org")
        .order_by("-cycle__year", "-cycle__period_end", "-id")
    )
    sent = oversight_queries.opinions_sent_by(member)
    return MemberPage(
        record=record,
        day=day,
        recent=recent,
        upcoming=upcoming,
        results=results,
        streaks=_streaks(review_queries.years_of(member=member)),
        open_cycles=_open_cycles(user, member),
        opinions=list(sent[:RECENT_OPINIONS]),
        opinion_total=sent.count(),
        committee=oversight_services.member_cell_committee(member.org),
        can_send=member.status in ACTIVE_STATUSES,
        privacy=privacy_queries.own_summary(user, member),
    )


def _render(request, page: MemberPage | None):
    return render_page(
        request,
        "home/member.html",
        {
            "page": page,
            "member": page.record.member if page else None,
            "opinion_form": MemberOpinionForm() if page and page.can_send else None,
            # the tasks naming the member (programs.responsibility): overdue first
            "my_tasks": responsibility.my_tasks(request.user, page.day) if page else None,
        },
    )


def member_home(request):
    """'/' for a member-only login: their page, or a word on the missing link."""
    return _render(request, member_page(request.user, parse_as_of(request).day))


@login_required
def mine(request):
    """``home:mine``: the same page for any login linked to a member record; 404 without."""
    page = member_page(request.user, parse_as_of(request).day)
    if page is None:
        raise Http404
    return _render(request, page)
