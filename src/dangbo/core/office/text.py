"""The plain-text rendering: what ``dangbo report`` prints, and the yardstick the tests hold
the .docx and the PDF to (the same words in the same order: the layout's reading order, left
column before right, as a reader of the page and a text extractor meet them)."""

from __future__ import annotations

from . import Bullets, Figure, Heading, OfficialDocument, PageBreak, Paragraph, Signature, Table
from .values import cell_text, date_line, header_rows, number_line, printable

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


def render(doc: OfficialDocument) -> str:
    out: list[str] = []
    if doc.issuer.superior:
        out.append(doc.issuer.superior.upper())
    out.append(doc.issuer.name.upper())
    out.append("*")
    number = number_line(doc)
    if number:
        out.append(number)
    out.append(PARTY)
    out.append(date_line(doc))
    out.append("")
    if doc.kind:
        out.append(doc.kind.upper())
    if doc.summary:
        out.append(doc.summary)
    if doc.kind or doc.summary:
        out.append("-----")
    out.append("")
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.extend([block.text.upper() if block.level <= 1 else block.text])
        elif isinstance(block, Paragraph):
            out.extend(line for line in block.text.split("\n") if line.strip())
        elif isinstance(block, Bullets):
            out.extend(f"{block.mark} {item}" for item in block.items)
        elif isinstance(block, Table):
            out.extend(_table(block))
        elif isinstance(block, Figure):
            out.append(block.caption)
        elif isinstance(block, PageBreak):
            continue
    out.extend(closing(doc))
    return printable("\n".join(out)).rstrip() + "\n"


def closing(doc: OfficialDocument) -> list[str]:
    """Two signatures side by side (minutes) then "Nơi nhận"; else "Nơi nhận" (left) and
    the signature (right)."""
    out: list[str] = []
    if doc.second_signature is not None:
        out.append("")
        out.extend(signature_lines(doc.second_signature))
        if doc.signature is not None:
            out.append("")
            out.extend(signature_lines(doc.signature))
        if doc.recipients:
            out.append("")
            out.extend(recipient_lines(doc.recipients))
        return out
    if doc.recipients:
        out.append("")
        out.extend(recipient_lines(doc.recipients))
    if doc.signature is not None:
        out.append("")
        out.extend(signature_lines(doc.signature))
    return out


def signature_lines(signature: Signature) -> list[str]:
    lines = [signature.on_behalf.upper(), signature.post.upper(), signature.name]
    return [line for line in lines if line]


def recipient_lines(recipients: tuple[str, ...]) -> list[str]:
    last = len(recipients) - 1
    return ["Nơi nhận:"] + [f"- {r}{'.' if i == last else ','}" for i, r in enumerate(recipients)]


def _table(table: Table) -> list[str]:
    lines = [table.caption] if table.caption else []
    if not table.rows:
        return [*lines, table.empty]
    for head in header_rows(table):
        lines.append(" | ".join(label for label, _span, _down in head))
    for n, row in enumerate(table.rows, start=1):
        cells = [cell_text(v, c.kind) for v, c in zip(row, table.columns, strict=False)]
        lines.append(" | ".join(([str(n)] if table.numbered else []) + cells))
    if table.totals is not None:
        cells = [cell_text(v, c.kind) for v, c in zip(table.totals, table.columns, strict=False)]
        lines.append(" | ".join(([""] if table.numbered else []) + cells))
    return lines
