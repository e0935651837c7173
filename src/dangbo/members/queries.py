"""Read side for members: search, Vietnamese order, timeline, party age, sensitive reads."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Collate
from django.db.models.query import ModelIterable

from dangbo.core import audit, scope
from dangbo.core import search as rule
from dangbo.core.dates import today
from dangbo.core.modelfields import label_of
from dangbo.core.models import AuditEntry
from dangbo.core.text import compact_digits, strip_control
from dangbo.orgs.models import Organisation

from . import aggregates, rules
from .choices import (
    ACTIVE_STATUSES,
    NO_BADGE_STATUSES,
    EventKind,
    ExemptionCategory,
    MemberAudit,
    Status,
)
from .models import SENSITIVE_FIELDS, BadgeAward, Member, PartyAgeInterruption

MAX_QUERY_LENGTH = 100
RARE = 2000  # at most this many matches: fetched by id and sorted


def search(queryset: QuerySet, text: str | None, user=None, *, prefix: bool = False) -> QuerySet:
    """Search by name under ``core.search``'s rule (whole words, accents folded, a typed
    accent and the exact full name ranked first: ``ordered`` puts them first), or an exact
    card number, or an ID number — the last only where ``user`` may read sensitive data, and
    logged."""
    text = strip_control(text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return queryset
    digits = search_digits(text)
    if digits:
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
    t = rule.terms(text, prefix=prefix)
    if t is None:
        return queryset
    if connection.vendor != "postgresql":
        # SQLite: the name words' full-text index (migration 0015) finds a rare name's few
        # members at once; a common name is read in full as before.
        few = _sqlite_word_matches(t)
        if few is not None:
            queryset = queryset.filter(pk__in=few)
        return rule.ranked(queryset.filter(rule.name_q(t)), t)
    queryset, matching = rule.words_q(t, queryset)
    # PostgreSQL: the trigram index finds a rare name's few rows at once, but for a common
    # one ("nguyen van": a million rows) it makes the planner sort them all. So probe first:
    # few matches are fetched by id and ranked; many are read in name order, where the first
    # page of matches comes early (a ranking would sort them all again).
    probe = list(queryset.filter(matching).order_by().values_list("pk", flat=True)[: RARE + 1])
    if len(probe) <= RARE:
        return rule.ranked(queryset.filter(pk__in=probe), t)
    queryset = queryset.filter(matching)
    queryset.__class__ = _WalkInOrder
    return queryset


WORDS_TABLE = aggregates.WORDS


def _sqlite_word_matches(t) -> list[int] | None:
    """Ids of the members whose folded name has the typed words (FTS5), when there are at
    most ``RARE``; None when there are more, or the index is not there (a SQLite built
    without FTS5) or cannot read the query: the caller then reads the names."""
    if not t.words:
        return None
    try:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT rowid FROM {WORDS_TABLE} WHERE {WORDS_TABLE} MATCH %s LIMIT %s",  # noqa: S608
                [rule.fts_query(t), RARE + 1],
            )
            ids = [row[0] for row in cur.fetchall()]
    except DatabaseError:
        return None
    return ids if len(ids) <= RARE else None


_NUMBER_SEPARATORS = str.maketrans("", "", "-/_,")


def search_digits(text: str | None) -> str:
    """A card (8 digits) or ID (12 digits) number as people type or copy it — "83.016532",
    "83 016532", "8301 6532", "83-016532", digits of any script — compacted to its digits, as
    the record stores it (``core.text.compact_digits``, the service's own normaliser); a
    leading zero a spreadsheet dropped (7 or 11 digits) is put back. "" for anything else."""
    digits = compact_digits(strip_control(text or "")).translate(_NUMBER_SEPARATORS)
    if not (digits.isascii() and digits.isdigit()):
        return ""
    if len(digits) in (7, 11):
        digits = "0" + digits
    return digits if len(digits) in (8, 12) else ""


def official_on_q(as_of: date, prefix: str = "") -> Q:
    """Members official on ``as_of`` (``rules.official_on`` in SQL; ``prefix`` reaches the
    member from another model, "member__"): recognised by then, or official with the
    recognition date unknown once their probation was over — never probationary then."""
    return Q(**{f"{prefix}official_recognition_date__lte": as_of}) | Q(
        **{
            f"{prefix}official_recognition_date__isnull": True,
            f"{prefix}recognition_unknown": True,
            f"{prefix}admission_ceremony_date__lte": rules.probation_over_cutoff(as_of),
        }
    )


def recognition_missing_q(prefix: str = "") -> Q:
    """Official members whose recognition date is not known: listed for completion."""
    return Q(
        **{
            f"{prefix}status": Status.OFFICIAL,
            f"{prefix}recognition_unknown": True,
            f"{prefix}official_recognition_date__isnull": True,
        }
    )


def recognition_missing(org: Organisation) -> QuerySet:
    """The official members of ``org``'s subtree whose recognition date is to be completed
    (the home page's count, the list's "thiếu" filter)."""
    return Member.objects.filter(org.subtree_q("org__"), recognition_missing_q())


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
        if self._result_cache is not None:
            return
        if self._iterable_class is not ModelIterable or not self.query.is_sliced:
            self._planned(super()._fetch_all, "enable_bitmapscan")
            return
        # The page's ids first, by an index-only walk (the name index carries the status and
        # the folded name: migration members 0011), then those few rows whole.
        ids = self._planned(lambda: list(self.values_list("pk", flat=True)), "enable_bitmapscan")
        rows = self._chain()
        rows.__class__ = QuerySet
        rows.query.clear_limits()
        rows.query.clear_ordering(force=True)
        found = {row.pk: row for row in rows.filter(pk__in=ids)}
        self._result_cache = [found[pk] for pk in ids if pk in found]
        if self._prefetch_related_lookups and not self._prefetch_done:
            self._prefetch_related_objects()

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
    ICU collation on the name's parts (an index serves it), our equivalent key on SQLite;
    after a name search, its best matches first (``core.search.RANK_ORDER``)."""
    first = rule.RANK_ORDER if "rank_exact" in queryset.query.annotations else ()
    if connection.vendor == "postgresql":
        return queryset.order_by(
            *first,
            Collate("given_name", ICU_VI),
            Collate("family_name", ICU_VI),
            Collate("middle_name", ICU_VI),
            "id",
        )
    return queryset.order_by(*first, "sort_key", "id")


def visible_members(user, action: scope.Permission = scope.VIEW) -> QuerySet:
    return scope.restrict(Member.objects.select_related("org"), user, action)


PICK_LIMIT = 10


@dataclass(frozen=True)
class Pick:
    """One member offered by the type-ahead: ``label`` is what a person may type back to
    name them again (name and cell), ``detail`` where they belong (cell, its superior)."""

    value: str
    name: str
    label: str
    detail: str


def pick_label(member: Member) -> str:
    return f"{member.full_name} ({member.org.name})"


def picks(
    user,
    text: str | None,
    *,
    action: scope.Permission = scope.VIEW,
    everyone: bool = False,
    limit: int = PICK_LIMIT,
) -> list[Pick]:
    """At most ``limit`` members ``user`` may reach, best matches first (``core.search``),
    active members only unless ``everyone``; one query for the page of answers."""
    if rule.terms(text) is None:
        return []
    qs = scope.restrict(Member.objects.select_related("org__parent"), user, action)
    if not everyone:
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    found = ordered(search(qs, text, None, prefix=True))[:limit]
    return [
        Pick(
            value=f"{pick_label(m)} #{m.pk}",
            name=m.full_name,
            label=pick_label(m),
            detail=" — ".join(
                n for n in (m.org.name, m.org.parent.name if m.org.parent else "") if n
            ),
        )
        for m in found
    ]


HIDDEN = "thông tin nhạy cảm"


@dataclass(frozen=True)
class TimelineEntry:
    """One event of a member's timeline as its reader may see it (``data`` redacted for a
    reader without the sensitive grant); the stored event is never altered."""

    id: int
    kind: str
    kind_label: str
    effective_date: date
    from_org: Organisation | None
    to_org: Organisation | None
    status_after: str
    decision_ref: str
    note: str
    data: dict[str, Any]
    recorded_at: datetime

    @property
    def from_code(self) -> str | None:
        return self.from_org.code if self.from_org is not None else None

    @property
    def to_code(self) -> str | None:
        return self.to_org.code if self.to_org is not None else None

    @property
    def is_admission(self) -> bool:
        return self.kind == EventKind.ADMITTED


def timeline(member: Member, *, sensitive: bool = False) -> list[TimelineEntry]:
    """The member's events; without a sensitive grant, what would reveal health (an exemption
    for poor health, an early badge, which sensitive fields changed) is masked."""
    events = member.events.select_related("from_org", "to_org").order_by("effective_date", "id")
    return [
        TimelineEntry(
            id=event.pk,
            kind=event.kind,
            kind_label=str(event.get_kind_display()),
            effective_date=event.effective_date,
            from_org=event.from_org,
            to_org=event.to_org,
            status_after=event.status_after,
            decision_ref=event.decision_ref,
            note=event.note,
            data=_unsealed_data(event.data) if sensitive else redact(event.data),
            recorded_at=event.recorded_at,
        )
        for event in events
    ]


def _unsealed_data(data: dict) -> dict:
    """The token of sealed values is no use to a reader: ``sealed_history`` opens it."""
    data = dict(data or {})
    data.pop("sealed", None)
    return data


@dataclass(frozen=True)
class SealedChange:
    """One sensitive value's change as recorded (audit entry or import event), opened."""

    at: Any
    source: str  # "audit #12" or "nhập tệp #3"
    field: str
    label: str
    before: Any
    after: Any


def sealed_history(
    user, member: Member, *, channel: str = "web", log: bool = True
) -> list[SealedChange] | None:
    """The sensitive values a change replaced, from the audit log's sealed values and the
    imports' sealed events: None unless the reader holds the sensitive grant over the
    member's organisation. Reading them (when there are any) is logged like other sensitive
    reads; ``log=False`` when the caller's own read entry names them (``member_file``)."""
    if not scope.can_view_sensitive(user, member):
        return None
    changes: list[SealedChange] = []
    entries = AuditEntry.objects.filter(
        object_type=member._meta.label_lower, object_id=str(member.pk), sealed__isnull=False
    ).order_by("-id")[:50]
    for entry in entries:
        for name, pair in sorted((audit.unseal(entry) or {}).items()):
            changes.append(_sealed_change(entry.at, f"nhật ký #{entry.pk}", name, pair))
    for event in member.events.filter(kind=EventKind.UPDATED).order_by("-id")[:50]:
        opened = audit.open_seal((event.data or {}).get("sealed"))
        for name, pair in sorted((opened or {}).items()):
            job = (event.data or {}).get("import_job")
            changes.append(_sealed_change(event.recorded_at, f"nhập tệp #{job}", name, pair))
    if changes and log:
        audit.record(
            actor=user,
            action=MemberAudit.SENSITIVE_READ,
            obj=member,
            summary=f"Xem giá trị nhạy cảm cũ trong nhật ký của {member.full_name} ({channel})",
            after={"sealed_values": len(changes)},
        )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes


def _sealed_change(at, source: str, name: str, pair) -> SealedChange:
    before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, None)
    label = label_of(Member, name) if name in SENSITIVE_FIELDS else name
    return SealedChange(at, source, name, label, _shown(before), _shown(after))


