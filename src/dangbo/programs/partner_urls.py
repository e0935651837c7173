"""Partner bodies and who answers for what (namespace ``programs``, under /chuong-trinh/).
Fixed first words so that no pattern of the program pages can shadow them."""

from django.urls import path

from . import partner_views as views

urlpatterns = [
    path("co-quan-phoi-hop/", views.partner_list, name="partners"),
    path("co-quan-phoi-hop/them/", views.partner_create, name="partner_create"),
    path("co-quan-phoi-hop/<slug:code>/", views.partner_detail, name="partner"),
    path("co-quan-phoi-hop/<slug:code>/sua/", views.partner_edit, name="partner_edit"),
    path("trach-nhiem/", views.org_responsibility, name="responsibility"),
    path("trach-nhiem/dang-vien/<int:pk>/", views.person_tasks, name="person_tasks"),
    path("phan-cong/<int:pk>/", views.matrix, name="matrix"),
    path("phan-cong/<int:pk>/xuat.xlsx", views.matrix_xlsx, name="matrix_xlsx"),
]
