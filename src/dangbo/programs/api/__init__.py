"""The programs API: the document register (``documents``), programs, tasks and progress
(``tasks``), partner bodies and who answers for what (``partners``)."""

from .documents import router as documents_router
from .partners import router as partners_router
from .tasks import router as programs_router

__all__ = ["documents_router", "partners_router", "programs_router"]
