"""The newsroom (staff side of the portal), on the intranet site under /tin-bai/."""

from django.urls import path

from . import views
from .public_urls import _Token  # noqa: F401 - registers the "token" converter

app_name = "newsroom"
urlpatterns = [
    path("", views.index, name="index"),
    path("bai-viet/moi/", views.article_create, name="article_create"),
    path("bai-viet/<int:pk>/", views.article, name="article"),
    path("bai-viet/<int:pk>/sua/", views.article_edit, name="article_edit"),
    path("bai-viet/<int:pk>/<slug:action>/", views.article_action, name="article_action"),
    path("anh/<int:pk>/bo/", views.image_remove, name="image_remove"),
    path("anh/<token:token>-<int:width>.jpg", views.staff_image, name="image"),
    path("y-kien/", views.comments, name="comments"),
    path("y-kien/<int:pk>/", views.comment, name="comment"),
    path("phan-anh/<int:pk>/cong-khai/", views.petition_publish, name="petition_publish"),
]
