"""Who is acting, and for which request: set by the middleware or the CLI, read by the audit."""

import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ActContext:
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    ip: str = ""
    channel: str = "system"  # web, api, cli, system


_current: contextvars.ContextVar[ActContext | None] = contextvars.ContextVar(
    "dangbo_act_context", default=None
)


def current() -> ActContext:
    ctx = _current.get()
    return ctx if ctx is not None else ActContext()


def current_request_id() -> str:
    """The bound request's id; "" outside a request (nothing to remember anything for)."""
    ctx = _current.get()
    return ctx.request_id if ctx is not None else ""


def bind(ctx: ActContext) -> contextvars.Token:
    return _current.set(ctx)


def unbind(token: contextvars.Token) -> None:
    _current.reset(token)
