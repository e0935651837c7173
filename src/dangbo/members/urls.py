from django.urls import path

from . import pickers, views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("xuat.csv", views.export, name="export"),
    path("xuat.xlsx", views.export_xlsx, name="export_xlsx"),
    path("chon/", pickers.pick_members, name="pick"),
    path("ket-nap/<slug:code>/", views.admit, name="admit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:op>/", views.action, name="action"),
]
