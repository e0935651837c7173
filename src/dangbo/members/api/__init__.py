"""The members API: ``schemas`` (what goes in and out) and ``routes`` (the handlers)."""

from .routes import router

__all__ = ["router"]
