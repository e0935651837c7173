from django.urls import path

from . import member, views

app_name = "home"
urlpatterns = [
    path("", views.index, name="index"),
    path("viec-can-lam/<slug:kind>/", views.due, name="due"),
    path("cua-toi/", member.mine, name="mine"),
    path("lanh-dao-chi-dao/", views.direction, name="direction"),
]
