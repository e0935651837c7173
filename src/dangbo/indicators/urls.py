"""The indicators' pages: definitions, targets and values (``value_urls``) and the new-rural
standard (``ntm_urls``)."""

from . import ntm_urls, value_urls

app_name = "indicators"
urlpatterns = value_urls.urlpatterns + ntm_urls.urlpatterns