def _shown(value) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    return "(trống)" if value in (None, "") else str(value)


def redact(data: dict) -> dict:
    data = dict(data or {})
    if data.get("category") == ExemptionCategory.HEALTH:
        data["category"] = ExemptionCategory.OTHER
    if "early" in data:
        data["early"] = False
    if "fields" in data:
        data["fields"] = sorted({HIDDEN if f in SENSITIVE_FIELDS else f for f in data["fields"]})
    return data


@dataclass(frozen=True)
class ExemptionRow:
    """An exemption as its reader may see it: poor health reads "other" without the grant."""

    category: str
    category_label: str
    valid_from: date
    valid_to: date | None
    resolution_ref: str


def exemptions(member: Member, *, sensitive: bool = False) -> list[ExemptionRow]:
    rows = []
    for row in member.exemptions.order_by("valid_from", "id"):
        category = ExemptionCategory(row.category)
        if not sensitive and category == ExemptionCategory.HEALTH:
            category = ExemptionCategory.OTHER
        rows.append(
            ExemptionRow(
                category=category.value,
                category_label=str(category.label),
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                resolution_ref=row.resolution_ref,
            )
        )
    return rows


@dataclass(frozen=True)
class BadgeRow:
    """A badge award as its reader may see it: an early award (it means severe illness)
    reads as on time without the sensitive grant."""

    milestone: int
    award_date: date
    early: bool
    posthumous: bool
    badge_number: str


