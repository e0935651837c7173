from django.urls import path, re_path

from . import chart_views, views

app_name = "core"
urlpatterns = [
    path("", views.audit_log, name="audit"),
]

# Charts (core.charts): the picture of a chart a page shows with <img>.
urlpatterns += [
    re_path(
        r"^bieu-do/(?P<name>[a-z][a-z0-9_.-]*)\.(?P<fmt>svg|png)$",
        chart_views.chart,
        name="chart",
    ),
]
