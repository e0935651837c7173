"""The one scoping function: what a user may see or do, as Q filters on the current tree.

A role granted on an organisation covers its subtree as of today. Every list, page, API call
and export goes through ``restrict``; single objects through ``get_or_404`` so that an
out-of-scope object is indistinguishable from a missing one.
"""

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .choices import Role
from .dates import today
from .models import AuditEntry, RoleGrant

VIEW, CHANGE, EXPORT, AUDIT = "view", "change", "export", "audit"
# Record a cell's meetings, attendance and votes (the cell secretary's daily work).
MEETINGS = "meetings"
# Attend meetings as a superior: record visits and the opinions heard, send opinions on to
# the organisation that must answer, and close them once answered.
OVERSEE = "oversee"

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({VIEW, CHANGE, EXPORT, AUDIT, MEETINGS, OVERSEE}),
    Role.ORG_STAFF: frozenset({VIEW, CHANGE, EXPORT, MEETINGS, OVERSEE}),
    Role.COMMITTEE_MEMBER: frozenset({VIEW, EXPORT, OVERSEE}),
    Role.CELL_SECRETARY: frozenset({VIEW, EXPORT, MEETINGS}),
    Role.AUDITOR: frozenset({VIEW, EXPORT, AUDIT}),
    Role.MEMBER: frozenset({VIEW}),  # own record only
}


def active_grants(user) -> list[RoleGrant]:
    """Grants in force today; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_dangbo_grants", None)
    if cached is None:
        day = today()
        cached = list(
            RoleGrant.objects.filter(user=user, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .select_related("org")
        )
        user._dangbo_grants = cached
    return cached


def _org_q(user, action: str, prefix: str) -> Q | None:
    """None means everything; an empty Q(pk__in=[]) means nothing."""
    if getattr(user, "is_superuser", False):
        return None
    q = Q(pk__in=[])
    for grant in active_grants(user):
        if grant.role == Role.MEMBER or action not in ROLE_ACTIONS.get(grant.role, ()):
            continue
        if grant.org is None:
            return None
        q |= grant.org.subtree_q(prefix)
    return q


def restrict(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """Filter any scoped queryset to what ``user`` may ``action``."""
    from dangbo.members.models import Member
    from dangbo.orgs.models import Organisation

    model = queryset.model
    if model is Organisation:
        q = _org_q(user, action, "")
        return queryset if q is None else queryset.filter(q)
    if model is Member:
        q = _org_q(user, action, "org__")
        if q is None:
            return queryset
        if action == VIEW and any(g.role == Role.MEMBER for g in active_grants(user)):
            q |= Q(user=user)
        return queryset.filter(q)
    if model is AuditEntry:
        q = _org_q(user, action, "scope_")
        return queryset if q is None else queryset.filter(q)
    prefixes = getattr(model, "SCOPE_PREFIXES", None)
    if prefixes:
        # A row is in scope when any of the organisations it names is (an opinion: where it
        # was heard, the committee following it, the organisation answering it).
        combined = Q(pk__in=[])
        for prefix in prefixes:
            q = _org_q(user, action, prefix)
            if q is None:
                return queryset
            combined |= q
        return queryset.filter(combined)
    raise TypeError(f"No scope rule for {model.__name__}")


def get_or_404(queryset: QuerySet, user, action: str = VIEW, **lookup) -> Model:
    try:
        return restrict(queryset, user, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def covers(user, action: str, org) -> bool:
    """Whether ``user`` may ``action`` on ``org`` — from the grants alone, no query."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    for grant in active_grants(user):
        if grant.role == Role.MEMBER or action not in ROLE_ACTIONS.get(grant.role, ()):
            continue
        if grant.org is None or grant.org.path <= org.path < grant.org.subtree_upper:
            return True
    return False


def can(user, action: str, obj) -> bool:
    return restrict(type(obj).objects.filter(pk=obj.pk), user, action).exists()


def can_view_sensitive(user, member) -> bool:
    """Sensitive fields need an explicit grant covering the member's organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    path = member.org.path
    for grant in active_grants(user):
        if not grant.can_view_sensitive or grant.role == Role.MEMBER:
            continue
        if grant.org is None or (grant.org.path <= path < grant.org.subtree_upper):
            return True
    return False


def sensitive_q(user, prefix: str = "") -> Q | None:
    """Organisations where ``user`` holds an explicit sensitive grant (None: all of them)."""
    if getattr(user, "is_superuser", False):
        return None
    q = Q(pk__in=[])
    for grant in active_grants(user):
        if grant.can_view_sensitive and grant.role != Role.MEMBER:
            if grant.org is None:
                return None
            q |= grant.org.subtree_q(prefix)
    return q


def has_any(user, action: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(
        action in ROLE_ACTIONS.get(g.role, ()) and g.role != Role.MEMBER
        for g in active_grants(user)
    )
