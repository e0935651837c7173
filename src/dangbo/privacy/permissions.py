"""Who may do what with personal-data protection, in ``core.scope``'s words.

Requests and consents: ``CHANGE`` over the handling organisation (its staff, its
administrators) reads and acts. Breaches: ``AUDIT`` reads (administrators, auditors);
recording and acting needs ``AUDIT`` and ``CHANGE`` both (administrators). The register: any
``VIEW``. Out of scope is 404, as if absent."""

from django.http import Http404

from dangbo.core import scope
from dangbo.core.types import Viewer

from .models import Breach, ConsentRecord, DataRequest


def sees_office(user: Viewer) -> bool:
    """The overview page ("Dữ liệu cá nhân" in the menu)."""
    return scope.has_any(user, scope.CHANGE) or scope.has_any(user, scope.AUDIT)


def sees_register(user: Viewer) -> bool:
    return scope.has_any(user, scope.VIEW)


def handles_requests(user: Viewer) -> bool:
    return scope.has_any(user, scope.CHANGE)


def reads_breaches(user: Viewer) -> bool:
    return scope.has_any(user, scope.AUDIT)


def records_breaches(user: Viewer) -> bool:
    return reads_breaches(user) and scope.has_any(user, scope.CHANGE)


def acts_on_breach(user: Viewer, breach: Breach) -> bool:
    return scope.covers(user, scope.AUDIT, breach.org) and scope.covers(
        user, scope.CHANGE, breach.org
    )


def request_or_404(user: Viewer, pk: int) -> DataRequest:
    found = scope.get_or_404(
        DataRequest.objects.select_related("org", "member", "handled_by"),
        user,
        scope.CHANGE,
        pk=pk,
    )
    assert isinstance(found, DataRequest)  # noqa: S101 - get_or_404 of this model
    return found


def consent_or_404(user: Viewer, pk: int) -> ConsentRecord:
    found = scope.get_or_404(ConsentRecord.objects.select_related("org"), user, scope.CHANGE, pk=pk)
    assert isinstance(found, ConsentRecord)  # noqa: S101 - get_or_404 of this model
    return found


def breach_or_404(user: Viewer, pk: int) -> Breach:
    found = scope.get_or_404(
        Breach.objects.select_related("org", "recorded_by"), user, scope.AUDIT, pk=pk
    )
    assert isinstance(found, Breach)  # noqa: S101 - get_or_404 of this model
    return found


def require(allowed: bool) -> None:
    if not allowed:
        raise Http404
