"""Scope: what a user may see or do, and where — the only module that reads role grants.

A role granted on an organisation covers that organisation's subtree as of today. Every list,
page, API call and export goes through ``restrict``; single objects through ``get_or_404`` so
that an out-of-scope object is indistinguishable from a missing one.

Models declare how they are scoped, so this module imports no domain app:

- ``SCOPE_PREFIXES``: the lookups to the materialised ``path`` of the organisations a row
  belongs to (``("",)`` for an organisation itself, ``("org__",)`` for a row of one
  organisation); a row is in scope when any of them is.
- ``SCOPE_SELF`` (optional): a field naming the user a row is about; a ``member`` grant lets
  that user VIEW their own row and nothing else.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .choices import Role
from .dates import today
from .models import RoleGrant

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .types import Viewer


class Permission(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    EXPORT = "export"
    AUDIT = "audit"
    # Record a cell's meetings, attendance and votes (the cell secretary's daily work).
    MEETINGS = "meetings"
    # Attend meetings as a superior: record visits and the opinions heard, send opinions on
    # to the organisation that must answer, and close them once answered.
    OVERSEE = "oversee"
    # Manage logins and grant roles inside one's subtree.
    MANAGE_USERS = "manage_users"
    # Read ethnicity, religion, ID numbers, health: an explicit flag on a grant, never a role.
    SENSITIVE = "sensitive"


VIEW = Permission.VIEW
CHANGE = Permission.CHANGE
EXPORT = Permission.EXPORT
AUDIT = Permission.AUDIT
MEETINGS = Permission.MEETINGS
OVERSEE = Permission.OVERSEE
MANAGE_USERS = Permission.MANAGE_USERS
SENSITIVE = Permission.SENSITIVE

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.ADMIN: frozenset({VIEW, CHANGE, EXPORT, AUDIT, MEETINGS, OVERSEE, MANAGE_USERS}),
    Role.ORG_STAFF: frozenset({VIEW, CHANGE, EXPORT, MEETINGS, OVERSEE}),
    Role.COMMITTEE_MEMBER: frozenset({VIEW, EXPORT, OVERSEE}),
    Role.CELL_SECRETARY: frozenset({VIEW, EXPORT, MEETINGS}),
    Role.AUDITOR: frozenset({VIEW, EXPORT, AUDIT}),
    Role.MEMBER: frozenset(),  # own record only: see SCOPE_SELF
}


# An organisation as scope sees it (its ``path``, ``subtree_upper`` and ``subtree_q``); typed
# loosely because core stands below the app that defines it.
Scoped = Any


# ---------------------------------------------------------------- grants


def active_grants(user: Viewer) -> list[RoleGrant]:
    """Grants in force today; cached on the user object for the request."""
    if not isinstance(user, User) or not user.is_authenticated:  # anonymous, or None
        return []
    cached = getattr(user, "_dangbo_grants", None)
    if cached is None:
        day = today()
        cached = list(
            RoleGrant.objects.filter(user=user, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .select_related("org")
        )
        setattr(user, "_dangbo_grants", cached)  # noqa: B010 - a per-request cache, not a field
    return cached


def _confers(grant: RoleGrant, perm: Permission) -> bool:
    if perm == SENSITIVE:
        return grant.can_view_sensitive and grant.role != Role.MEMBER
    return perm in ROLE_PERMISSIONS.get(grant.role, frozenset())


def _grants(user: Viewer, perm: Permission) -> Iterator[RoleGrant]:
    return (g for g in active_grants(user) if _confers(g, perm))


def _inside(org: Scoped, root: Scoped | None) -> bool:
    return root is None or root.path <= org.path < root.subtree_upper


def _is_superuser(user: Viewer) -> bool:
    return bool(getattr(user, "is_superuser", False))


def holds_role(user: Viewer, role: Role) -> bool:
    """Whether ``user`` holds ``role`` anywhere today (e.g. a member grant: own record)."""
    return any(g.role == role for g in active_grants(user))


def has_any(user: Viewer, perm: Permission) -> bool:
    """Whether ``user`` may ``perm`` anywhere (menus, home pages)."""
    return _is_superuser(user) or any(True for _ in _grants(user, perm))


def covers_all(user: Viewer, perm: Permission) -> bool:
    """A grant not tied to any subtree (e.g. creating a top-level organisation)."""
    return _is_superuser(user) or any(g.org is None for g in _grants(user, perm))


def roots(user: Viewer, perm: Permission) -> list[Any] | None:
    """The highest organisations whose subtrees ``user`` may ``perm``, in tree order;
    None means every organisation."""
    if _is_superuser(user):
        return None
    found: dict[int, Any] = {}
    for grant in _grants(user, perm):
        if grant.org is None:
            return None
        found[grant.org.pk] = grant.org
    tops = [
        o for o in found.values() if not any(p is not o and _inside(o, p) for p in found.values())
    ]
    return sorted(tops, key=lambda o: o.path)


def covers(user: Viewer, perm: Permission, org: Scoped) -> bool:
    """Whether ``user`` may ``perm`` on ``org`` — from the grants alone, no query."""
    if not getattr(user, "is_authenticated", False):
        return False
    if _is_superuser(user):
        return True
    return any(_inside(org, g.org) for g in _grants(user, perm))


def covering_grant(user: Viewer, perm: Permission, org: Scoped | None = None) -> RoleGrant | None:
    """The first grant that lets ``user`` ``perm`` on ``org`` (anywhere, without ``org``):
    where an audit entry about using it belongs."""
    return next(
        (g for g in _grants(user, perm) if org is None or _inside(org, g.org)),
        None,
    )


def reaches_into(user: Viewer, perm: Permission, org: Scoped) -> bool:
    """Whether ``user`` may ``perm`` somewhere inside ``org``'s subtree without covering all
    of it (a cell's secretary inside a commune)."""
    if covers(user, perm, org):
        return True
    return any(g.org is not None and _inside(g.org, org) for g in _grants(user, perm))


# ---------------------------------------------------------------- querysets


def q(user: Viewer, perm: Permission, prefix: str = "") -> Q | None:
    """The organisations where ``user`` may ``perm``, as a filter on ``prefix + "path"``.
    None means everything; ``Q(pk__in=[])`` means nothing."""
    if _is_superuser(user):
        return None
    combined = Q(pk__in=[])
    for grant in _grants(user, perm):
        if grant.org is None:
            return None
        combined |= grant.org.subtree_q(prefix)
    return combined


def sensitive_q(user: Viewer, prefix: str = "") -> Q | None:
    """Organisations where ``user`` holds an explicit sensitive grant (None: all of them)."""
    return q(user, SENSITIVE, prefix)


def restrict(queryset: QuerySet, user, perm: Permission = VIEW) -> QuerySet:
    """Filter any scoped queryset to what ``user`` may ``perm``."""
    model = queryset.model
    prefixes = getattr(model, "SCOPE_PREFIXES", None)
    if not prefixes:
        raise TypeError(f"No scope rule for {model.__name__}")
    combined = Q(pk__in=[])
    for prefix in prefixes:
        part = q(user, perm, prefix)
        if part is None:
            return queryset
        combined |= part
    self_field = getattr(model, "SCOPE_SELF", None)
    if self_field and perm == VIEW and holds_role(user, Role.MEMBER):
        combined |= Q(**{self_field: user})
    orgless = getattr(model, "SCOPE_ORGLESS", None)
    if orgless and perm == AUDIT and sees_orgless(user):
        combined |= Q(**{orgless: ""})
    return queryset.filter(combined)


def _tops_the_tree(org: Scoped) -> bool:
    """Whether nothing lies outside ``org``'s subtree but its own ancestors: a root, or the
    one branch an install keeps under the roots the Charter requires ('Trung ương' above a
    province). One query, cached on the organisation object for the request."""
    cached = getattr(org, "_dangbo_tops", None)
    if cached is None:
        ancestors = [int(pk) for pk in org.path.split(".") if pk][:-1]
        cached = not (
            type(org)._default_manager.exclude(org.subtree_q("")).exclude(pk__in=ancestors).exists()
        )
        setattr(org, "_dangbo_tops", cached)  # noqa: B010 - a per-request cache, not a field
    return bool(cached)


def sees_orgless(user: Viewer) -> bool:
    """Audit entries that concern no organisation (the demo load, exports, API keys) are for
    the administrators of the top of the tree: a superuser, an admin grant not tied to a
    subtree, or an admin grant whose subtree holds every organisation but its ancestors.
    Nobody else (an auditor or an administrator lower down) sees them."""
    if _is_superuser(user):
        return True
    for grant in active_grants(user):
        if grant.role != Role.ADMIN:
            continue
        if grant.org is None or _tops_the_tree(grant.org):
            return True
    return False


def get_or_404(queryset: QuerySet, user, perm: Permission = VIEW, **lookup) -> Model:
    try:
        return restrict(queryset, user, perm).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def can(user: Viewer, perm: Permission, obj: Model) -> bool:
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, perm).exists()


def can_view_sensitive(user: Viewer, member) -> bool:
    """Sensitive fields need an explicit grant covering the member's organisation."""
    return covers(user, SENSITIVE, member.org)
