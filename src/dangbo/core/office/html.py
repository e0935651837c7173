"""The HTML of an ``OfficialDocument``, for WeasyPrint (``office.pdf``): the same parts in the
same order as the .docx, every text escaped (``format_html``). No inline style: the print
stylesheet (document.css) lays it out, so the page passes the site's CSP if ever served."""

from __future__ import annotations

import base64
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from . import Bullets, Figure, Heading, OfficialDocument, PageBreak, Paragraph, Signature, Table
from .values import cell_text, date_line, header_rows, number_line, printable

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


def _w(text: object) -> str:
    return printable(str(text))


def _safe(markup: str) -> SafeString:
    return mark_safe(markup)  # noqa: S308 - a constant of this module


def _join(parts: list[Any]) -> SafeString:
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part is escaped


def render(doc: OfficialDocument) -> str:
    from .docx import document_title

    meta = format_html(
        '<meta charset="utf-8"><title>{}</title><meta name="author" content="{}">'
        '<meta name="generator" content="dangbo"><meta name="keywords" content="{}">'
        '<meta name="description" content="{}">',
        _w(document_title(doc)),
        _w(doc.issuer.name),
        _w(", ".join(doc.keywords)),
        _w(doc.summary),
    )
    body = _join(
        [_heading_block(doc), _title(doc), *(_block(b) for b in doc.blocks), _closing(doc)]
    )
    page = "landscape" if doc.landscape else "portrait"
    return str(
        format_html(
            '<!DOCTYPE html><html lang="vi"><head>{}</head><body class="{}">{}</body></html>',
            meta,
            page,
            body,
        )
    )


def _heading_block(doc: OfficialDocument) -> SafeString:
    left = []
    if doc.issuer.superior:
        left.append(format_html('<p class="superior">{}</p>', _w(doc.issuer.superior.upper())))
    left.append(format_html('<p class="issuer">{}</p>', _w(doc.issuer.name.upper())))
    left.append(_safe('<p class="star">*</p>'))
    number = number_line(doc)
    if number:
        left.append(format_html('<p class="number">{}</p>', _w(number)))
    right = format_html(
        '<p class="party"><span>{}</span></p><p class="date">{}</p>', PARTY, _w(date_line(doc))
    )
    return format_html(
        '<table class="masthead"><tr><td class="left">{}</td><td class="right">{}</td></tr>'
        "</table>",
        _join(left),
        right,
    )


def _title(doc: OfficialDocument) -> SafeString:
    parts = []
    if doc.kind:
        parts.append(format_html('<h1 class="kind">{}</h1>', _w(doc.kind.upper())))
    if doc.summary:
        parts.append(format_html('<p class="summary">{}</p>', _w(doc.summary)))
    if doc.kind or doc.summary:
        parts.append(_safe('<p class="dash">-----</p>'))
    return _join(parts)


def _block(block: Any) -> SafeString:
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 3)
        text = block.text.upper() if level == 1 else block.text
        return format_html('<h{} class="h{}">{}</h{}>', level + 1, level, _w(text), level + 1)
    if isinstance(block, Paragraph):
        classes: list[str] = [block.align]
        if block.indent:
            classes.append("indent")
        if block.bold:
            classes.append("bold")
        if block.italic:
            classes.append("italic")
        lines = [line for line in block.text.split("\n") if line.strip()] or [""]
        return format_html_join(
            "", '<p class="{}">{}</p>', ((" ".join(classes), _w(line)) for line in lines)
        )
    if isinstance(block, Bullets):
        return format_html_join(
            "", '<p class="justify indent">{} {}</p>', ((block.mark, _w(i)) for i in block.items)
        )
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        if block.svg:
            src = "data:image/svg+xml;base64," + base64.b64encode(block.svg.encode()).decode()
        else:
            src = "data:image/png;base64," + base64.b64encode(block.png).decode()
        return format_html(
            '<figure><img src="{}" alt="{}" width="{}"><figcaption>{}</figcaption></figure>',
            src,
            _w(block.caption),
            f"{block.width_mm:.0f}mm",
            _w(block.caption),
        )
    if isinstance(block, PageBreak):
        return _safe('<div class="page-break"></div>')
    return mark_safe("")  # noqa: S308 - nothing


