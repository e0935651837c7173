"""The programs' pages: programs and tasks (``task_urls``), partner bodies and who answers for
what (``partner_urls``). The document register has its own namespace (``documents_urls``)."""

from . import partner_urls, task_urls

app_name = "programs"
urlpatterns = task_urls.urlpatterns + partner_urls.urlpatterns
