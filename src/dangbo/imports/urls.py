from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("mau/<slug:kind>.xlsx", views.template, name="template"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/tien-do/", views.progress, name="progress"),
    path("<int:pk>/ghi/", views.commit, name="commit"),
    path("<int:pk>/huy/", views.cancel, name="cancel"),
    path("<int:pk>/chay-lai/", views.retry, name="retry"),
    path("<int:pk>/tuy-chon/", views.options, name="options"),
]