def badge_row(badge: BadgeAward, *, sensitive: bool = False) -> BadgeRow:
    return BadgeRow(
        milestone=badge.milestone,
        award_date=badge.award_date,
        early=badge.early and sensitive,
        posthumous=badge.posthumous,
        badge_number=badge.badge_number,
    )


def badges(member: Member, *, sensitive: bool = False) -> list[BadgeRow]:
    return [badge_row(b, sensitive=sensitive) for b in member.badges.order_by("milestone")]


def interruptions(member: Member) -> list[tuple[date, date]]:
    return list(member.interruptions.values_list("interrupted_from", "interrupted_to"))


@dataclass(frozen=True)
class InterruptionRow:
    """A recorded interruption with the party age it leaves the member today."""

    id: int
    start: date
    end: date
    reason: str
    fee_backpaid: bool
    party_age: int | None


def interruption_row(row: PartyAgeInterruption) -> InterruptionRow:
    return InterruptionRow(
        id=row.pk,
        start=row.interrupted_from,
        end=row.interrupted_to,
        reason=row.reason,
        fee_backpaid=row.fee_backpaid,
        party_age=summary(row.member).party_age,
    )


@dataclass(frozen=True)
class Summary:
    """Derived facts shown on the member page and in the API."""

    probation_end: date
    recognition_overdue: bool
    party_age: int | None
    badge_due: rules.BadgeDue | None
    badges: list[int]
    age: int


