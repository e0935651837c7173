"""The home page: what the user has to do, by role. A user holding several roles sees the
section of each; a member's own page is ``member.member_home``. Every count links to the list
it counts, with the filter applied."""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dangbo.core import cache, scope
from dangbo.core.choices import Role
from dangbo.core.views import page_of, parse_as_of, render_page
from dangbo.imports.models import JobState
from dangbo.imports.queries import jobs_of
from dangbo.meetings import queries as meeting_queries
from dangbo.meetings.choices import MeetingKind
from dangbo.members import queries as member_queries
from dangbo.orgs.choices import CELL_KINDS
from dangbo.orgs.lookups import page_org, scope_roots
from dangbo.orgs.models import Organisation
from dangbo.oversight import charts as oversight_charts
from dangbo.oversight import queries as oversight_queries
from dangbo.oversight.choices import TargetPeriod
from dangbo.programs import responsibility
from dangbo.registry import queries as registry_queries

from .member import member_home
from .nav import direction_links

STAFF_ROLES = (Role.ADMIN, Role.ORG_STAFF)
WAITING_JOBS = (JobState.QUEUED, JobState.RUNNING, JobState.PREVIEWED, JobState.INTERRUPTED)
MAX_SECTIONS = 5  # organisations per role shown on the home page; the menu reaches the rest


@dataclass(frozen=True)
class Figure:
    """One count and the list it counts."""

    label: str
    count: int
    url: str
    alarm: bool = False  # something to act on (shown in the warning colour when > 0)


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class Section:
    role: str  # staff, committee, secretary, auditor
    title: str
    org: Organisation | None = None
    figures: list[Figure] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    meeting: dict | None = None  # the secretary's cell: last meeting, this month's, record
    charts: list["ChartSpec"] = field(default_factory=list)  # drawn by {% chart %}


@dataclass(frozen=True)
class ChartSpec:
    """A chart of the section (core.charts): its provider's name and parameters."""

    name: str
    params: dict


def _url(name: str, *args, **params) -> str:
    url = reverse(name, args=args)
    return url + "?" + urlencode(params) if params else url


def _orgs_of(user, roles) -> list[Organisation]:
    """The organisations of the user's grants of ``roles`` (top ones first, no repeats; a
    superuser's: the top of the tree)."""
    if getattr(user, "is_superuser", False) and Role.ADMIN in roles:
        return scope_roots(user)[:MAX_SECTIONS]
    seen: dict[int, Organisation] = {}
    for grant in scope.active_grants(user):
        if grant.role in roles:
            if grant.org is None:
                return scope_roots(user)[:MAX_SECTIONS]
            seen.setdefault(grant.org.pk, grant.org)
    orgs = sorted(seen.values(), key=lambda o: o.path)
    tops = [
        o for o in orgs if not any(p is not o and p.path <= o.path < p.subtree_upper for p in orgs)
    ]
    return tops[:MAX_SECTIONS]


def _roles(user) -> set[str]:
    roles = {g.role for g in scope.active_grants(user)}
    if getattr(user, "is_superuser", False):
        roles.add(Role.ADMIN)
    return roles


def _staff(org: Organisation, day: date) -> Section:
    """The office's figures over its subtree, cached until the next change: over a whole
    country they are seconds of counting (issue 17). They depend on the organisation and
    the day only (no viewer), and on the language of their labels."""
    return cache.versioned(
        ("home-staff", org.pk, org.path, day.isoformat(), get_language()),
        lambda: _staff_figures(org, day),
    )


