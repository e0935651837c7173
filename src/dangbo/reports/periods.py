"""What the reports of other periods and levels share (``quy``, ``danh-gia``, ``sinh-hoat``):
the scope check, the issuing committee, the words for an organisation's kind, the sentence
patterns of ``phrases/periods.toml`` and the Vietnamese way of writing counts and shares.

A report reads naturally for a cell, a commune, a district and a province: the nouns come
from the kinds of organisation it counts, and a sentence whose count is 0 is either said as
its "none" case or left out (never "0 chi bộ")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import Http404

from dangbo.core import scope
from dangbo.core.dates import today
from dangbo.core.office import Column, OfficialDocument
from dangbo.core.office.sheet import Col, Sheet, col
from dangbo.core.text import vn_number
from dangbo.orgs.choices import CELL_KINDS, GRASSROOTS_KINDS, OrgKind
from dangbo.orgs.models import Organisation

from . import annual, prose, wording

# ------------------------------------------------------------------ scope and dates


def check_viewer(org: Organisation, viewer: Any) -> None:
    """A report counts a whole subtree: the viewer must see all of it (a grant on ``org`` or
    above). ``viewer`` None is the operator at the command line. Out of scope reads as
    missing (404), as every page of dangbo does."""
    if viewer is not None and not scope.covers(viewer, scope.VIEW, org):
        raise Http404


def as_of_for(end: date) -> date:
    """The day a period's figures stand on: its last day, or today while it runs."""
    return min(end, today())


# ------------------------------------------------------------------ words


@dataclass(frozen=True)
class Words:
    """How a report names what it counts, from the organisation's kind."""

    subject: str  # "Đảng bộ huyện Tam Dương"
    children: str  # what sits directly below: "tổ chức cơ sở đảng", "chi bộ", "đảng bộ"
    cells: str = "chi bộ"  # a cell, whatever its level
    members: str = "đảng viên"


def children_noun(kinds: set[str]) -> str:
    """The organisations directly below, named as a report names them."""
    if not kinds:
        return "tổ chức đảng trực thuộc"
    if kinds <= set(CELL_KINDS):
        return "chi bộ"
    if kinds <= set(GRASSROOTS_KINDS):
        return "chi, đảng bộ cơ sở"
    if kinds <= {
        OrgKind.DISTRICT_COMMITTEE,
        OrgKind.COMMUNE_COMMITTEE,
        OrgKind.BLOC_COMMITTEE,
        OrgKind.PROVINCE_COMMITTEE,
    }:
        return "đảng bộ trực thuộc"
    return "tổ chức đảng trực thuộc"


def words_for(org: Organisation, child_kinds: set[str]) -> Words:
    return Words(subject=org.name, children=children_noun(child_kinds))


def committee_name(org: Organisation) -> str:
    """ "Huyện ủy Tam Dương", "Đảng ủy xã Kim Long", "Chi bộ thôn Đồng Bông"."""
    return annual.committee_of(org).name


def body_of(org: Organisation) -> str:
    """Who recognises and reports: "Ban Thường vụ Huyện ủy Tam Dương", "Đảng ủy xã …"."""
    return annual.committee_of(org).body


def report_document(
    org: Organisation,
    as_of: date,
    year: int,
    summary: str,
    blocks: list[Any],
    keywords: tuple[str, ...],
) -> OfficialDocument:
    """A period report (BÁO CÁO … -BC/…) of ``org``: the issuer, signature and recipients of
    every report (``annual``), the summary as its title."""
    return OfficialDocument(
        issuer=annual.issuer_of(org),
        kind="BÁO CÁO",
        kind_code="BC",
        day=as_of,
        period_year=year,
        summary=summary,
        blocks=tuple(blocks),
        signature=annual.signature_of(org, as_of),
        recipients=annual.recipients_of(org),
        title=f"Báo cáo {summary[:1].lower()}{summary[1:]}",
        keywords=keywords,
    )


# ------------------------------------------------------------------ numbers


def n(value: int) -> str:
    """5470 → "5.470"."""
    return vn_number(value)


def pct_value(part: int, whole: int) -> float | None:
    """The share in percent, one decimal (for tables and figures); None when nothing."""
    return None if not whole else round(100 * part / whole, 1)


def pct(part: int, whole: int) -> str:
    """ "12,5%", "100%"; "" when the whole is 0."""
    return wording.share(part, whole) if whole else ""


case_of = prose.case_of
listing = wording.join


# ------------------------------------------------------------------ phrases


class Sayer:
    """The sentences of one report (``reports.prose``: the office's phrases, read once).

    A case the phrase does not have falls back to "some" ("one" and "all" are ways of
    saying "some"), then to the phrase's any-case text; a phrase with none of them says
    nothing — which is how a count of 0 stays unsaid."""

    def __init__(self) -> None:
        self.book = prose.Phrasebook()

    def __call__(self, key: str, case: str = "", **values: Any) -> str:
        for one in dict.fromkeys([case, "some" if case in ("one", "all") else case]):
            try:
                return self.book.say(key, one, **values).strip()
            except KeyError:
                continue
        return ""


def paragraph_of(*sentences: str) -> str:
    """Sentences joined, empty ones left out."""
    return " ".join(s.strip() for s in sentences if s and s.strip())


def sheet_columns(columns: tuple[Column, ...]) -> tuple[Col, ...]:
    """The document table's columns for the workbook (rows are tuples): one table, two
    formats; a column's width in characters from its printed width."""
    return tuple(
        col(c.label, i, c.kind, max(8.0, round(c.width_mm / 2.2))) for i, c in enumerate(columns)
    )


def user_of(viewer: Any) -> str:
    """Who printed a sheet (its footer); nobody at the command line."""
    if viewer is None:
        return ""
    return str(viewer.get_full_name() or viewer.get_username())


def sheet_maker(org: Organisation, label: str, as_of: date, viewer: Any) -> Callable[..., Sheet]:
    """Sheets of one report: the same as-of line, scope and user under every title."""
    from dangbo.core.dates import fmt

    def make(**fields: Any) -> Sheet:
        return Sheet(
            subtitle=f"{org.name} · {label} · tính đến ngày {fmt(as_of)}",
            scope=org.name,
            user=user_of(viewer),
            **fields,
        )

    return make
