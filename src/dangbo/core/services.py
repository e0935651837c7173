"""Changes owned by core: users, role grants, API tokens. Same rules as every service: keyword-only ``actor``,
one transaction, validation first, an audit entry."""

import secrets
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import audit, scope
from .choices import AuditEvent, CoreAudit, DocumentKind, Role
from .dates import not_in_future, today
from .errors import invalid
from .models import ApiToken, LegalDocument, RoleGrant
from .text import clean_text
from .types import Actor

KEY_BYTES = 32
PREFIX_LENGTH = 8


@transaction.atomic
def issue_token(*, actor: Actor, user: User | None, name: str) -> str:
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
        action=CoreAudit.TOKEN_ISSUED,
        obj=token,
        summary=f"Cấp khóa API “{name}” ({token.prefix}…) cho {user.get_username()}",
    )
    return key


@transaction.atomic
def revoke_token(*, actor: Actor, token_id: int) -> ApiToken:
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
        action=CoreAudit.TOKEN_REVOKED,
        obj=token,
        summary=f"Thu hồi khóa API “{token.name}” ({token.prefix}…) của {token.user.get_username()}",
    )
    return token


def _password_message(error) -> str:
    """Django ships no Vietnamese for its password validators: say it by error code."""
    if error.code == "password_too_short":
        return f"quá ngắn, cần ít nhất {(error.params or {}).get('min_length', 8)} ký tự"
    known = {
        "password_too_common": "quá phổ biến, dễ bị đoán",
        "password_entirely_numeric": "không được chỉ gồm chữ số",
        "password_too_similar": "quá giống thông tin của người dùng",
    }
    return known.get(error.code) or " ".join(error.messages)


@transaction.atomic
def create_user(*, actor: Actor, username: str, password: str, full_name: str = ""):
    """A login for a person; what they may see comes only from role grants."""

    user_model = get_user_model()
    username = clean_text(username, "Tên đăng nhập", max_length=150, field="username")
    if user_model.objects.filter(username__iexact=username).exists():
        raise invalid("username", f"Tên đăng nhập: “{username}” đã có người dùng.")
    full_name = clean_text(
        full_name, "Họ và tên", max_length=150, required=False, field="full_name"
    )
    user = user_model(username=username, first_name=full_name)
    try:
        validate_password(password or "", user)  # "too similar" needs the user's names
    except ValidationError as exc:
        reasons = "; ".join(_password_message(e) for e in exc.error_list)
        raise invalid("password", f"Mật khẩu: {reasons}.") from exc
    user.set_password(password)
    user.save()
    audit.record(
        actor=actor, action=CoreAudit.USER_CREATED, obj=user, summary=f"Tạo người dùng {username}"
    )
    return user


@transaction.atomic
def grant_role(
    *, actor: Actor, user: User, role: str, org, can_view_sensitive: bool = False, valid_from=None
) -> RoleGrant:
    """Give ``user`` a role over ``org``'s subtree (the only way access is granted).

    A person (``actor``; None is the system, e.g. the command line) grants only inside their
    own admin subtree, never to themselves (four-eyes), and the right to read sensitive data
    only where they hold it themselves."""

    if actor is not None and actor.pk == user.pk:
        raise invalid("user", "Không được tự cấp vai trò cho chính mình.")
    if actor is not None and org is not None and not scope.covers(actor, scope.MANAGE_USERS, org):
        raise invalid(
            "org",
            f"Tổ chức: không tìm thấy tổ chức mã “{org.code}” trong phạm vi quản trị của bạn.",
        )
    if (
        actor is not None
        and org is not None
        and can_view_sensitive
        and not scope.covers(actor, scope.SENSITIVE, org)
    ):
        raise invalid(
            "can_view_sensitive",
            f"Được xem thông tin nhạy cảm: bạn không có quyền này tại “{org.name}” "
            "nên không cấp được cho người khác.",
        )
    if role not in Role.values:
        raise invalid("role", "Vai trò: không hợp lệ.")
    if org is None:
        raise invalid("org", "Tổ chức: bắt buộc.")
    if role == Role.MEMBER and can_view_sensitive:
        raise invalid(
            "can_view_sensitive", "Vai trò đảng viên không được cấp quyền xem thông tin nhạy cảm."
        )
    if role == Role.MEMBER and not hasattr(user, "member"):
        raise invalid("user", "Vai trò đảng viên: người dùng chưa gắn với hồ sơ đảng viên nào.")
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        org=org,
        can_view_sensitive=can_view_sensitive,
        valid_from=valid_from or today(),
    )
    audit.record(
        actor=actor,
        action=CoreAudit.ROLE_GRANTED,
        obj=grant,
        summary=f"Cấp vai trò {Role(role).label} tại {org} cho {user.get_username()}"
        + (" (được xem thông tin nhạy cảm)" if can_view_sensitive else ""),
        after={"role": role, "org": org.code, "sensitive": can_view_sensitive},
    )
    return grant


