from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from dangbo.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orgs:tree", permanent=False)),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("to-chuc/", include("dangbo.registry.urls")),
    path("dang-vien/", include("dangbo.members.urls")),
    path("nhat-ky/", include("dangbo.core.urls")),
    path("nhat-ky/", include("dangbo.accounts.urls")),
    path("nhap-du-lieu/", include("dangbo.imports.urls")),
    path("sinh-hoat/", include("dangbo.meetings.urls")),
    path("giam-sat/", include("dangbo.oversight.urls")),
    path("danh-gia/", include("dangbo.reviews.urls")),
    path("api/v1/", api.urls),
    path("quan-tri/", admin.site.urls),
]
