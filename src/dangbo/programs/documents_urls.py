"""The document register's pages (namespace ``documents``, under /van-ban/)."""

app_name = "documents"
urlpatterns: list = []
