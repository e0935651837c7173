"""The indicator pages (namespace ``indicators``, under /chi-tieu/); the detail page sits
under ``xem/`` so that an indicator's code never shadows a page of the new-rural standard."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("moi/", views.create, name="create"),
    path("nhap/", views.enter, name="enter"),
    path("giao/", views.targets, name="targets"),
    path("xem/<slug:code>/", views.detail, name="detail"),
]
