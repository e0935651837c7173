"""Who may do what to an opinion: the committee that received it steers it (assign, send
back for more work, close), the organisation it was assigned to handles it (take up, answer,
return, escalate). Shared by the web views and the API so both answer the same."""

from dangbo.core import audit, scope
from dangbo.core.types import Viewer

from .choices import OpinionAudit, OpinionState
from .models import Opinion
from .services import TRANSITIONS

OWNER_ACTION = scope.OVERSEE
HANDLER_ACTION = scope.CHANGE


def may(user: Viewer, op: str, opinion: Opinion) -> bool:
    """Whether ``user`` may perform ``op`` on ``opinion`` in its current state."""
    spec = TRANSITIONS.get(op)
    if spec is None or opinion.state not in spec[0]:
        return False
    side = spec[2]
    if op == "answer" and opinion.state == OpinionState.RECEIVED:
        side = "owner"  # answered on the spot by whoever heard it
    if side == "owner":
        return scope.covers(user, OWNER_ACTION, opinion.received_by)
    return opinion.assigned_to is not None and scope.covers(
        user, HANDLER_ACTION, opinion.assigned_to
    )


def allowed_ops(user: Viewer, opinion: Opinion) -> list[str]:
    return [op for op in TRANSITIONS if may(user, op, opinion)]


def may_attempt(user: Viewer, op: str, opinion: Opinion) -> bool:
    """Whether a request for ``op`` reaches the service: the user may do it now, or the
    opinion's state does not allow it (the service then says why, naming the state) and the
    user acts for either side of the opinion. Anything else is refused as absent (404)."""
    spec = TRANSITIONS.get(op)
    if spec is None:
        return False
    if opinion.state in spec[0]:
        return may(user, op, opinion)
    return scope.covers(user, OWNER_ACTION, opinion.received_by) or (
        opinion.assigned_to is not None and scope.covers(user, HANDLER_ACTION, opinion.assigned_to)
    )


def may_see_submitter(user: Viewer, opinion: Opinion) -> bool:
    """The submitter's identity needs an explicit sensitive grant over where it was heard
    or over the committee that received it."""
    return any(
        scope.covers(user, scope.SENSITIVE, org) for org in (opinion.org, opinion.received_by)
    )


def submitter_hidden(user: Viewer, opinion: Opinion) -> bool:
    """Whether a submitter was recorded that ``user`` may not see (``submitter`` is then
    None); asking is not a read, and is not logged."""
    recorded = bool(opinion.submitter_name or opinion.submitter_contact)
    return recorded and not may_see_submitter(user, opinion)


def submitter(user: Viewer, opinion: Opinion, *, channel: str = "web") -> dict[str, str] | None:
    """The submitter's name and contact if the user may see them; every read is logged.
    None when hidden; an empty dict when nothing was recorded."""
    if not (opinion.submitter_name or opinion.submitter_contact):
        return {}
    if not may_see_submitter(user, opinion):
        return None
    audit.record(
        actor=user,
        action=OpinionAudit.SENSITIVE_READ,
        obj=opinion,
        summary=f"Xem thông tin người nêu ý kiến #{opinion.pk} ({channel})",
    )
    return {"name": opinion.submitter_name, "contact": opinion.submitter_contact}
