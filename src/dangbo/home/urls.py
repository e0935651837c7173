from django.urls import path

from . import views

app_name = "home"
urlpatterns = [
    path("", views.index, name="index"),
    path("viec-can-lam/<slug:kind>/", views.due, name="due"),
]
