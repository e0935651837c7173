from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("xuat.csv", views.export, name="export"),
    path("ket-nap/<slug:code>/", views.admit, name="admit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:op>/", views.action, name="action"),
]
