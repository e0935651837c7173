"""Charts of an organisation's members (core.charts): by age band and sex, by party age.

Also the parameter helpers every app's chart providers share: a chart names its organisation
by code (``org``), its year (``year``) and day (``day``); a provider answers None — a 404 for
the picture, nothing on the page — when the organisation is out of the viewer's scope or a
parameter is not valid, so a chart never counts what its viewer may not see.
"""

from collections.abc import Callable
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from dangbo.core import cache, charts, scope
from dangbo.core.dates import today
from dangbo.members.choices import ACTIVE_STATUSES, Gender, MembershipKind
from dangbo.members.models import Member, Membership
from dangbo.orgs.models import Organisation
from dangbo.orgs.queries import active_q, org_by_code, subtree_filter

AGE_BANDS = ((18, 30), (31, 40), (41, 50), (51, 60), (61, 70), (71, None))
PARTY_AGE_BANDS = ((0, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, None))


def chart_org(request, value) -> Organisation | None:
    """The organisation a chart is about, if the viewer sees all of it."""
    if request is None:  # a template rendered without a request shows no chart
        return None
    user = request.user
    if isinstance(value, Organisation):
        return value if scope.covers(user, scope.VIEW, value) else None
    if not value:
        return None
    return org_by_code(user, str(value), scope.VIEW)


def chart_year(value, default: int | None = None) -> int | None:
    if value in (None, ""):
        return default if default is not None else today().year
    try:
        year = int(str(value))
    except ValueError:
        return None
    return year if 1930 <= year <= 2200 else None


def chart_day(value) -> date | None:
    """``day`` as a date or ISO text; none given: today."""
    if isinstance(value, date):
        return value
    if value in (None, ""):
        return today()
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _years_ago(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _band_label(low: int, high: int | None, unit: str) -> str:
    if high is None:
        return _("Từ %(n)s %(u)s") % {"n": low, "u": unit}
    if low == 0:
        return _("Dưới %(n)s %(u)s") % {"n": high + 1, "u": unit}
    return _("%(a)s–%(b)s %(u)s") % {"a": low, "b": high, "u": unit}


def _band_q(field: str, day: date, low: int, high: int | None) -> Q:
    """Born (admitted) so that on ``day`` the age in whole years is within [low, high]."""
    q = Q(**{f"{field}__lte": _years_ago(day, low)})
    if high is not None:
        q &= Q(**{f"{field}__gt": _years_ago(day, high + 1)})
    return q


def _members_on(org: Organisation, day: date):
    """Official memberships in the subtree active on ``day`` (the counting of org_stats)."""
    return Membership.objects.filter(
        subtree_filter(org, day, "org__"), active_q(day), kind=MembershipKind.OFFICIAL
    ).filter(Q(member__exit_date__isnull=True) | Q(member__exit_date__gt=day))


def _counted(name: str, org: Organisation, on: date, bands: Callable[[str], dict]) -> dict:
    """How many members fall in each band (``bands(prefix)``: a Q per band, over the member's
    fields reached through ``prefix``), cached until
    the next change. Today's members are the register's own rows (the source of the
    organisation's figures: one pass, no DISTINCT); an earlier day's come from the
    membership intervals. Over a province that was 1–2 s on PostgreSQL per view (issue 17)."""

    def count() -> dict:
        if on >= today():
            members = Member.objects.filter(org.subtree_q("org__"), status__in=ACTIVE_STATUSES)
            # Counting a column of the (org, status) index keeps the scan index-only.
            return members.aggregate(**{k: Count("status", filter=q) for k, q in bands("").items()})
        return _members_on(org, on).aggregate(
            **{k: Count("member_id", filter=q, distinct=True) for k, q in bands("member__").items()}
        )

    return cache.versioned(("chart", name, org.pk, org.path, on.isoformat()), count)


def members_by_age(request, org=None, day=None, **_ignored) -> charts.Chart | None:
    found, on = chart_org(request, org), chart_day(day)
    if found is None or on is None:
        return None

    def bands(prefix: str) -> dict[str, Q]:
        return {
            f"b{i}{sex}": _band_q(f"{prefix}date_of_birth", on, low, high)
            & Q(**{f"{prefix}gender": sex})
            for i, (low, high) in enumerate(AGE_BANDS)
            for sex in (Gender.MALE, Gender.FEMALE)
        }

    row = _counted("age", found, on, bands)
    years = _("tuổi")
    return charts.Chart(
        charts.BAR,
        _("Đảng viên theo độ tuổi và giới tính"),
        _("%(org)s, ngày %(d)s: số đảng viên theo nhóm tuổi, nam và nữ.")
        % {"org": found.name, "d": f"{on:%d/%m/%Y}"},
        tuple(_band_label(lo, hi, years) for lo, hi in AGE_BANDS),
        (
            charts.series(_("Nam"), [row[f"b{i}M"] for i in range(len(AGE_BANDS))]),
            charts.series(_("Nữ"), [row[f"b{i}F"] for i in range(len(AGE_BANDS))]),
        ),
        unit=_("đảng viên"),
    )


def members_by_party_age(request, org=None, day=None, **_ignored) -> charts.Chart | None:
    found, on = chart_org(request, org), chart_day(day)
    if found is None or on is None:
        return None

    def bands(prefix: str) -> dict[str, Q]:
        return {
            f"b{i}": _band_q(f"{prefix}admission_decision_date", on, lo, hi)
            for i, (lo, hi) in enumerate(PARTY_AGE_BANDS)
        }

    row = _counted("party-age", found, on, bands)
    return charts.Chart(
        charts.BAR,
        _("Đảng viên theo tuổi đảng"),
        _("%(org)s, ngày %(d)s: số đảng viên theo số năm kể từ ngày kết nạp.")
        % {"org": found.name, "d": f"{on:%d/%m/%Y}"},
        tuple(_band_label(lo, hi, _("năm")) for lo, hi in PARTY_AGE_BANDS),
        (charts.series(_("Đảng viên"), [row[f"b{i}"] for i in range(len(PARTY_AGE_BANDS))]),),
        unit=_("đảng viên"),
    )


def register() -> None:
    charts.register("registry.age", members_by_age)
    charts.register("registry.party-age", members_by_party_age)
