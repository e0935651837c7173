"""Program and task pages (namespace ``programs``, under /chuong-trinh/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.program_list, name="list"),
    path("them/", views.program_create, name="create"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/sua/", views.program_edit, name="edit"),
    path("<int:pk>/them-nhiem-vu/", views.task_add, name="task_add"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task"),
    path("nhiem-vu/<int:pk>/sua/", views.task_edit, name="task_edit"),
    path("nhiem-vu/<int:pk>/bao-cao/", views.task_report, name="report"),
    path("nhiem-vu/<int:pk>/xoa/", views.task_remove, name="task_remove"),
    path("nhiem-vu/<int:pk>/minh-chung/<int:file_id>/", views.evidence, name="evidence"),
]