def _align(column) -> str:
    if column.kind in ("int", "number", "pct"):
        return "right"
    return "left" if column.align == "justify" else column.align


def _table(table: Table) -> SafeString:
    from .docx import table_widths, text_width_mm

    parts = []
    if table.caption:
        parts.append(format_html('<p class="caption">{}</p>', _w(table.caption)))
    if not table.rows:
        parts.append(format_html('<p class="empty indent">{}</p>', _w(table.empty)))
        return _join(parts)
    widths = table_widths(table, text_width_mm())
    # Column widths: a <col> per column with a class naming its width in whole millimetres
    # would need a class per width; the width attribute is presentational HTML, not style.
    total = sum(widths)
    cols = format_html_join("", '<col width="{}">', ((f"{100 * w / total:.2f}%",) for w in widths))
    head = format_html_join(
        "",
        "<tr>{}</tr>",
        (
            (
                format_html_join(
                    "",
                    '<th colspan="{}" rowspan="{}">{}</th>',
                    ((span, down, _w(label)) for label, span, down in row),
                ),
            )
            for row in header_rows(table)
        ),
    )
    aligns = (["center"] if table.numbered else []) + [_align(c) for c in table.columns]
    body = []
    for n, values in enumerate(table.rows, start=1):
        texts = [cell_text(v, c.kind) for v, c in zip(values, table.columns, strict=False)]
        body.append(_row(([str(n)] if table.numbered else []) + texts, aligns, ""))
    if table.totals is not None:
        texts = [cell_text(v, c.kind) for v, c in zip(table.totals, table.columns, strict=False)]
        body.append(_row(([""] if table.numbered else []) + texts, aligns, "totals"))
    parts.append(
        format_html(
            '<table class="grid" width="{}"><colgroup>{}</colgroup><thead>{}</thead>'
            "<tbody>{}</tbody></table>",
            f"{100 * total / text_width_mm():.2f}%",
            cols,
            head,
            _join(body),
        )
    )
    return _join(parts)


def _row(texts: list[str], aligns: list[str], css: str) -> SafeString:
    cells = format_html_join(
        "", '<td class="{}">{}</td>', ((a, _w(t)) for t, a in zip(texts, aligns, strict=False))
    )
    return format_html('<tr class="{}">{}</tr>', css, cells)


def _signature(signature: Signature) -> SafeString:
    parts = []
    for line in (signature.on_behalf, signature.post):
        if line:
            parts.append(format_html('<p class="post">{}</p>', _w(line.upper())))
    parts.append(_safe('<p class="room"></p>'))
    if signature.name:
        parts.append(format_html('<p class="signer">{}</p>', _w(signature.name)))
    return _join(parts)


def _recipients(recipients: tuple[str, ...]) -> SafeString:
    last = len(recipients) - 1
    lines = format_html_join(
        "",
        '<p class="recipient">- {}{}</p>',
        ((_w(r), "." if i == last else ",") for i, r in enumerate(recipients)),
    )
    return format_html('<div class="recipients"><p class="to">Nơi nhận:</p>{}</div>', lines)


def _closing(doc: OfficialDocument) -> SafeString:
    if doc.signature is None and doc.second_signature is None and not doc.recipients:
        return mark_safe("")  # noqa: S308 - nothing
    empty = mark_safe("")  # noqa: S308 - nothing
    if doc.second_signature is not None:
        row = format_html(
            '<table class="closing"><tr><td class="sign">{}</td><td class="sign">{}</td></tr>'
            "</table>",
            _signature(doc.second_signature),
            _signature(doc.signature) if doc.signature is not None else empty,
        )
        return _join([row, _recipients(doc.recipients) if doc.recipients else empty])
    return format_html(
        '<table class="closing"><tr><td class="to-cell">{}</td><td class="sign">{}</td></tr>'
        "</table>",
        _recipients(doc.recipients) if doc.recipients else empty,
        _signature(doc.signature) if doc.signature is not None else empty,
    )
