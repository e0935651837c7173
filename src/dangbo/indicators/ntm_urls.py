"""The new-rural pages, under /chi-tieu/nong-thon-moi/ (namespace ``indicators``)."""

from django.urls import path

from . import ntm_views

urlpatterns: list = [
    path("nong-thon-moi/", ntm_views.board, name="ntm_board"),
    path("nong-thon-moi/bo-tieu-chi/", ntm_views.sets, name="ntm_sets"),
    path(
        "nong-thon-moi/xa/<slug:code>/<int:year>/danh-gia/",
        ntm_views.assess,
        name="ntm_assess",
    ),
    path("nong-thon-moi/xa/<slug:code>/cong-nhan/", ntm_views.recognise, name="ntm_recognise"),
    path("nong-thon-moi/cong-nhan/<int:pk>/thu-hoi/", ntm_views.revoke, name="ntm_revoke"),
]
