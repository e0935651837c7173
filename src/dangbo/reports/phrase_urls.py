from django.urls import path

from . import phrase_views

urlpatterns = [
    path("", phrase_views.phrases, name="phrases"),
    path("<int:pk>/", phrase_views.phrase_edit, name="phrase_edit"),
    path("<int:pk>/khoi-phuc/", phrase_views.phrase_reset, name="phrase_reset"),
]