def _staff_figures(org: Organisation, day: date) -> Section:
    code = org.code
    compliance = meeting_queries.compliance(org, day)
    return Section(
        "staff",
        _("Công tác tổ chức"),
        org,
        [
            Figure(
                _("Đảng viên dự bị quá hạn xét công nhận chính thức"),
                registry_queries.overdue_probationers(org, day).count(),
                _url("home:due", "cong-nhan", **{"to-chuc": code}),
                alarm=True,
            ),
            # Official members whose recognition date is not known (an imported roll):
            # completed on their page, never counted as probationary.
            Figure(
                _("Đảng viên chính thức thiếu ngày công nhận chính thức"),
                member_queries.recognition_missing(org).count(),
                _url("members:list", **{"to-chuc": code, "thieu": "chinh-thuc"}),
                alarm=True,
            ),
            Figure(
                _("Đảng viên đến hạn xét tặng Huy hiệu Đảng"),
                registry_queries.badges_due_count(org, day),
                _url("home:due", "huy-hieu", **{"to-chuc": code}),
            ),
            Figure(
                _("Chi bộ thiếu buổi sinh hoạt thường kỳ trong năm %(y)s") % {"y": day.year},
                compliance.missing_regular_total,
                _url("meetings:compliance", **{"to-chuc": code}),
                alarm=True,
            ),
        ],
        charts=[
            ChartSpec("registry.age", {"org": org, "day": day}),
            ChartSpec("reviews.levels", {"org": org, "year": day.year}),
            ChartSpec("oversight.topics", {"org": org, "day": day}),
            ChartSpec("meetings.heatmap", {"org": org, "year": day.year}),
        ],
    )


def _committee(request, org: Organisation, day: date, member) -> Section:
    code = org.code
    figures = []
    if member is not None:
        mine = oversight_queries.my_organisations(member, day)
        figures.append(
            Figure(
                _("Tổ chức tôi được phân công phụ trách"),
                len(mine.assignments),
                reverse("oversight:mine"),
            )
        )
    rows = oversight_queries.targets(org, day.year, day)
    quarter = (day.month - 1) // 3 + 1
    now = []
    for row in rows:
        index = 0 if row.assignment.target_period == TargetPeriod.YEAR else quarter - 1
        cell = row.cells[index]
        if cell.state:
            now.append(cell)
    targets_url = _url("oversight:targets", **{"to-chuc": code, "nam": day.year})
    figures += [
        Figure(_("Chỉ tiêu dự sinh hoạt quý %(q)s") % {"q": quarter}, len(now), targets_url),
        Figure(
            _("Chỉ tiêu quý %(q)s chưa đạt") % {"q": quarter},
            sum(1 for c in now if c.state in ("open", "missed")),
            targets_url,
            alarm=True,
        ),
    ]
    board = oversight_charts.board(request, org, day)  # shared with the charts
    figures += [
        Figure(
            _("Ý kiến đang theo dõi"),
            board.open_total,
            _url("oversight:opinions", **{"to-chuc": code}),
        ),
        Figure(
            _("Ý kiến quá hạn xử lý"),
            board.overdue_total,
            _url("oversight:opinions", **{"to-chuc": code, "qua-han": 1}),
            alarm=True,
        ),
    ]
    links = [
        Link(_("Phân công phụ trách của cấp ủy"), _url("oversight:coverage", **{"to-chuc": code})),
        Link(_("Tổ công tác"), _url("oversight:groups", **{"to-chuc": code})),
    ]
    charts = [
        ChartSpec("oversight.targets", {"org": org, "year": day.year}),
        ChartSpec("oversight.topics", {"org": org, "day": day}),
    ]
    return Section("committee", _("Cấp ủy viên"), org, figures, links, charts=charts)


def _secretary(request, cell: Organisation, day: date) -> Section:
    meetings = meeting_queries.meetings_of(cell).filter(date__lte=day)
    last = meetings.first()
    this_month = meetings.filter(
        kind=MeetingKind.REGULAR, date__year=day.year, date__month=day.month
    ).first()
    figures = []
    if last is not None:
        figures.append(
            Figure(
                _("Đảng viên chưa điểm danh trong buổi %(d)s") % {"d": f"{last.date:%d/%m/%Y}"},
                meeting_queries.members_to_mark(last),
                reverse("meetings:attendance", args=[last.pk]),
                alarm=True,
            )
        )
    board = oversight_charts.board(request, cell, day)  # shared with the chart
    figures.append(
        Figure(
            _("Ý kiến của chi bộ đang theo dõi"),
            board.open_total,
            _url("oversight:opinions", **{"to-chuc": cell.code}),
        )
    )
    return Section(
        "secretary",
        _("Bí thư chi bộ"),
        cell,
        figures,
        links=[Link(_("Các buổi sinh hoạt"), reverse("meetings:cell", args=[cell.code]))],
        meeting={
            "last": last,
            "this_month": this_month,
            "month": f"{day:%m/%Y}",
            "record": reverse("meetings:create", args=[cell.code]),
        },
        charts=[
            ChartSpec("meetings.heatmap", {"org": cell, "year": day.year}),
            ChartSpec("oversight.topics", {"org": cell, "day": day}),
        ],
    )


