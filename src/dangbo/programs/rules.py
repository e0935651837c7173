"""The rules of programs and tasks as pure functions: how progress rolls up a task tree, when
a task is overdue or at risk, who may lead a task, and the checks every change of a task or
report must pass. No database access here: services and queries hand in plain values.

Roll-up (Decidim's accountability rule): a task's progress is its own reported percent when
it has one as of the date; otherwise the weighted mean (``Task.weight``) of its children's
progress; a task with neither (a leaf nobody reported on) is 0, and counts as 0 in its
parent's mean. Cancelled children are left out of their parent's mean (their work will not
be done, it is not missing); a parent whose children are all cancelled and which has no
report of its own is 0. A task reported done without a percent counts as 100.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from dangbo.core.errors import invalid

from .choices import TaskStatus

ZERO = Decimal(0)
HUNDRED = Decimal(100)
# Within this many days of its deadline a task below AT_RISK_PERCENT is at risk.
AT_RISK_DAYS = 30
AT_RISK_PERCENT = Decimal(80)
# Behind the straight line from start (0%) to deadline (100%) by more than this: at risk.
AT_RISK_LAG = Decimal(25)
# A program's tree is at most this deep (0 = the top level): 1 / 1.1 / 1.1.1 / … five levels.
MAX_DEPTH = 4
CLOSED = frozenset({TaskStatus.DONE.value, TaskStatus.CANCELLED.value})


@dataclass(frozen=True)
class Node:
    """A task as the roll-up sees it: ``own`` is the percent of its latest report with a
    percent as of the date (None: no such report); ``status`` its state as of the date."""

    id: int
    parent_id: int | None
    weight: Decimal = Decimal(1)
    own: Decimal | None = None
    status: str = TaskStatus.NOT_STARTED.value


@dataclass(frozen=True)
class Flags:
    overdue: bool = False
    at_risk: bool = False
    expected: Decimal | None = None  # linear expectation as of the date, when dated
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _own(node: Node) -> Decimal | None:
    if node.own is not None:
        return node.own
    if node.status == TaskStatus.DONE:
        return HUNDRED
    return None


def rollup(nodes: Iterable[Node]) -> dict[int, Decimal]:
    """Every task's progress (0..100, unrounded) by the rule of the module docstring.

    Iterative (children before parents, by depth from the leaves) so that any depth works;
    a node whose parent is not among ``nodes`` is a root."""
    by_id = {n.id: n for n in nodes}
    children: dict[int, list[Node]] = {}
    roots: list[Node] = []
    for node in by_id.values():
        if node.parent_id is not None and node.parent_id in by_id:
            children.setdefault(node.parent_id, []).append(node)
        else:
            roots.append(node)
    # Post-order without recursion.
    order: list[Node] = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(children.get(node.id, ()))
    result: dict[int, Decimal] = {}
    for node in reversed(order):
        own = _own(node)
        if own is not None:
            result[node.id] = own
            continue
        counted = [c for c in children.get(node.id, ()) if c.status != TaskStatus.CANCELLED]
        total = sum((c.weight for c in counted), ZERO)
        if not counted or total <= 0:
            result[node.id] = ZERO
            continue
        result[node.id] = sum((c.weight * result[c.id] for c in counted), ZERO) / total
    return result


def rolled_status(own_status: str | None, child_statuses: Iterable[str], percent: Decimal) -> str:
    """A task's state as of a date: its own latest report's, else from its children (all
    closed: done if one is done, else cancelled; any started or progress above 0: in
    progress)."""
    if own_status:
        return own_status
    states = list(child_statuses)
    if states and all(s in CLOSED for s in states):
        done = TaskStatus.DONE in states
        return TaskStatus.DONE.value if done else TaskStatus.CANCELLED.value
    if percent > 0 or any(s not in (TaskStatus.NOT_STARTED, TaskStatus.CANCELLED) for s in states):
        return TaskStatus.IN_PROGRESS.value
    return TaskStatus.NOT_STARTED.value


_NO_FLAGS = Flags()


def overdue_reason() -> str:
    """The reason given for an overdue task (in the active language)."""
    return _("Quá hạn")


def flags(
    *,
    status: str,
    percent: Decimal,
    start: date | None,
    deadline: date | None,
    as_of: date,
    overdue_text: str | None = None,
) -> Flags:
    """Overdue: the deadline has passed (deadline < as_of) and the task is neither done nor
    cancelled. At risk: not closed, not overdue, and either the deadline is within
    ``AT_RISK_DAYS`` days with progress below ``AT_RISK_PERCENT``, or the straight line from
    0% at the start to 100% at the deadline expects more than ``AT_RISK_LAG`` points above
    the progress. A suspended task is flagged like an open one (the clock does not stop).
    ``overdue_text``: ``overdue_reason()`` translated once by a caller flagging many tasks."""
    if status in CLOSED or deadline is None:
        return _NO_FLAGS
    expected = expected_percent(start, deadline, as_of)
    if deadline < as_of:
        reason = overdue_text if overdue_text is not None else overdue_reason()
        return Flags(overdue=True, expected=expected, reasons=(reason,))
    reasons: list[str] = []
    if deadline - as_of <= timedelta(days=AT_RISK_DAYS) and percent < AT_RISK_PERCENT:
        reasons.append(_("Sắp đến hạn, tiến độ dưới %(p)s%%") % {"p": AT_RISK_PERCENT})
    if expected is not None and expected - percent > AT_RISK_LAG:
        reasons.append(_("Chậm so với tiến độ dự kiến (%(e)s%%)") % {"e": round(expected)})
    return Flags(at_risk=bool(reasons), expected=expected, reasons=tuple(reasons))


def expected_percent(start: date | None, deadline: date | None, as_of: date) -> Decimal | None:
    """Where a task should be on ``as_of`` if it went at an even pace (None: undated)."""
    if start is None or deadline is None or as_of < start:
        return None if start is None or deadline is None else ZERO
    span = (deadline - start).days
    if span <= 0 or as_of >= deadline:
        return HUNDRED
    return HUNDRED * Decimal((as_of - start).days) / Decimal(span)


# ---------------------------------------------------------------- who may lead


def in_subtree(path: str, root_path: str) -> bool:
    """Whether the organisation at ``path`` is ``root_path``'s or below it."""
    return root_path <= path < root_path[:-1] + "/"


