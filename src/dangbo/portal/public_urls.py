"""The public portal's addresses (namespace ``portal``), mounted under the portal prefix of
the intranet site or at "/" of the portal's own host (``portal.host_urls``)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from . import public_views as views


class _Token:
    regex = "[0-9a-f]{32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_Token, "token")

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("chuyen-muc/<slug:slug>/", views.category, name="category"),
    path("tu-khoa/<slug:slug>/", views.tag, name="tag"),
    path("tim-kiem/", views.search, name="search"),
    path("bai-viet/<slug:slug>/", views.article, name="article"),
    path("gui-phan-anh/", views.petition, name="petition"),
    path("tra-cuu/", views.status, name="status"),
    path("tra-loi-phan-anh/", views.answers, name="answers"),
    path("du-lieu-ca-nhan/", views.data_request, name="data_request"),
    path("anh/<token:token>-<int:width>.jpg", views.image, name="image"),
    path("tin-moi.atom", views.LatestFeed(), name="feed"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"bai-viet": views.ArticleSitemap}},
        name="sitemap",
    ),
]
