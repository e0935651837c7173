"""/bao-cao/: the "Báo cáo" pages. The report pages (views.py) and the phrase editor
(phrase_views.py) keep their own files."""

from django.urls import include, path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("tai/<slug:fmt>/", views.download, name="download"),
    path("ban-hanh/", views.issue, name="issue"),
    path("da-ban-hanh/", views.issued_list, name="issued"),
    path("da-ban-hanh/<int:pk>/", views.issued_detail, name="issued_detail"),
    path("da-ban-hanh/<int:pk>/tep/<int:file_pk>/", views.issued_file, name="issued_file"),
    path("viec-nen/", views.runs, name="runs"),
    path("viec-nen/<int:pk>/", views.run_detail, name="run"),
    path("viec-nen/<int:pk>/tien-do/", views.run_progress, name="run_progress"),
    path("viec-nen/<int:pk>/tep/", views.run_file, name="run_file"),
    path("mau-cau/", include("dangbo.reports.phrase_urls")),
]
