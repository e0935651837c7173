"""Read side for members: search, Vietnamese order, timeline, party age, sensitive reads."""

from datetime import date

from django.db import connection, connections, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Collate

from dangbo.core import audit, scope
from dangbo.core.dates import today
from dangbo.core.text import fold, strip_control

from . import rules
from .choices import ACTIVE_STATUSES, NO_BADGE_STATUSES, ExemptionCategory, MemberAudit, Status
from .models import SENSITIVE_FIELDS, Member, MemberEvent

MAX_QUERY_LENGTH = 100
RARE = 2000  # at most this many matches: fetched by id and sorted


def search(queryset: QuerySet, text: str | None, user=None) -> QuerySet:
    """Accent-folding search on name (every word must appear), or an exact card number, or
    an ID number — the last only where ``user`` may read sensitive data, and logged."""
    text = strip_control(text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return queryset
    digits = text.replace(" ", "")
    if digits.isdigit() and len(digits) in (8, 12):
        by_number = Q(card_number=digits)
        allowed = scope.sensitive_q(user, "org__") if user is not None else Q(pk__in=[])
        if len(digits) == 12 and allowed != Q(pk__in=[]):
            by_number |= Q(id_number=digits) if allowed is None else Q(id_number=digits) & allowed
            grant = scope.covering_grant(user, scope.SENSITIVE)
            audit.record(
                actor=user,
                scope_org=grant.org if grant else None,  # seen by the searcher's auditors
                action=MemberAudit.SENSITIVE_SEARCH,
                object_type="members.member",
                object_id="search",
                summary="Tra cứu đảng viên theo số CCCD",
            )
        return queryset.filter(by_number)
    words = fold(text).split(" ")
    if connection.vendor != "postgresql":
        for word in words:
            queryset = queryset.filter(search_name__contains=word)
        return queryset
    # PostgreSQL: the trigram index finds a rare name's few rows at once, but for a common
    # one ("nguyen van": a million rows) it makes the planner sort them all. So probe first:
    # few matches are fetched by id; many are read in name order, where the first page of
    # matches comes early.
    matching = Q()
    for word in words:
        matching &= Q(search_name__contains=word)
    probe = list(queryset.filter(matching).order_by().values_list("pk", flat=True)[: RARE + 1])
    if len(probe) <= RARE:
        return queryset.filter(pk__in=probe)
    queryset = queryset.filter(matching)
    queryset.__class__ = _WalkInOrder
    return queryset


class _WalkInOrder(QuerySet):
    """A common name: read the rows in name order (the ICU index) and stop after a page.
    The planner would rather gather every match through the trigram index and sort them
    all — seconds for "nguyen van" — so bitmap scans are switched off for these queries."""

    def _planned(self, run, *switched_off: str):
        with transaction.atomic(using=self.db):
            with connections[self.db].cursor() as cur:
                for setting in switched_off:
                    cur.execute(f"SET LOCAL {setting} = off")
            return run()

    def _fetch_all(self):
        if self._result_cache is None:
            self._planned(super()._fetch_all, "enable_bitmapscan")

    def count(self):
        # A (capped) count wants a plain scan that stops at the cap, not an index walk
        # from "a" to "nguyen".
        if self._result_cache is not None:
            return len(self._result_cache)
        return self._planned(
            super().count, "enable_bitmapscan", "enable_indexscan", "enable_indexonlyscan"
        )


ICU_VI = "vi-VN-x-icu"


def ordered(queryset: QuerySet) -> QuerySet:
    """Vietnamese alphabetical order by given name, then family and middle names: PostgreSQL's
    ICU collation on the name's parts (an index serves it), our equivalent key on SQLite."""
    if connection.vendor == "postgresql":
        return queryset.order_by(
            Collate("given_name", ICU_VI),
            Collate("family_name", ICU_VI),
            Collate("middle_name", ICU_VI),
            "id",
        )
    return queryset.order_by("sort_key", "id")


def visible_members(user, action: scope.Permission = scope.VIEW) -> QuerySet:
    return scope.restrict(Member.objects.select_related("org"), user, action)


HIDDEN = "thông tin nhạy cảm"


def timeline(member: Member, *, sensitive: bool = False) -> list[MemberEvent]:
    """The member's events; without a sensitive grant, what would reveal health (an exemption
    for poor health, an early badge, which sensitive fields changed) is masked."""
    events = list(
        member.events.select_related("from_org", "to_org", "document").order_by(
            "effective_date", "id"
        )
    )
    if not sensitive:
        for event in events:
            event.data = redact(event.data)
    return events


def redact(data: dict) -> dict:
    data = dict(data or {})
    if data.get("category") == ExemptionCategory.HEALTH:
        data["category"] = ExemptionCategory.OTHER
    if "early" in data:
        data["early"] = False
    if "fields" in data:
        data["fields"] = sorted({HIDDEN if f in SENSITIVE_FIELDS else f for f in data["fields"]})
    return data


def exemptions(member: Member, *, sensitive: bool = False) -> list:
    rows = list(member.exemptions.order_by("valid_from", "id"))
    if not sensitive:
        for row in rows:
            if row.category == ExemptionCategory.HEALTH:
                row.category = ExemptionCategory.OTHER
    return rows


def badges(member: Member, *, sensitive: bool = False) -> list:
    rows = list(member.badges.order_by("milestone"))
    if not sensitive:
        for row in rows:
            row.early = False
    return rows


def interruptions(member: Member) -> list[tuple[date, date]]:
    return list(member.interruptions.values_list("interrupted_from", "interrupted_to"))


def summary(member: Member, as_of: date | None = None, *, sensitive: bool = False) -> dict:
    """Derived facts shown on the member page: probation end, party age, next badge, flags.

    Health (the early-badge window) counts only for a reader with a sensitive grant; for a
    member who has left, ages stop at the exit date.
    """
    from django.conf import settings

    as_of = as_of or today()
    if member.exit_date is not None:
        as_of = min(as_of, member.exit_date)
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
            severe_illness=member.severe_illness and sensitive,
            excluded_status=member.status in NO_BADGE_STATUSES,
        )
        if recognised and member.status in ACTIVE_STATUSES
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
        action=MemberAudit.SENSITIVE_READ,
        obj=member,
        summary=f"Xem thông tin nhạy cảm của {member.full_name} ({channel})",
        after={"fields": list(SENSITIVE_FIELDS)},
    )
    return {name: getattr(member, name) for name in SENSITIVE_FIELDS}
