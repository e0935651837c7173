from django.urls import path

from . import cycle_views, views

app_name = "reviews"
urlpatterns = [
    path("", views.cycles, name="cycles"),
    path("mo-dot/", cycle_views.cycle_open, name="cycle_open"),
    path("dot/<int:pk>/", views.cycle, name="cycle"),
    path("dot/<int:pk>/danh-sach/", views.evaluations, name="evaluations"),
    path("dot/<int:pk>/tu-danh-gia/", views.self_assess, name="self_assess"),
    path("dot/<int:pk>/khoa/", views.lock, name="lock"),
    path("dot/<int:pk>/mo-lai/", views.reopen, name="reopen"),
    path("dot/<int:pk>/khac-phuc/", views.remedy_group, name="remedy_group"),
    path("khac-phuc/<int:pk>/", views.remedy, name="remedy"),
    path("ket-qua/<int:pk>/", views.evaluation, name="evaluation"),
    path("ket-qua/<int:pk>/<slug:op>/", views.evaluation_action, name="evaluation_action"),
    path("vinh-danh/", views.honours, name="honours"),
    path("vinh-danh.xlsx", views.honours_xlsx, name="honours_xlsx"),
    path("vinh-danh.docx", views.honours_docx, name="honours_docx"),
    path("vinh-danh.pdf", views.honours_pdf, name="honours_pdf"),
    path("dang-vien/<int:pk>/", views.member_history, name="member_history"),
    path("to-chuc/<slug:code>/", views.org_history, name="org_history"),
]