@dataclass(frozen=True)
class LeadSpan:
    """A Party organisation leading a partner body from ``valid_from`` to ``valid_to``."""

    org_path: str
    valid_from: date
    valid_to: date | None = None

    def open_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


def lead_allowed(
    program_org_path: str,
    *,
    lead_org_path: str | None = None,
    partner_leads: Iterable[LeadSpan] = (),
    days: Iterable[date] = (),
) -> bool:
    """A task's lead is an organisation of the program's committee's subtree, or a partner
    body led by an organisation of that subtree on one of ``days`` (the task's start, today)."""
    if lead_org_path is not None:
        return in_subtree(lead_org_path, program_org_path)
    on = list(days)
    return any(
        in_subtree(span.org_path, program_org_path) and any(span.open_on(d) for d in on)
        for span in partner_leads
    )


# ---------------------------------------------------------------- checks


def check_percent(percent: Decimal | None, field_name: str = "percent") -> None:
    if percent is not None and not ZERO <= percent <= HUNDRED:
        raise invalid(field_name, _("Tiến độ phải từ 0 đến 100%."))


def check_weight(weight: Decimal | None, field_name: str = "weight") -> None:
    if weight is None or weight <= 0:
        raise invalid(field_name, _("Trọng số phải lớn hơn 0."))


def check_interval(
    start: date | None, end: date | None, field_name: str = "deadline", *, required: bool = False
) -> None:
    """``end`` on or after ``start`` (a program's end, a task's deadline)."""
    if required and end is None:
        raise invalid(field_name, _("Chưa nhập ngày kết thúc."))
    if start is not None and end is not None and end < start:
        raise invalid(field_name, _("Thời hạn không được trước ngày bắt đầu."))


def check_backwards(
    previous: Decimal | None, percent: Decimal | None, reason: str, field_name: str = "reason"
) -> None:
    """Progress going down (below the latest reported percent) needs a reason."""
    if previous is not None and percent is not None and percent < previous and not reason.strip():
        raise invalid(
            field_name,
            _("Tiến độ giảm so với lần báo cáo trước (%(p)s%%): phải nêu lý do điều chỉnh.")
            % {"p": previous.normalize()},
        )


def check_report(percent: Decimal | None, milestone: str, status: str) -> None:
    """A report says something: a percent, a milestone, or a closing state."""
    check_percent(percent)
    if percent is None and not milestone.strip() and status not in CLOSED:
        raise invalid("percent", _("Phải nhập tiến độ (%) hoặc mốc đạt được."))
    if status == TaskStatus.DONE and percent is not None and percent < HUNDRED:
        raise invalid("status", _("Nhiệm vụ hoàn thành phải có tiến độ 100%."))


def check_depth(depth: int, field_name: str = "parent") -> None:
    if depth > MAX_DEPTH:
        raise invalid(
            field_name,
            _("Cây nhiệm vụ tối đa %(n)s cấp: không thể thêm sâu hơn.") % {"n": MAX_DEPTH + 1},
        )


def check_move(task_path: str, new_parent_path: str | None, field_name: str = "parent") -> None:
    """A task cannot go under itself or under one of its own sub-tasks."""
    if new_parent_path is not None and new_parent_path.startswith(task_path):
        raise invalid(field_name, _("Không thể chuyển nhiệm vụ vào chính nó hoặc nhiệm vụ con."))


def subtree_height(task_path: str, paths: Iterable[str]) -> int:
    """How many levels lie below the task at ``task_path`` among ``paths`` (0: a leaf)."""
    base = task_path.count(".")
    return max((p.count(".") - base for p in paths if p.startswith(task_path)), default=0)


def number_of(parent_number: str | None, position: int) -> str:
    """A task's number from its parent's and its 1-based position: "2", "2.3"."""
    return f"{parent_number}.{position}" if parent_number else str(position)


def numbers(rows: Iterable[tuple[int, int | None]]) -> dict[int, str]:
    """Numbers for ``(id, parent_id)`` rows given in tree order (siblings in position order)."""
    counters: dict[int | None, int] = {}
    out: dict[int, str] = {}
    for task_id, parent_id in rows:
        counters[parent_id] = counters.get(parent_id, 0) + 1
        out[task_id] = number_of(out.get(parent_id) if parent_id else None, counters[parent_id])
    return out


def percent_text(value: Decimal | None) -> str:
    """ "42%" for a page, an API field or the CLI: rounded to a whole percent."""
    if value is None:
        return "—"
    return f"{value.quantize(Decimal(1))}%"
