"""Types every layer shares."""

from django.contrib.auth.models import AnonymousUser, User

# Who does something: a person, or None for the system (a command, the demo loader, a
# migration). Every service takes it keyword-only and records it in the audit log.
Actor = User | None

# Who is looking: a signed-in person or the anonymous visitor of a request. Scope answers for
# both (the anonymous visitor may see nothing).
Viewer = User | AnonymousUser
