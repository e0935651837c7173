from django.urls import path

from . import member_views, opinion_views, views

app_name = "oversight"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("phan-cong/", views.coverage, name="coverage"),
    path("phan-cong/moi/", views.assign, name="assign"),
    path("phan-cong/<int:pk>/ban-giao/", views.handover, name="handover"),
    path("phan-cong/<int:pk>/ket-thuc/", views.end_assignment, name="end_assignment"),
    path("chi-tieu/", views.targets, name="targets"),
    path("to-cong-tac/", views.groups, name="groups"),
    path("to-cong-tac/moi/", views.group_create, name="group_create"),
    path("to-cong-tac/lap-ke-hoach/", views.plan, name="plan"),
    path("to-cong-tac/<int:pk>/", views.group, name="group"),
    path("du-sinh-hoat/moi/", opinion_views.visit_create, name="visit_create"),
    path("du-sinh-hoat/<int:pk>/", opinion_views.visit, name="visit"),
    path("y-kien/", opinion_views.opinions, name="opinions"),
    path("y-kien/quy/", opinion_views.quarter, name="quarter"),
    path("y-kien/moi/", opinion_views.opinion_create, name="opinion_create"),
    path("y-kien/cua-toi/", member_views.my_opinions, name="my_opinions"),
    path("y-kien/<int:pk>/", opinion_views.opinion, name="opinion"),
    path("y-kien/<int:pk>/<slug:op>/", opinion_views.opinion_action, name="opinion_action"),
]
