"""Who is logged in, without two queries per page.

Django's ``ModelBackend`` reads the user on every request, and ``scope`` then reads their
grants. At national scale the pages themselves come from the cache, so these two reads were
most of what a page cost (issue 17). Both are cached together per user, day and data
version: every change in dangbo — a grant, a deactivation, a password set through dangbo —
is audited and so moves the version. A change made outside dangbo (Django's own
``changepassword``) is seen within ``TIMEOUT`` seconds at the latest.
"""

from django.contrib.auth.backends import ModelBackend
from django.db.models.signals import post_delete, post_save

from dangbo.core import cache, replicas, scope
from dangbo.core.dates import today

TIMEOUT = 60


def _key(user_id) -> tuple:
    return ("user", user_id, today().isoformat())


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        def load():
            user = super(CachedModelBackend, self).get_user(user_id)
            if user is not None:
                scope.active_grants(user)  # kept on the object, pickled with it
            return user

        with replicas.primary():
            return cache.versioned(_key(user_id), load, timeout=TIMEOUT)


def forget(sender, instance, **kwargs) -> None:
    """A user saved or deleted in this process (or through a shared cache) is read again."""
    user_id = getattr(instance, "user_id", None) or getattr(instance, "pk", None)
    cache.forget(_key(user_id))


def connect() -> None:
    from django.contrib.auth import get_user_model

    from dangbo.core.models import RoleGrant

    for model in (get_user_model(), RoleGrant):
        post_save.connect(forget, sender=model, dispatch_uid=f"dangbo-user-cache-{model}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"dangbo-user-cache-d-{model}")
