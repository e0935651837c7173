"""Who may act on an evaluation, shared by the web views and the API (rule 24 and the
four-eyes habit: nobody decides their own case)."""

from django.core.exceptions import ObjectDoesNotExist

from dangbo.core import scope

from .choices import EvaluationState
from .services import competent_body


def own_member(user):
    """The member record linked to a login, if any (anonymous users have none)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.member
    except (ObjectDoesNotExist, AttributeError):
        return None


def is_own(user, evaluation) -> bool:
    member = own_member(user)
    return member is not None and evaluation.member_id == member.pk


def may_view(user, evaluation) -> bool:
    return is_own(user, evaluation) or scope.covers(user, scope.VIEW, evaluation.org)


def may_self_assess_member(user, member, cell) -> bool:
    """The member themself, or the organisation's staff entering it on their behalf."""
    own = own_member(user)
    return (own is not None and own.pk == member.pk) or scope.covers(user, scope.CHANGE, cell)


def may_self_assess_org(user, org) -> bool:
    return scope.covers(user, scope.CHANGE, org)


def may(user, op: str, evaluation) -> bool:
    """``op`` in propose / return / decide, in the evaluation's current state."""
    if evaluation.cycle.locked:
        return False
    if op == "propose":
        if evaluation.state not in (EvaluationState.SELF_ASSESSED, EvaluationState.RETURNED):
            return False
        if evaluation.member_id:  # the cell proposes (its secretary records meetings)
            return scope.covers(user, scope.MEETINGS, evaluation.org) and not is_own(
                user, evaluation
            )
        return scope.covers(user, scope.CHANGE, competent_body(evaluation))
    if op in ("return", "decide"):
        if evaluation.state != EvaluationState.PROPOSED or is_own(user, evaluation):
            return False
        return scope.covers(user, scope.CHANGE, competent_body(evaluation))
    return False


def may_manage_cycle(user, cycle) -> bool:
    return scope.covers(user, scope.CHANGE, cycle.org)
