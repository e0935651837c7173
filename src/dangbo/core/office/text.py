"""The plain-text rendering: what ``dangbo report`` prints, and the yardstick the tests hold
the .docx and the PDF to (the same words in the same order)."""

from __future__ import annotations

from . import Bullets, Figure, Heading, OfficialDocument, PageBreak, Paragraph, Table
from .values import cell_text, date_line, number_line


def render(doc: OfficialDocument) -> str:
    out: list[str] = []
    if doc.issuer.superior:
        out.append(doc.issuer.superior.upper())
    out.append(doc.issuer.name.upper())
    number = number_line(doc)
    if number:
        out.append(number)
    out.append("ĐẢNG CỘNG SẢN VIỆT NAM")
    out.append(date_line(doc))
    out.append("")
    if doc.kind:
        out.append(doc.kind.upper())
    if doc.summary:
        out.append(doc.summary)
    out.append("")
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.extend([block.text.upper() if block.level == 1 else block.text])
        elif isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Bullets):
            out.extend(f"{block.mark} {item}" for item in block.items)
        elif isinstance(block, Table):
            out.extend(_table(block))
        elif isinstance(block, Figure):
            out.append(f"[{block.caption}]")
        elif isinstance(block, PageBreak):
            continue
    for signature in (doc.second_signature, doc.signature):
        if signature is None:
            continue
        out.append("")
        out.extend(line for line in (signature.on_behalf, signature.post, signature.name) if line)
    if doc.recipients:
        out.append("")
        out.append("Nơi nhận:")
        last = len(doc.recipients) - 1
        out.extend(f"- {r}{'.' if i == last else ','}" for i, r in enumerate(doc.recipients))
    return "\n".join(out).rstrip() + "\n"


def _table(table: Table) -> list[str]:
    lines = [table.caption] if table.caption else []
    if not table.rows:
        return [*lines, table.empty]
    labels = (["STT"] if table.numbered else []) + [c.label for c in table.columns]
    lines.append(" | ".join(labels))
    for n, row in enumerate(table.rows, start=1):
        cells = [cell_text(v, c.kind) for v, c in zip(row, table.columns, strict=False)]
        lines.append(" | ".join(([str(n)] if table.numbered else []) + cells))
    if table.totals is not None:
        cells = [cell_text(v, c.kind) for v, c in zip(table.totals, table.columns, strict=False)]
        lines.append(" | ".join(([""] if table.numbered else []) + cells))
    return lines
