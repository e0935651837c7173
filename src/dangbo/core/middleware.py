import ipaddress
import re
import uuid

from django.conf import settings
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from . import context

PRIVATE = "no-store, private"


def client_ip(request) -> str:
    """The client's address: the connection's own, unless ``DANGBO_PROXY_COUNT`` trusted
    proxies stand in front, each appending the address it saw to ``X-Forwarded-For``; then
    the one the outermost of ours appended. Entries further left were written by the client
    and are never read; a header too short or not an address falls back to the connection's."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "DANGBO_PROXY_COUNT", 0)
    if count > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= count:
            candidate = hops[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


class RequestContextMiddleware:
    """Gives every request an id that the audit log and the response header share."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = str(uuid.uuid4())
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.bind(
            context.ActContext(request_id=request_id, ip=client_ip(request), channel=channel)
        )
        request.request_id = request_id
        try:
            response = self.get_response(request)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request_id
        return response


class PrivateCacheMiddleware:
    """``Cache-Control: no-store, private`` on whatever may carry personal data: every answer
    to a logged-in session or an API key, and every download. Offices share computers and
    proxies: such a page must not be kept by a browser's or a proxy's cache. Static files
    never get here (WhiteNoise answers them first); anonymous pages keep their caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        download = response.get("Content-Disposition", "").startswith("attachment")
        if getattr(user, "is_authenticated", False) or download:
            response["Cache-Control"] = PRIVATE
            if "Expires" in response:
                del response["Expires"]
        if download:
            mark_download_done(request, response)
        return response


DOWNLOAD_TOKEN = re.compile(r"[0-9]{6,32}")


def mark_download_done(request, response) -> None:
    """A download asked for with ``?tai=<token>`` (app.js, on a click of an export link) answers
    with the cookie ``dangbo_tai=<token>``: the page that waits with "Đang chuẩn bị tệp…" sees
    that the file has come. The token is digits only and says nothing; the cookie lives a minute."""
    token = request.GET.get("tai", "")
    if DOWNLOAD_TOKEN.fullmatch(token):
        response.set_cookie(
            "dangbo_tai",
            token,
            max_age=60,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


class AdminSwitchMiddleware:
    """Django's admin exists only where ``DANGBO_ADMIN`` turns it on: otherwise every URL
    under it, its login page included, is a 404 (a smaller surface for nobody's benefit)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefix: str | None = None

    def _admin_prefix(self) -> str | None:
        if self._prefix is None:
            try:
                self._prefix = reverse("admin:index")
            except NoReverseMatch:
                return None
        return self._prefix

    def __call__(self, request):
        if not getattr(settings, "DANGBO_ADMIN", False):
            prefix = self._admin_prefix()
            if prefix and request.path.startswith(prefix):
                raise Http404
        return self.get_response(request)


class PortalHostMiddleware:
    """One codebase, two faces: a request naming the portal's host (``DANGBO_PORTAL_HOST``)
    is answered from the portal's own URLs, the portal at "/" and nothing of the registry."""

    def __init__(self, get_response):
        self.get_response = get_response
        portal = getattr(settings, "PORTAL", {})
        self.host = (portal.get("HOST") or "").lower()
        self.urlconf = portal.get("URLCONF", "dangbo.portal.host_urls")

    def __call__(self, request):
        if self.host and request.get_host().split(":")[0].lower() == self.host:
            request.urlconf = self.urlconf
            request.portal_host = True
        return self.get_response(request)
