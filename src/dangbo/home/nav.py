"""The main menu, computed in one place for every page (a context processor, so that the
error pages rendered by Django get it too): only the sections the user may open, the
current one marked."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
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
    # one item for issue 14's areas (documents, programs, indicators…): see DIRECTION
    ("direction", _("Lãnh đạo, chỉ đạo"), "home:direction", _view),
    ("reports", _("Báo cáo"), "reports:index", _view),
    ("portal", _("Cổng thông tin"), "newsroom:index", lambda u: scope.has_any(u, scope.CHANGE)),
    ("imports", _("Nhập dữ liệu"), "imports:index", lambda u: scope.has_any(u, scope.CHANGE)),
    (
        "privacy",
        _("Dữ liệu cá nhân"),
        "privacy:index",
        lambda u: scope.has_any(u, scope.CHANGE) or scope.has_any(u, scope.AUDIT),
    ),
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
    "reports": "reports",
    "imports": "imports",
    "core": "audit",
    "accounts": "users",
    "documents": "direction",
    "programs": "direction",
    "indicators": "direction",
    "privacy": "privacy",
    "newsroom": "portal",
}


def section_of(request) -> str:
    """The menu key of the page being shown ("" when none: an error page, the login)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "home" and match.url_name == "direction":
        return "direction"
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


# The areas under "Lãnh đạo, chỉ đạo" (label, URL name, description), shown to a VIEW grant;
# an area whose pages are not there yet is left out (its URL does not reverse).
DIRECTION: tuple[tuple[object, str, object], ...] = (
    (_("Văn bản"), "documents:list", _("Sổ văn bản: nghị quyết, chương trình, kế hoạch…")),
    (_("Chương trình"), "programs:list", _("Chương trình, kế hoạch và tiến độ nhiệm vụ")),
    (_("Chỉ tiêu"), "indicators:list", _("Chỉ tiêu, kết quả thực hiện theo năm")),
    (_("Nông thôn mới"), "indicators:ntm_board", _("Tiêu chí nông thôn mới của các xã")),
    (
        _("Nhiệm vụ chủ trì, phối hợp"),
        "programs:responsibility",
        _("Việc từng tổ chức chịu trách nhiệm"),
    ),
    (_("Cơ quan phối hợp"), "programs:partners", _("Chính quyền, Mặt trận, đoàn thể")),
)


@dataclass(frozen=True)
class AreaLink:
    label: str
    url: str
    description: str


def direction_links(user: Viewer) -> list[AreaLink]:
    if not _view(user):
        return []
    links = []
    for label, name, description in DIRECTION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append(AreaLink(str(label), url, str(description)))
    return links
