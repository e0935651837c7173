"""An ``OfficialDocument`` as the parts of a web page (``reports/_document.html``): the
same words as the text, .docx and PDF renderings, laid out by the site's stylesheet (no
inline style, CSP-safe), readable on a phone."""

from __future__ import annotations

from typing import Any

from dangbo.core.office import (
    Bullets,
    Figure,
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
)
from dangbo.core.office.values import cell_text, date_line, number_line

NUMERIC = ("int", "number", "pct")


def blocks_of(doc: OfficialDocument) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 3)
            body.append(
                {
                    "type": "heading",
                    "tag": f"h{level + 1}",
                    "text": block.text.upper() if level == 1 else block.text,
                }
            )
        elif isinstance(block, Paragraph):
            for line in (t for t in block.text.split("\n") if t.strip()):
                body.append(
                    {"type": "paragraph", "text": line, "bold": block.bold, "italic": block.italic}
                )
        elif isinstance(block, Bullets):
            body.append({"type": "bullets", "items": block.items})
        elif isinstance(block, Table):
            body.append(_table(block))
        elif isinstance(block, Figure):
            body.append({"type": "figure", "caption": block.caption})
    signatures = [
        [line for line in (s.on_behalf, s.post, s.name) if line]
        for s in (doc.second_signature, doc.signature)
        if s is not None
    ]
    return {
        "superior": doc.issuer.superior.upper(),
        "issuer": doc.issuer.name.upper(),
        "number": number_line(doc),
        "date": date_line(doc),
        "kind": doc.kind.upper(),
        "summary": doc.summary,
        "body": body,
        "signatures": signatures,
        "recipients": doc.recipients,
    }


def _table(table: Table) -> dict[str, Any]:
    labels = (["STT"] if table.numbered else []) + [c.label for c in table.columns]
    numeric = ([True] if table.numbered else []) + [c.kind in NUMERIC for c in table.columns]

    def cells(values, n: str):
        texts = [cell_text(v, c.kind) for v, c in zip(values, table.columns, strict=False)]
        first: list[str] = [n] if table.numbered else []
        return list(zip(first + texts, numeric, strict=False))

    rows = [cells(row, str(n)) for n, row in enumerate(table.rows, start=1)]
    totals = cells(table.totals, "") if table.totals is not None else None
    return {
        "type": "table",
        "caption": table.caption,
        "head": list(zip(labels, numeric, strict=False)),
        "rows": rows,
        "totals": totals,
        "empty": table.empty,
    }
