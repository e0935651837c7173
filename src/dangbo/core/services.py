"""Changes owned by core: API tokens. Same rules as every service: keyword-only ``actor``,
one transaction, validation first, an audit entry."""

import secrets

from django.db import transaction
from django.utils import timezone

from . import audit
from .errors import invalid
from .models import ApiToken
from .text import clean_text

KEY_BYTES = 32
PREFIX_LENGTH = 8


@transaction.atomic
def issue_token(*, actor, user, name: str) -> str:
    """Create a token for ``user`` and return its clear key: the only time anyone sees it,
    because only the SHA-256 is stored."""
    name = clean_text(name, "Tên khóa", max_length=100)
    if user is None or not getattr(user, "is_active", False):
        raise invalid("user", "Người dùng: không tồn tại hoặc đã bị khóa.")
    key = secrets.token_urlsafe(KEY_BYTES)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:PREFIX_LENGTH]
    )
    audit.record(
        actor=actor,
        action="api.token_issued",
        obj=token,
        summary=f"Cấp khóa API “{name}” ({token.prefix}…) cho {user.get_username()}",
    )
    return key


@transaction.atomic
def revoke_token(*, actor, token_id: int) -> ApiToken:
    """Revoke a token; it stays in the table so that the audit trail can name it."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise invalid("token_id", f"Khóa API: không có khóa số {token_id}.")
    if token.revoked_at is not None:
        raise invalid("token_id", f"Khóa API số {token_id} đã bị thu hồi trước đó.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="api.token_revoked",
        obj=token,
        summary=f"Thu hồi khóa API “{token.name}” ({token.prefix}…) của {token.user.get_username()}",
    )
    return token
