"""Who may see a review cycle and its evaluations, and act on an evaluation: shared by the
web views and the API so that both answer the same (rule 24 and the four-eyes habit:
nobody decides their own case)."""

from enum import StrEnum

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from dangbo.core import scope
from dangbo.core.types import Viewer
from dangbo.members.choices import MembershipKind
from dangbo.members.models import Membership

from . import queries
from .choices import EvaluationState, ReviewOp
from .models import Evaluation, ReviewCycle
from .services import cell_of, competent_body

OPS = tuple(ReviewOp)
_FROM_STATES = {
    ReviewOp.PROPOSE: (EvaluationState.SELF_ASSESSED, EvaluationState.RETURNED),
    ReviewOp.RETURN: (EvaluationState.PROPOSED,),
    ReviewOp.DECIDE: (EvaluationState.PROPOSED,),
}


def own_member(user: Viewer):
    """The member record linked to a login, if any (anonymous users have none)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    try:
        return user.member
    except (ObjectDoesNotExist, AttributeError):
        return None


def is_own(user: Viewer, evaluation) -> bool:
    member = own_member(user)
    return member is not None and evaluation.member_id == member.pk


def _own_cycles_q(own) -> Q:
    """Cycles ``own`` is reviewed in, or whose subtree they belonged to as an official
    member during the period (``services.cell_of`` as a filter)."""
    q = Q(pk__in=Evaluation.objects.filter(member=own).values("cycle_id"))
    for ms in Membership.objects.filter(member=own, kind=MembershipKind.OFFICIAL).select_related(
        "org"
    ):
        during = Q(period_end__gte=ms.valid_from)
        if ms.valid_to is not None:
            during &= Q(period_start__lte=ms.valid_to)
        q |= queries.cycles_of(ms.org) & during
    return q


def cycles_q(user: Viewer) -> Q | None:
    """The review cycles ``user`` takes part in, as a filter (None: all of them): those of
    the organisations they see and of the organisations above them (a cell's secretary
    takes part in the district's review), and those their own member record is reviewed in
    or belonged to during the period."""
    roots = scope.roots(user, scope.VIEW)
    if roots is None:
        return None
    q = Q(pk__in=[])
    for root in roots:
        q |= queries.cycles_of(root, below=True)
    own = own_member(user)
    if own is not None:
        q |= _own_cycles_q(own)
    return q


def visible_cycles(user: Viewer, base=None):
    """``base`` (all cycles by default) narrowed to those ``user`` takes part in."""
    base = ReviewCycle.objects.all() if base is None else base
    q = cycles_q(user)
    return base if q is None else base.filter(q)


class CycleAccess(StrEnum):
    """How much of a review cycle a user sees."""

    FULL = "full"  # VIEW on the cycle's organisation: its counts, remedies, management
    PARTIAL = "partial"  # takes part in it otherwise (``cycles_q``)


def cycle_access(user: Viewer, cycle) -> CycleAccess | None:
    """FULL with VIEW on the cycle's organisation (its counts, remedies, management);
    PARTIAL for those who take part in it otherwise (``cycles_q``); None: not visible."""
    if scope.covers(user, scope.VIEW, cycle.org):
        return CycleAccess.FULL
    if visible_cycles(user).filter(pk=cycle.pk).exists():
        return CycleAccess.PARTIAL
    return None


def visible_evaluations(user: Viewer, base=None):
    """Evaluations in ``user``'s scope, and their own member record's."""
    base = Evaluation.objects.all() if base is None else base
    visible = scope.restrict(base, user)
    own = own_member(user)
    return visible | base.filter(member=own) if own is not None else visible


def may_view(user: Viewer, evaluation) -> bool:
    return is_own(user, evaluation) or scope.covers(user, scope.VIEW, evaluation.org)


def may_self_assess(user: Viewer, cycle, *, member=None, subject_org=None) -> bool:
    """A member themself, or the staff of their cell in the cycle (else their current
    cell) entering it on their behalf; an organisation's own staff."""
    if subject_org is not None:
        return scope.covers(user, scope.CHANGE, subject_org)
    own = own_member(user)
    if own is not None and own.pk == member.pk:
        return True
    return scope.covers(user, scope.CHANGE, cell_of(member, cycle) or member.org)


def acts_for(user: Viewer, op: str, evaluation) -> bool:
    """Whether ``user`` acts for the side that performs ``op`` (the cell proposes for its
    members; the competent body proposes for an organisation, returns and decides),
    whatever the evaluation's state."""
    if op == ReviewOp.PROPOSE and evaluation.member_id:
        return scope.covers(user, scope.MEETINGS, evaluation.org)
    return op in OPS and scope.covers(user, scope.CHANGE, competent_body(evaluation))


def may_attempt(user: Viewer, op: str, evaluation) -> bool:
    """Whether a request for ``op`` reaches the service: the user may do it now, or acts
    for its side while the state, the window, the lock or their own case refuses it (the
    service then says why). Anything else is refused as absent (404)."""
    return may(user, op, evaluation) or acts_for(user, op, evaluation)


def may(user: Viewer, op: str, evaluation) -> bool:
    """Whether ``user`` may ``op`` (propose / return / decide) now: the evaluation's state
    allows it, the cycle is not locked, it is not their own case, and they act for its
    side."""
    return (
        op in OPS
        and not evaluation.cycle.locked
        and evaluation.state in _FROM_STATES[ReviewOp(op)]
        and not is_own(user, evaluation)
        and acts_for(user, op, evaluation)
    )


def may_manage_cycle(user: Viewer, cycle) -> bool:
    return scope.covers(user, scope.CHANGE, cycle.org)
