"""Finding organisations by what a person or a request names, within the caller's scope.

Every app above ``orgs`` uses these for its forms and routers; out-of-scope and unknown
codes read the same, so that no message tells that a code exists elsewhere.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError

from dangbo.core import scope
from dangbo.core.api import for_change
from dangbo.core.errors import invalid

from . import queries
from .choices import CELL_KINDS
from .models import Organisation, valid_code


class OrgRef(Schema):
    code: str
    name: str


def scope_roots(user) -> list[Organisation]:
    """The highest organisations the user may see: grant organisations not under another."""
    roots = scope.roots(user, scope.VIEW)
    if roots is None:
        return list(Organisation.objects.filter(parent__isnull=True).order_by("name"))
    return roots


def page_org(user, code: str | None, action: scope.Permission = scope.VIEW) -> Organisation:
    """The organisation a list page is about: ``?to-chuc=CODE`` within the action's scope,
    else the user's first scope root the action covers; 404 when neither."""
    if code:
        org = queries.org_by_code(user, code, action)
    else:
        org = next(
            (o for o in scope_roots(user) if action == scope.VIEW or scope.covers(user, action, o)),
            None,
        )
    if org is None:
        raise Http404
    return org


def find_org(user, code: str, field: str, label: str, *, cells_only: bool = False):
    """An organisation by code within the user's change scope, else a field error naming it."""
    org = queries.org_by_code(user, code, scope.CHANGE)
    if org is None or (cells_only and org.kind not in CELL_KINDS):
        raise invalid(
            field,
            _("%(label)s: không tìm thấy tổ chức mã “%(code)s”.") % {"label": label, "code": code},
        )
    return org


def org_or_404(user, code: str, action: str = scope.VIEW) -> Organisation:
    """An organisation named in a URL: 404 unless the caller may see it (403 for a change
    they may not make)."""
    if not valid_code(code):
        raise Http404
    qs = Organisation.objects.select_related("parent")
    if action == scope.CHANGE:
        return for_change(qs, user, code=code)
    return scope.get_or_404(qs, user, action, code=code)


def org_field(user, code: str | None, field: str, label: str, action: str = scope.CHANGE):
    """An organisation named in a request body. Unknown and out-of-sight codes get the same
    Vietnamese field error (never a hint that the code exists elsewhere); one the caller
    can see but not change is a 403."""
    if code is None:
        return None
    found = queries.org_by_code(user, code, action)
    if found is not None:
        return found
    if action != scope.VIEW and queries.org_by_code(user, code, scope.VIEW) is not None:
        raise HttpError(403, f"{label}: bạn không có quyền thay đổi tổ chức “{code}”.")
    raise invalid(field, f"{label}: không có tổ chức mã “{code}” trong phạm vi được giao.")
