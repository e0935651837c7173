"""People's names where a record keeps a username (audit entries, opinion and review steps):
"Người ghi: Nguyễn Văn Ba", not "thuongvu" (issue 12). The username is shown only when the
account has no name, or no longer exists."""

from django import template
from django.contrib.auth import get_user_model

register = template.Library()

_CACHE_KEY = "dangbo_people_names"


@register.simple_tag(takes_context=True)
def person_name(context, username: str, default: str = "—") -> str:
    """The full name of the account ``username``; one query per distinct name in a page
    (remembered for the rest of the render)."""
    if not username:
        return default
    names = context.render_context.setdefault(_CACHE_KEY, {})
    if username not in names:
        user = (
            get_user_model()
            .objects.filter(username=username)
            .only("username", "first_name", "last_name")
            .first()
        )
        names[username] = (user.get_full_name().strip() if user else "") or username
    return names[username]
