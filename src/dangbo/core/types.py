"""Types every layer shares."""

from django.contrib.auth.models import User

# Who does something: a person, or None for the system (a command, the demo loader, a
# migration). Every service takes it keyword-only and records it in the audit log.
Actor = User | None
