from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.compliance, name="compliance"),
    path("chi-bo/<slug:code>/", views.cell, name="cell"),
    path("chi-bo/<slug:code>/ghi/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/diem-danh/", views.attendance, name="attendance"),
    path("<int:pk>/bieu-quyet/", views.vote, name="vote"),
    path("<int:pk>/bien-ban.docx", views.minutes_docx, name="minutes_docx"),
    path("<int:pk>/bien-ban.pdf", views.minutes_pdf, name="minutes_pdf"),
]
