"""The PDF rendering of an ``OfficialDocument``: WeasyPrint (imported on first use) over the
HTML of the same document (``office.html``) and the print stylesheet ``document.css``.

Nothing is fetched: the only URLs a document holds are data: URIs (its figures), and the
fetcher refuses every other scheme. The file's properties say dangbo and the body: the title
and author from the HTML's <title> and <meta name=author>, the creator from its generator,
and the producer (WeasyPrint writes its own name there) set to dangbo by a finisher."""

from __future__ import annotations

import functools
from pathlib import Path

from . import OfficialDocument

STYLESHEET = Path(__file__).with_name("document.css")


@functools.cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=_fetcher())


@functools.cache
def _fonts():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, timeout=1)


def _finisher(document, pdf) -> None:
    import pydyf

    pdf.info["Producer"] = pydyf.String("dangbo")
    pdf.info["Creator"] = pydyf.String("dangbo")


def render(doc: OfficialDocument) -> bytes:
    from weasyprint import HTML

    from .html import render as html

    page = HTML(string=html(doc), url_fetcher=_fetcher(), base_url=None)
    return page.write_pdf(
        stylesheets=[_stylesheet()],
        font_config=_fonts(),
        finisher=_finisher,
        presentational_hints=True,
    )
