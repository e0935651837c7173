"""/bao-cao/: the "Báo cáo" pages. The report pages (views.py) and the phrase editor
(phrase_views.py) keep their own files."""

from django.urls import include, path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("mau-cau/", include("dangbo.reports.phrase_urls")),
]
