"""The reports API: kinds, building a report (the same figures and text as the web page),
issued reports."""

from .routes import router as reports_router

__all__ = ["reports_router"]
