from django.urls import path

from . import pickers, views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("danh-sach/", views.org_list, name="list"),
    path("danh-sach/xuat.csv", views.export, name="export"),
    path("danh-sach/xuat.xlsx", views.export_xlsx, name="export_xlsx"),
    path("danh-sach/chon/", pickers.pick_orgs, name="pick"),
    path("<slug:code>/", views.detail, name="detail"),
    path("<slug:code>/<slug:op>/", views.action, name="action"),
]
