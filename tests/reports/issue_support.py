"""A tiny kind of report for the machinery's tests (``test_issue``, ``test_views``,
``test_api``, ``tests/cli/test_report``): members counted in the viewer's scope, a table of
the sub-organisations, progress reported per row. Registered by the ``toy_kind`` fixture."""

from __future__ import annotations

import pytest

from dangbo.core import scope
from dangbo.core.office import (
    Column,
    Heading,
    Issuer,
    OfficialDocument,
    Paragraph,
    Signature,
    Table,
)
from dangbo.members.models import Member
from dangbo.orgs.models import Organisation
from dangbo.reports import kinds

KEY = "thu"


def build(org, period, *, viewer, progress=kinds.no_progress):
    members = scope.restrict(Member.objects.filter(org.subtree_q("org__")), viewer)
    children = list(Organisation.objects.filter(parent=org).order_by("name"))
    rows = []
    for n, child in enumerate(children, start=1):
        rows.append((child.name, members.filter(child.subtree_q("org__")).count()))
        progress(n, len(children), "Đếm đảng viên")
    total = members.count()
    document = OfficialDocument(
        issuer=Issuer(name=f"Ban Thường vụ {org.name}", place="Tam Dương", symbol="HU"),
        kind="BÁO CÁO",
        kind_code="BC",
        period_year=period.year,
        summary=f"Số đảng viên {period.label}",
        blocks=(
            Heading("I. Đảng viên"),
            Paragraph(f"Toàn đảng bộ có {total} đảng viên."),
            Table(
                columns=(Column("Tổ chức", 90), Column("Đảng viên", 30, "right", "int")),
                rows=tuple(rows),
                caption="Đảng viên theo tổ chức",
            ),
        ),
        signature=Signature("T/M BAN THƯỜNG VỤ", "BÍ THƯ"),
    )
    figures = {"members": total, "by_org": {name: n for name, n in rows}}
    key = KEY if period.quarter is None else "thu-quy"
    return kinds.Built(key, org, period, document, figures=figures)


@pytest.fixture
def toy_kind():
    kind = kinds.Kind(KEY, "Báo cáo thử", build, description="Số đảng viên (thử).")
    before = kinds._kinds.get(KEY)
    kinds.register(kind)
    quarterly = kinds.register(
        kinds.Kind("thu-quy", "Báo cáo quý thử", build, quarterly=True, background=True)
    )
    yield kind
    kinds._kinds.pop(KEY, None)
    kinds._kinds.pop(quarterly.key, None)
    if before is not None:
        kinds.register(before)
