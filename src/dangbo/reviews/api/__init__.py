"""The reviews API: ``schemas`` (what goes in and out), ``reads`` (the read models the
detail endpoints answer with) and ``routes`` (the handlers)."""

from .routes import router

__all__ = ["router"]
