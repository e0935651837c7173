"""The whole site of the portal's own host (``DANGBO_PORTAL_HOST``) and of a public-side
deployment (``DANGBO_PORTAL_ONLY``): the portal at "/", and nothing else — no login, no
registry, no API, no admin."""

from django.urls import include, path

urlpatterns = [path("", include("dangbo.portal.public_urls"))]

# Errors in the portal's layout (the intranet's 404 page names intranet pages: a 500 here).
handler400 = "dangbo.portal.public_views.bad_request"
handler403 = "dangbo.portal.public_views.forbidden"
handler404 = "dangbo.portal.public_views.not_found"
handler500 = "dangbo.portal.public_views.server_error"
