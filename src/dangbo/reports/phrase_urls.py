from django.urls import path

from . import phrase_views

urlpatterns = [
    path("", phrase_views.phrases, name="phrases"),
]
