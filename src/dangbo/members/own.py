"""A person's own record, as they read it themself ("Trang của tôi"): the link from a login
to its member (``Member.user``) and their record with its sensitive fields — one's own data
needs no grant (``queries.sensitive_fields``), and the read is logged like every other."""

from django.contrib.auth.models import User

from dangbo.core.types import Viewer

from .models import Member
from .queries import MemberFile, member_file


def own_member(user: Viewer) -> Member | None:
    """The member record linked to a login, if any (anonymous users have none)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    return Member.objects.select_related("org", "org__parent").filter(user=user).first()


def own_file(user: Viewer, *, channel: str = "web") -> MemberFile | None:
    """The login's own record, sensitive fields included (the read audited); None for a
    login without a member record."""
    member = own_member(user)
    return None if member is None else member_file(user, member, channel=channel)
