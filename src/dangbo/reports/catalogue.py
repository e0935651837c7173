"""Imports every module that registers a kind of report (``kinds.register``), so that the
registry is full once the app is ready. A new kind of report adds its module here."""

# from . import annual, quarter, review_results, compliance, statistics  (as they land)
from . import (
    annual,  # noqa: F401 - registers "nam"
    compliance,  # noqa: F401 - registers "sinh-hoat"
    quarter,  # noqa: F401 - registers "quy"
    review_results,  # noqa: F401 - registers "danh-gia"
    statistics,  # noqa: F401 - registers "thong-ke"
)
