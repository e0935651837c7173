"""The kinds of report: one registry that the web page, the API, the command and the
background task all read, so that each kind is built by one function and every format of it
comes from the same build.

A builder takes the organisation, the period and the viewer (whose scope bounds every count)
and returns a ``Built``: the official document (``core.office``), the sheets of its tables,
and the named figures its text states (JSON-able: they are what an issued report freezes and
what "changes since issued" compares).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from dangbo.core.office import OfficialDocument, to_text
from dangbo.core.office.sheet import Sheet

QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None  # 1–4; None for the whole year

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        month = 12 if self.quarter is None else 3 * self.quarter
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        """ "năm 2016", "quý II năm 2016"."""
        if self.quarter is None:
            return f"năm {self.year}"
        return f"quý {QUARTER_NAMES[self.quarter]} năm {self.year}"

    @property
    def slug(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}-q{self.quarter}"


class Progress(Protocol):
    def __call__(self, done: int, total: int, phase: str = "") -> None: ...


def no_progress(done: int, total: int, phase: str = "") -> None:
    return None


@dataclass
class Built:
    kind: str
    org: Any  # orgs.Organisation
    period: Period
    document: OfficialDocument
    sheets: list[Sheet] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return to_text(self.document)


Builder = Callable[..., Built]  # builder(org, period, *, viewer, progress=no_progress) -> Built


@dataclass(frozen=True)
class Kind:
    key: str  # "nam", "quy", "danh-gia", "sinh-hoat", "thong-ke": in URLs and the command
    label: str  # "Báo cáo năm"
    build: Builder
    quarterly: bool = False  # takes a quarter
    formats: tuple[str, ...] = ("text", "docx", "pdf", "xlsx")
    background: bool = False  # big: built by a background task on the web
    description: str = ""


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _kinds[kind.key] = kind
    return kind


def get(key: str) -> Kind:
    return _kinds[key]


def all_kinds() -> list[Kind]:
    return list(_kinds.values())
