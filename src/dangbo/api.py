"""The REST API under /api/v1/: token authentication, the same scoping and services as the web.

Each app contributes a router from its own ``api.py``.
"""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer

from dangbo.core.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if not token:
            return None
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="dangbo API",
    version="1",
    description="Tổ chức đảng và đảng viên — API phiên bản 1",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
)


@api.get("/health", auth=None, tags=["system"])
def health(request):
    return {"status": "ok"}


def _register_routers() -> None:
    from dangbo.members.api import router as members_router
    from dangbo.orgs.api import router as orgs_router

    api.add_router("/orgs", orgs_router)
    api.add_router("/members", members_router)


_register_routers()
