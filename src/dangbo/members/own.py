"""A person's own record, as they read it themself ("Trang của tôi"): the link from a login
to its member (``Member.user``) and the one read that needs no grant — one's own data,
sensitive fields included — logged like every other sensitive read."""

from django.contrib.auth.models import User

from dangbo.core import audit
from dangbo.core.types import Viewer

from .choices import MemberAudit
from .models import SENSITIVE_FIELDS, Member
from .queries import MemberFile, summary


def own_member(user: Viewer) -> Member | None:
    """The member record linked to a login, if any (anonymous users have none)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    return Member.objects.select_related("org", "org__parent").filter(user=user).first()


def own_file(user: Viewer, *, channel: str = "web") -> MemberFile | None:
    """The login's own record with its sensitive fields (a person may see their own data
    without a grant); the read is an audit entry like any sensitive read. None for a login
    without a member record."""
    member = own_member(user)
    if member is None:
        return None
    audit.record(
        actor=user,
        action=MemberAudit.SENSITIVE_READ,
        obj=member,
        summary=f"Xem thông tin nhạy cảm của chính mình ({channel})",
        after={"fields": list(SENSITIVE_FIELDS), "own": True},
    )
    return MemberFile(
        member=member,
        summary=summary(member, sensitive=True),
        sensitive={name: getattr(member, name) for name in SENSITIVE_FIELDS},
    )