@transaction.atomic
def end_grant(*, actor: Actor, grant: RoleGrant, valid_to=None) -> RoleGrant:
    """End a role; nobody ends their own (four-eyes)."""

    grant = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("user", "org")
        .get(pk=grant.pk)
    )
    if actor is not None and actor.pk == grant.user_id:
        raise invalid("grant", "Không được tự kết thúc vai trò của chính mình.")
    valid_to = valid_to or today()
    if grant.valid_to is not None:
        raise invalid("grant", "Vai trò này đã kết thúc.")
    if valid_to < grant.valid_from:
        raise invalid("valid_to", "Ngày kết thúc: trước ngày bắt đầu.")
    grant.valid_to = valid_to
    grant.save(update_fields=["valid_to"])
    audit.record(
        actor=actor,
        action=CoreAudit.ROLE_ENDED,
        obj=grant,
        summary=f"Kết thúc vai trò {grant.get_role_display()} của {grant.user.get_username()}",
    )
    return grant


@dataclass(frozen=True)
class DocumentRef:
    """The decision a form or a request names (number, issuer, date): the service that records
    the change registers it, or finds it, inside its own transaction."""

    number: str
    issuer: str
    issue_date: date | None
    kind: str = "QD"
    title: str = ""


Document = LegalDocument | DocumentRef | None


def resolve_document(*, actor: Actor, document: Document) -> LegalDocument | None:
    """A registered document for what the caller named (None stays None)."""
    if document is None or isinstance(document, LegalDocument):
        return document
    return register_document(
        actor=actor,
        number=document.number,
        issuer=document.issuer,
        issue_date=document.issue_date,
        kind=document.kind,
        title=document.title,
    )


@transaction.atomic
def register_document(
    *, actor: Actor, number: str, issuer: str, issue_date, kind: str = "QD", title: str = ""
):
    """The legal document a decision cites, found by its identity (number + issuer + date,
    never the number alone: numbers repeat across years) or registered once."""

    number = clean_text(number, "Số văn bản", max_length=64, field="doc_number")
    issuer = clean_text(issuer, "Cơ quan ban hành", max_length=200, field="doc_issuer")
    title = clean_text(title, "Trích yếu", max_length=500, required=False, field="doc_title")
    if issue_date is None:
        raise invalid("doc_date", "Ngày ban hành: bắt buộc khi ghi số văn bản.")
    not_in_future(issue_date, "doc_date", "Ngày ban hành")
    if kind not in DocumentKind.values:
        raise invalid("doc_kind", "Loại văn bản: không hợp lệ.")
    document, created = LegalDocument.objects.get_or_create(
        number=number,
        issuer=issuer,
        issue_date=issue_date,
        defaults={"kind": kind, "title": title, "effective_from": issue_date},
    )
    if created:
        audit.record(
            actor=actor,
            action=CoreAudit.DOCUMENT_REGISTERED,
            obj=document,
            summary=f"Ghi nhận văn bản {number} ngày {issue_date:%d/%m/%Y} của {issuer}",
        )
    return document


@transaction.atomic
def record_export(
    *, actor: Actor, queryset, action: AuditEvent, what: str, summary: str, after: dict
):
    """An export is a disclosure: one audit entry with its size, then the rows to stream.
    ``summary`` has ``%(n)s`` for the number of rows."""
    n = queryset.count()
    audit.record(
        actor=actor,
        action=action,
        object_type="export",
        object_id=what,
        summary=summary % {"n": n},
        after={**after, "count": n},
    )
    return queryset.iterator(chunk_size=2000)