def _auditor(org: Organisation) -> Section:
    code = org.code
    return Section(
        "auditor",
        _("Kiểm tra"),
        org,
        links=[
            Link(_("Nhật ký hoạt động"), reverse("core:audit")),
            Link(_("Thông tin tổ chức"), reverse("orgs:detail", args=[code])),
            Link(_("Danh sách đảng viên"), _url("members:list", **{"to-chuc": code})),
            Link(_("Tình hình sinh hoạt chi bộ"), _url("meetings:compliance", **{"to-chuc": code})),
            Link(_("Ý kiến"), _url("oversight:opinions", **{"to-chuc": code})),
            Link(_("Đánh giá, xếp loại"), _url("reviews:cycles", **{"to-chuc": code})),
        ],
    )


@login_required
def index(request):
    """'/': the page of what the user has to do; a member-only login gets their own page."""
    user = request.user
    roles = _roles(user)
    if roles == {Role.MEMBER}:
        return member_home(request)
    day = parse_as_of(request).day
    # A login linked to a member record (a secretary is a member too) also has "Trang của tôi".
    own = getattr(user, "member", None)
    sections: list[Section] = []
    for org in _orgs_of(user, STAFF_ROLES):
        sections.append(_staff(org, day))
    for org in _orgs_of(user, (Role.COMMITTEE_MEMBER,)):
        sections.append(_committee(request, org, day, own))
    for org in _orgs_of(user, (Role.CELL_SECRETARY,)):
        if org.kind in CELL_KINDS:
            sections.append(_secretary(request, org, day))
    for org in _orgs_of(user, (Role.AUDITOR,)):
        sections.append(_auditor(org))
    waiting = (
        jobs_of(user).filter(state__in=WAITING_JOBS).count()
        if scope.has_any(user, scope.CHANGE)
        else None
    )
    return render_page(
        request,
        "home/index.html",
        {
            "sections": sections,
            "day": day,
            "imports_waiting": waiting,
            "can_manage_users": scope.has_any(user, scope.MANAGE_USERS),
            "is_member": own is not None,
            # tasks the user's member record or their staff organisations lead
            "my_tasks": responsibility.my_tasks(user, day),
            "direction": direction_links(user),
        },
    )


DUE_LISTS = {
    "cong-nhan": _("Đảng viên dự bị quá hạn xét công nhận chính thức"),
    "huy-hieu": _("Đảng viên đến hạn xét tặng Huy hiệu Đảng"),
}


@login_required
def direction(request):
    """'Lãnh đạo, chỉ đạo': the areas of issue 14 (documents, programs, indicators, new-rural
    criteria, partner bodies, who answers for what) in one place, so the menu bar keeps one
    item for them."""
    links = direction_links(request.user)
    if not links:
        raise Http404
    return render_page(request, "home/direction.html", {"links": links})


@login_required
def due(request, kind: str):
    """A list the home page counts, for one organisation's subtree: probationers overdue for
    recognition (rule 8) or members whose Party badge is due (rule 10)."""
    if kind not in DUE_LISTS:
        raise Http404
    user = request.user
    org = page_org(user, request.GET.get("to-chuc"))
    day = parse_as_of(request).day
    if kind == "cong-nhan":
        rows = registry_queries.overdue_probationers(org, day)
    else:
        rows = registry_queries.badges_due(org, day)
    return render_page(
        request,
        "home/due.html",
        {
            "org": org,
            "kind": kind,
            "title": DUE_LISTS[kind],
            "page": page_of(request, rows),
            "day": day,
        },
    )
