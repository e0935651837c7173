"""The main menu, computed in one place for every page (a context processor, so that the
error pages rendered by Django get it too): only the sections the user may open, the
current one marked."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangbo.core import scope
from dangbo.core.choices import Role
from dangbo.core.types import Viewer


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str
    url: str
    current: bool


def _view(user: Viewer) -> bool:
    return scope.has_any(user, scope.VIEW)


def _reviews(user: Viewer) -> bool:
    # A member reads the review cycles of their own cell (reviews.views.cycles).
    return _view(user) or scope.holds_role(user, Role.MEMBER)


# (key, label, URL name, who sees it): the order of the menu.
ITEMS: tuple[tuple[str, object, str, Callable[[Viewer], bool]], ...] = (
    ("home", _("Trang chủ"), "home:index", lambda user: True),
    ("orgs", _("Tổ chức"), "orgs:tree", _view),
    ("members", _("Đảng viên"), "members:list", _view),
    ("meetings", _("Sinh hoạt chi bộ"), "meetings:compliance", _view),
    ("oversight", _("Phụ trách"), "oversight:mine", lambda u: scope.has_any(u, scope.OVERSEE)),
    ("opinions", _("Ý kiến"), "oversight:opinions", _view),
    ("reviews", _("Đánh giá"), "reviews:cycles", _reviews),
    ("imports", _("Nhập dữ liệu"), "imports:index", lambda u: scope.has_any(u, scope.CHANGE)),
    ("audit", _("Nhật ký"), "core:audit", lambda u: scope.has_any(u, scope.AUDIT)),
    ("users", _("Người dùng"), "accounts:users", lambda u: scope.has_any(u, scope.MANAGE_USERS)),
)

# Oversight pages that belong to "Ý kiến" rather than "Phụ trách".
OPINION_PAGES = frozenset({"opinions", "quarter", "opinion_create", "opinion", "opinion_action"})
SECTION_OF_NAMESPACE = {
    "home": "home",
    "orgs": "orgs",
    "members": "members",
    "meetings": "meetings",
    "reviews": "reviews",
    "imports": "imports",
    "core": "audit",
    "accounts": "users",
}


def section_of(request) -> str:
    """The menu key of the page being shown ("" when none: an error page, the login)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "oversight":
        if match.url_name == "my_opinions":
            return "home"  # a member's own opinions: part of "Trang của tôi"
        return "opinions" if match.url_name in OPINION_PAGES else "oversight"
    return SECTION_OF_NAMESPACE.get(match.namespace, "")


def menu_items(request) -> list[MenuItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = section_of(request)
    return [
        MenuItem(key, str(label), reverse(name), key == current)
        for key, label, name, shown in ITEMS
        if shown(user)
    ]


def menu(request) -> dict:
    """Context processor: ``menu`` (the items the user may open)."""
    return {"menu": menu_items(request)}
