from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.index, name="index"),
    path("so-theo-doi/", views.register, name="register"),
    path("yeu-cau/", views.requests, name="requests"),
    path("yeu-cau/moi/", views.request_create, name="request_create"),
    path("yeu-cau/<int:pk>/", views.request_detail, name="request"),
    path("yeu-cau/<int:pk>/<slug:op>/", views.request_action, name="request_action"),
    path("dong-y/", views.consents, name="consents"),
    path("dong-y/<int:pk>/rut-lai/", views.consent_withdraw, name="consent_withdraw"),
    path("vi-pham/", views.breaches, name="breaches"),
    path("vi-pham/<int:pk>/", views.breach_detail, name="breach"),
    path("vi-pham/<int:pk>/<slug:op>/", views.breach_action, name="breach_action"),
    path("cua-toi/", views.mine, name="mine"),
    path("cua-toi/dong-y/<int:pk>/rut-lai/", views.mine_withdraw, name="mine_withdraw"),
]