def summary(member: Member, as_of: date | None = None, *, sensitive: bool = False) -> Summary:
    """Derived facts shown on the member page: probation end, party age, next badge, flags.

    Health (the early-badge window) counts only for a reader with a sensitive grant; for a
    member who has left, ages stop at the exit date.
    """
    as_of = as_of or today()
    if member.exit_date is not None:
        as_of = min(as_of, member.exit_date)
    gaps = interruptions(member)
    # Party age counts from the admission decision for every official member, the one whose
    # recognition date is not known (an imported roll) included.
    recognised = member.official_recognition_date is not None or member.recognition_unknown
    awarded = list(member.badges.values_list("milestone", flat=True))
    probation_end = rules.probation_end(member.admission_ceremony_date)
    return Summary(
        probation_end=probation_end,
        recognition_overdue=member.status == Status.PROBATIONARY
        and rules.recognition_overdue(
            member.admission_ceremony_date, as_of, settings.DANGBO["RECOGNITION_GRACE_DAYS"]
        ),
        party_age=rules.party_age_years(
            member.admission_decision_date, as_of, gaps, recognised=recognised
        ),
        badge_due=rules.badge_due(
            member.admission_decision_date,
            gaps,
            as_of=as_of,
            awarded=awarded,
            severe_illness=member.severe_illness and sensitive,
            excluded_status=member.status in NO_BADGE_STATUSES,
        )
        if recognised and member.status in ACTIVE_STATUSES
        else None,
        badges=sorted(awarded),
        age=rules.months_between(member.date_of_birth, as_of) // 12,
    )


def is_own(user, member: Member) -> bool:
    """Whether ``member`` is the record linked to the login ``user``."""
    return member.user_id is not None and member.user_id == getattr(user, "pk", None)


def sensitive_fields(
    user, member: Member, *, channel: str = "web", sealed_values: int = 0
) -> dict | None:
    """The sensitive fields if the user holds an explicit grant, or if the record is their
    own (a person may see their own data); each read is logged (with how many sealed past
    values the same page opened, ``sealed_history``)."""
    own = is_own(user, member)
    if not (own or scope.can_view_sensitive(user, member)):
        return None
    read: dict[str, Any] = {"fields": list(SENSITIVE_FIELDS)}
    whose = "chính mình" if own else member.full_name
    summary = f"Xem thông tin nhạy cảm của {whose} ({channel})"
    if sealed_values:
        read["sealed_values"] = sealed_values
        summary += ", cả giá trị cũ trong nhật ký"
    audit.record(
        actor=user,
        action=MemberAudit.SENSITIVE_READ,
        obj=member,
        summary=summary,
        after=read,
    )
    return {name: getattr(member, name) for name in SENSITIVE_FIELDS}


@dataclass(frozen=True)
class MemberFile:
    """A member's record as one reader sees it: the member, the derived facts, and the
    sensitive fields only for a reader holding the grant (that read logged)."""

    member: Member
    summary: Summary
    sensitive: dict[str, Any] | None


def member_file(
    user,
    member: Member,
    *,
    channel: str = "web",
    sealed_values: int = 0,
    as_of: date | None = None,
) -> MemberFile:
    """``as_of``: the day the derived facts answer for (the page's period; default today)."""
    sensitive = sensitive_fields(user, member, channel=channel, sealed_values=sealed_values)
    return MemberFile(
        member=member,
        summary=summary(member, as_of, sensitive=sensitive is not None),
        sensitive=sensitive,
    )
