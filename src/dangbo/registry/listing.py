"""The organisation list: filters shared by the page and its CSV/.xlsx exports."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangbo.core import period, scope
from dangbo.core.office.sheet import Col
from dangbo.core.text import fold, strip_control
from dangbo.orgs import fields as org_fields
from dangbo.orgs.choices import OrgKind, Sector
from dangbo.orgs.models import Organisation
from dangbo.orgs.queries import active_q

COLUMNS = [
    Col(gettext_lazy("Mã tổ chức"), lambda o: o.code),
    Col(gettext_lazy("Tên tổ chức"), lambda o: o.name),
    Col(gettext_lazy("Loại tổ chức"), lambda o: o.get_kind_display()),
    Col(gettext_lazy("Loại hình"), lambda o: o.get_sector_display()),
    Col(gettext_lazy("Mã tổ chức cấp trên"), lambda o: o.parent.code if o.parent_id else ""),
    Col(gettext_lazy("Tổ chức cấp trên"), lambda o: o.parent.name if o.parent_id else ""),
    Col(gettext_lazy("Ngày thành lập"), lambda o: o.valid_from, "date"),
    Col(gettext_lazy("Ngày kết thúc"), lambda o: o.valid_to, "date"),
]


def root_label(request, filters: dict, action: str = scope.VIEW) -> str:
    """The organisation the list was filtered to (``thuoc``), as a printout names it; ""
    when the list is the whole scope."""
    if not filters.get("thuoc"):
        return ""
    try:
        return org_fields.resolve(request.user, filters["thuoc"], _("Thuộc"), action).name
    except ValidationError:
        return ""


def filtered(request, action: str = scope.VIEW):
    """(queryset, filters, error) for ``q``, ``loai``, ``loai-hinh``, ``thuoc`` and
    ``ca-da-ket-thuc`` — always within the user's scope for ``action``."""
    qs = scope.restrict(Organisation.objects.select_related("parent"), request.user, action)
    q = strip_control(request.GET.get("q") or "").strip()[:100]
    kind = (request.GET.get("loai") or "").strip()
    sector = (request.GET.get("loai-hinh") or "").strip()
    under = " ".join(strip_control(request.GET.get("thuoc") or "").split())[:300]
    ended = request.GET.get("ca-da-ket-thuc") == "1"
    error = ""
    if under:  # a name as typed (the type-ahead), or a code in a link
        try:
            root = org_fields.resolve(request.user, under, _("Thuộc"), action)
        except ValidationError as exc:
            qs = qs.none()
            error = exc.messages[0]
        else:
            qs = qs.filter(root.subtree_q())
    if kind not in OrgKind.values:
        kind = ""
    if kind:
        qs = qs.filter(kind=kind)
    if sector not in Sector.values:
        sector = ""
    if sector:
        qs = qs.filter(sector=sector)
    if not ended:  # those in activity on the period's day
        kept = period.current(request)
        qs = qs.filter(valid_to__isnull=True) if kept.is_today else qs.filter(active_q(kept.day))
    if q:
        # Codes are the folded names joined by hyphens: "kim long" finds kim-long.
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=fold(q).replace(" ", "-")))
    filters = {
        "q": q,
        "loai": kind,
        "loai-hinh": sector,
        "thuoc": under,
        "ca-da-ket-thuc": "1" if ended else "",
    }
    return qs.order_by("path"), filters, error
