"""What the detail endpoints answer: a cycle or an evaluation with what the caller sees of
it, as frozen read models (nothing is pinned onto the model instances).

A report reads as its cycle (its evaluation) for the fields the model has, so that the
detail schemas extend the list schemas without repeating them."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from dangbo.core import scope
from dangbo.core.types import Actor
from dangbo.orgs.models import Organisation

from .. import permissions, queries, services
from ..models import Evaluation, EvaluationStep, Remedy, RemedyGroup, ReviewCycle

EVALUATIONS = Evaluation.objects.select_related(
    "cycle",
    "scheme",
    "member",
    "subject_org",
    "org",
    "self_level",
    "proposed_level",
    "final_level",
    "decided_by",
)


@dataclass(frozen=True)
class CycleReport:
    """A cycle with its progress, results and quotas as ``user`` may see them."""

    cycle: ReviewCycle
    progress_members: queries.StateCounts
    progress_organisations: queries.StateCounts
    levels_members: list[queries.LevelCount]
    levels_organisations: list[queries.LevelCount]
    quotas: list[queries.QuotaUsage]
    remedy_groups: list[RemedyGroup]
    open_remedies: list[Remedy]
    may_manage: bool

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle: not the model's
            raise AttributeError(name)
        return getattr(self.cycle, name)


def cycle_report(user: Actor, cycle: ReviewCycle) -> CycleReport:
    """Progress and results of the evaluations ``user`` sees; the quotas (rule 23 counts the
    whole peer group) and the remedies still open only for those who see all of the cycle."""
    visible = permissions.visible_evaluations(user, Evaluation.objects.filter(cycle=cycle))
    progress = queries.progress(visible)
    full = permissions.cycle_access(user, cycle) == permissions.CycleAccess.FULL
    groups = (
        RemedyGroup.objects.filter(cycle=cycle)
        .select_related("org")
        .prefetch_related("shortcomings", "remedies")
        .order_by("org__path", "position", "id")
    )
    return CycleReport(
        cycle=cycle,
        progress_members=progress.members,
        progress_organisations=progress.organisations,
        levels_members=progress.member_levels,
        levels_organisations=progress.org_levels,
        quotas=queries.quota_usage(cycle) if full else [],
        remedy_groups=[g for g in groups if scope.covers(user, scope.VIEW, g.org)],
        open_remedies=list(services.open_remedies(cycle.org, cycle)) if full else [],
        may_manage=permissions.may_manage_cycle(user, cycle),
    )


@dataclass(frozen=True)
class EvaluationReport:
    """An evaluation with its chain, its competent body and what ``user`` may do next."""

    evaluation: Evaluation
    competent_body: Organisation
    steps: list[EvaluationStep]
    allowed_ops: list[str]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle: not the model's
            raise AttributeError(name)
        return getattr(self.evaluation, name)


def evaluation_report(user: Actor, pk: int) -> EvaluationReport:
    evaluation = (
        EVALUATIONS.prefetch_related(
            Prefetch("steps", queryset=EvaluationStep.objects.select_related("level", "org"))
        )
        .filter(pk=pk)
        .get()
    )
    return EvaluationReport(
        evaluation=evaluation,
        competent_body=services.competent_body(evaluation),
        steps=list(evaluation.steps.all()),
        allowed_ops=[op.value for op in permissions.OPS if permissions.may(user, op, evaluation)],
    )
