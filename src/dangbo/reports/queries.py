"""Reads of the reports app: issued reports and background runs, within the viewer's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from dangbo.core import scope

from .models import IssuedReport, ReportRun


def issued(viewer, *, org=None, kind: str = "", year: int | None = None) -> QuerySet:
    """Issued reports of the organisations ``viewer`` sees (of ``org``'s subtree if given)."""
    found = scope.restrict(IssuedReport.objects.select_related("org", "issued_by"), viewer)
    if org is not None:
        found = found.filter(org.subtree_q("org__"))
    if kind:
        found = found.filter(kind=kind)
    if year:
        found = found.filter(year=year)
    return found.order_by("-issued_on", "-id")


def issued_report(viewer, pk: int) -> IssuedReport:
    """One issued report the viewer sees, else 404."""
    found = scope.get_or_404(
        IssuedReport.objects.select_related("org", "issued_by").prefetch_related("files"),
        viewer,
        pk=pk,
    )
    assert isinstance(found, IssuedReport)
    return found


def runs_of(user, *, limit: int = 50) -> QuerySet:
    """The user's own background runs, newest first (still within their scope today)."""
    return scope.restrict(
        ReportRun.objects.filter(requested_by=user).select_related("org", "result"), user
    ).order_by("-created_at")[:limit]


def run_of(user, pk: int) -> ReportRun:
    """One of the user's runs, else 404 (another person's run is not theirs to follow)."""
    found = scope.get_or_404(
        ReportRun.objects.filter(requested_by=user).select_related("org", "result"), user, pk=pk
    )
    assert isinstance(found, ReportRun)
    return found
