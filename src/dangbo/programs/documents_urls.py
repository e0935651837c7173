"""The document register's pages (namespace ``documents``, under /van-ban/)."""

from django.urls import path

from . import documents_views as views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("moi/", views.create, name="create"),
    path("chon/", views.pick, name="pick"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/dinh-kem/", views.attach, name="attach"),
    path("<int:pk>/tep/<int:file_pk>/", views.download, name="file"),
]
