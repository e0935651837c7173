"""The register of processing activities, declared by the code that does the processing.

The personal-data law (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 and Nghị định 356/2025/NĐ-CP,
brief §9) asks a controller to know what it processes, why, on what basis, for how long and
who receives it. Each app declares its own activities in its ``AppConfig.ready()``
(``core.privacy.declare``), beside the code that collects the data, so the register shown to
the office (and printed by ``dangbo retention --register``) is generated from the code and
cannot drift from it. An activity may carry a retention step: ``dangbo retention`` (and the
worker, daily) runs every step that is due, in one transaction each, audited.

Core imports no domain app: the steps are callables registered from above.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Retention:
    """How long an activity's data is kept, and the step that erases or anonymises what is
    due: ``run(now, actor)`` returns how many records it erased or anonymised."""

    period: str  # as the register prints it: "2 năm kể từ khi kết thúc xử lý"
    run: Callable[[datetime, Any], int]
    action: str = "anonymise"  # "erase" or "anonymise": what the step does to a record


@dataclass(frozen=True)
class Processing:
    """One processing activity of the register (an entry of "sổ theo dõi hoạt động xử lý")."""

    code: str  # stable key, "portal.comments"
    name: str
    purpose: str
    subjects: str
    data: tuple[str, ...]
    legal_basis: str
    recipients: str
    retention: Retention | None = None
    sensitive: bool = False
    sensitive_data: tuple[str, ...] = field(default_factory=tuple)
    consent_purpose: str = ""  # the consent purpose code the activity relies on, if any


@dataclass(frozen=True)
class ConsentPurpose:
    """A purpose people consent to, with the exact words they were shown (law Art. 9: consent
    is informed of the data, the purpose and how long it is kept). A changed text takes a new
    ``version``; each consent record keeps the version and the text it was given under.
    ``on_withdraw(ref)`` lets the app that holds the data act when a consent is withdrawn
    (``ref`` is the record's "app.kind:id" reference)."""

    code: str
    version: int
    text: str
    on_withdraw: Callable[[str], None] | None = None


_REGISTER: dict[str, Processing] = {}
_PURPOSES: dict[str, ConsentPurpose] = {}


def declare(activity: Processing) -> None:
    """Add ``activity`` (idempotent: ``ready()`` may run twice in tests)."""
    _REGISTER[activity.code] = activity


def register() -> list[Processing]:
    """Every declared activity, in a stable order (by code)."""
    return [_REGISTER[code] for code in sorted(_REGISTER)]


def activity(code: str) -> Processing | None:
    return _REGISTER.get(code)


def declare_purpose(purpose: ConsentPurpose) -> None:
    _PURPOSES[purpose.code] = purpose


def purpose(code: str) -> ConsentPurpose | None:
    return _PURPOSES.get(code)


def purposes() -> list[ConsentPurpose]:
    return [_PURPOSES[code] for code in sorted(_PURPOSES)]
