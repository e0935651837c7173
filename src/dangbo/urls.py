from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import Http404, JsonResponse
from django.urls import include, path
from ninja.errors import HttpError

from dangbo.api import TokenAuth, api
from dangbo.core.views import choose_period


def _api_docs_gate(view):
    """The Swagger page and ``openapi.json`` for a logged-in session or a valid API key; for
    everyone only when ``DANGBO_API_DOCS_PUBLIC`` says so. Anonymous visitors get a 404: the
    list of every endpoint is a map for nobody but our clients."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        if not settings.DANGBO_API_DOCS_PUBLIC and not request.user.is_authenticated:
            try:
                allowed = TokenAuth()(request) is not None
            except HttpError as exc:  # the key throttle refuses this address
                return JsonResponse(
                    {"detail": str(exc)},
                    status=exc.status_code,
                    json_dumps_params={"ensure_ascii": False},
                )
            if not allowed:
                raise Http404
        return view(request, *args, **kwargs)

    return gated


# Ninja wraps its docs and schema views with this when it builds its URLs (just below).
api.docs_decorator = _api_docs_gate

urlpatterns = [
    # The home page of each role (dangbo.home): what the user has to do.
    path("", include("dangbo.home.urls")),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("ky-so-lieu/", choose_period, name="period"),
    path("to-chuc/", include("dangbo.registry.urls")),
    path("dang-vien/", include("dangbo.members.urls")),
    path("nhat-ky/", include("dangbo.core.urls")),
    path("nhat-ky/", include("dangbo.accounts.urls")),
    path("nhap-du-lieu/", include("dangbo.imports.urls")),
    path("sinh-hoat/", include("dangbo.meetings.urls")),
    path("giam-sat/", include("dangbo.oversight.urls")),
    path("danh-gia/", include("dangbo.reviews.urls")),
    path("van-ban/", include("dangbo.programs.documents_urls")),
    path("chuong-trinh/", include("dangbo.programs.urls")),
    path("chi-tieu/", include("dangbo.indicators.urls")),
    path("bao-cao/", include("dangbo.reports.urls")),
    path("du-lieu-ca-nhan/", include("dangbo.privacy.urls")),
    path("tin-bai/", include("dangbo.portal.urls")),
    # The public portal (its own templates; no login): see docs/operations.md.
    path(f"{settings.PORTAL['PREFIX']}/", include("dangbo.portal.public_urls")),
    path("api/v1/", api.urls),
    # 404 unless DANGBO_ADMIN is on (core.middleware.AdminSwitchMiddleware).
    path("quan-tri/", admin.site.urls),
]
