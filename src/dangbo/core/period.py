"""The period being looked at ("kỳ số liệu"): one date per session that every page computing
something "as of" a day reads instead of today.

A user picks it in the header (``includes/period.html``, posted to ``period``); a page's
``?ngay=`` overrides it for links and bookmarks and is kept for the next page. Without a
choice the period is ``settings.DANGBO["DEFAULT_DATE"]`` (``DANGBO_DEFAULT_DATE``, or the
date the demo wrote into its data directory), else today. Services that record facts keep
checking against the real today; the period is only what a page shows and a form proposes.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .dates import parse_day, today

SESSION_KEY = "dangbo_period"
TODAY = "today"  # stored when the user asked for today: it follows the calendar
EARLIEST_YEAR = 1930
_CACHE = "_dangbo_period"


@dataclass(frozen=True)
class Period:
    """The day a page answers for; ``is_today`` when that is the real today."""

    day: date
    is_today: bool

    @property
    def year(self) -> int:
        return self.day.year

    @property
    def past_day(self) -> date | None:
        """The period's day when it is before today: the initial date of a form recording
        something (a meeting, a visit, a decision) while looking at the past."""
        return None if self.is_today else self.day


def label() -> str:
    return _("Kỳ số liệu")


def _of(day: date) -> Period:
    current = today()
    day = min(day, current)
    return Period(day, day == current)


def default() -> Period:
    """The period when the session has none: the configured default date, else today."""
    configured = settings.DANGBO.get("DEFAULT_DATE")
    return _of(configured) if configured else _of(today())


def parse(raw: str) -> date:
    """The period typed by a person: a date from 1930 to today; a ``ValidationError`` naming
    "Kỳ số liệu" otherwise."""
    text = (raw or "").strip()[:30]
    if not text:
        raise ValidationError(_("%(f)s: chưa nhập ngày.") % {"f": label()}, code="required")
    day = parse_day(text, label())  # the one reader of typed dates (31/12/16, 31.12.2016…)
    current = today()
    if day.year < EARLIEST_YEAR or day > current:
        raise ValidationError(
            _("%(f)s: %(d)s nằm ngoài khoảng từ 01/01/%(y)s đến hôm nay (%(t)s).")
            % {
                "f": label(),
                "d": f"{day:%d/%m/%Y}",
                "y": EARLIEST_YEAR,
                "t": f"{current:%d/%m/%Y}",
            },
            code="invalid",
        )
    return day


def _stored(request) -> Period | None:
    session = getattr(request, "session", None)
    value = session.get(SESSION_KEY) if session is not None else None
    if value == TODAY:
        return _of(today())
    if isinstance(value, str):
        try:
            return _of(date.fromisoformat(value))
        except ValueError:
            return None
    return None


def current(request) -> Period:
    """The request's period: chosen in this session (or by this page's ``?ngay=``), else the
    default. Computed once per request."""
    cached = getattr(request, _CACHE, None)
    if cached is None:
        cached = _stored(request) or default()
        setattr(request, _CACHE, cached)
    return cached


def choose(request, day: date | None) -> Period:
    """Keep ``day`` as the session's period (None: today, following the calendar). The
    session is written only when the value changes."""
    value = TODAY if day is None or day >= today() else day.isoformat()
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) != value:
        session[SESSION_KEY] = value
    chosen = _of(today() if day is None else day)
    setattr(request, _CACHE, chosen)
    return chosen


def context(request) -> dict:
    """Template context processor: ``period`` on every page of a logged-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"period": current(request)}


# The dates on which a recorded change takes effect: while the user looks at a past period,
# a form proposes the period's day for them (a birth date or a document's date never).
EFFECTIVE_DATES = frozenset(
    {"effective_date", "valid_from", "valid_to", "recognition_date", "end_date", "on"}
)


def propose(request, form, names=EFFECTIVE_DATES):
    """Give an unbound form's effective-date fields the period's day as their initial value
    when the period is in the past (today's forms keep their own defaults). The services
    still refuse a date after the real today."""
    day = current(request).past_day
    if day is None or form is None or form.is_bound:
        return form
    for name in names:
        if name in form.fields and form.initial.get(name) in (None, ""):
            form.initial[name] = f"{day:%d/%m/%Y}"
    return form
