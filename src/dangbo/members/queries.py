"""Read side for members: search, Vietnamese order, timeline, party age, sensitive reads."""

from datetime import date

from django.db.models import Q, QuerySet

from dangbo.core import audit, scope
from dangbo.core.dates import today
from dangbo.core.text import fold

from . import rules
from .choices import NO_BADGE_STATUSES, Status
from .models import SENSITIVE_FIELDS, Member, MemberEvent

MAX_QUERY_LENGTH = 100


def search(queryset: QuerySet, text: str | None) -> QuerySet:
    """Accent-folding search on name (every word must appear), or an exact card/ID number."""
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return queryset
    digits = text.replace(" ", "")
    if digits.isdigit() and len(digits) in (8, 12):
        return queryset.filter(Q(card_number=digits) | Q(id_number=digits))
    for word in fold(text).split(" "):
        queryset = queryset.filter(search_name__contains=word)
    return queryset


def ordered(queryset: QuerySet) -> QuerySet:
    """Vietnamese alphabetical order by given name, then family and middle names."""
    return queryset.order_by("sort_key", "id")


def visible_members(user, action: str = scope.VIEW) -> QuerySet:
    return scope.restrict(Member.objects.select_related("org"), user, action)


def timeline(member: Member) -> list[MemberEvent]:
    return list(
        member.events.select_related("from_org", "to_org", "document").order_by(
            "effective_date", "id"
        )
    )


def interruptions(member: Member) -> list[tuple[date, date]]:
    return list(member.interruptions.values_list("interrupted_from", "interrupted_to"))


def summary(member: Member, as_of: date | None = None) -> dict:
    """Derived facts shown on the member page: probation end, party age, next badge, flags."""
    from django.conf import settings

    as_of = as_of or today()
    gaps = interruptions(member)
    recognised = member.official_recognition_date is not None
    awarded = list(member.badges.values_list("milestone", flat=True))
    probation_end = rules.probation_end(member.admission_ceremony_date)
    return {
        "probation_end": probation_end,
        "recognition_overdue": member.status == Status.PROBATIONARY
        and rules.recognition_overdue(
            member.admission_ceremony_date, as_of, settings.DANGBO["RECOGNITION_GRACE_DAYS"]
        ),
        "party_age": rules.party_age_years(
            member.admission_decision_date, as_of, gaps, recognised=recognised
        ),
        "badge_due": rules.badge_due(
            member.admission_decision_date,
            gaps,
            as_of=as_of,
            awarded=awarded,
            severe_illness=member.severe_illness,
            excluded_status=member.status in NO_BADGE_STATUSES,
        )
        if recognised and member.status != Status.DECEASED
        else None,
        "badges": sorted(awarded),
        "age": rules.months_between(member.date_of_birth, as_of) // 12,
    }


def sensitive_fields(user, member: Member, *, channel: str = "web") -> dict | None:
    """The sensitive fields if the user holds an explicit grant; each read is logged."""
    if not scope.can_view_sensitive(user, member):
        return None
    audit.record(
        actor=user,
        action="member.sensitive_read",
        obj=member,
        summary=f"Xem thông tin nhạy cảm của {member.full_name} ({channel})",
        after={"fields": list(SENSITIVE_FIELDS)},
    )
    return {name: getattr(member, name) for name in SENSITIVE_FIELDS}
