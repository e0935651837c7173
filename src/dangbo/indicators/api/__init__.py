"""The indicators API: definitions, targets and values (``values``), and the new-rural
standard (``ntm``)."""

from .ntm import router as ntm_router
from .values import router as indicators_router

__all__ = ["indicators_router", "ntm_router"]
