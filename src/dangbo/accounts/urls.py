from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("nguoi-dung/", views.users, name="users"),
    path("nguoi-dung/tao/", views.user_create, name="user_create"),
    path("nguoi-dung/<int:pk>/", views.user_detail, name="user_detail"),
    path("nguoi-dung/<int:pk>/cap-quyen/", views.user_grant, name="user_grant"),
    path("vai-tro/<int:pk>/ket-thuc/", views.grant_end, name="grant_end"),
    path("dang-nhap/", views.logins, name="logins"),
    path("dang-nhap/mo-khoa/", views.lift_lockout, name="lift_lockout"),
]
