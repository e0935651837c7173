"""An article's body as the office types it, turned into blocks the template renders.

Office staff write in a plain text box, as in a letter: paragraphs separated by an empty
line, a heading on a line of its own starting with "## " (or "### " for a sub-heading), a
list as lines starting with "- ", and a picture of the article placed by its number on a
line of its own: "[ảnh 1]". No HTML, no markup language to learn, and nothing a writer
types can become markup: the template escapes every word (a library such as Markdown would
teach clerks a syntax and open raw HTML, both of which this office does not need).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

IMAGE_LINE = re.compile(r"^\[\s*(?:ảnh|anh|hình|hinh)\s+(\d{1,3})\s*\]$", re.IGNORECASE)


@dataclass
class Block:
    kind: str  # "p", "h2", "h3", "ul", "figure"
    text: str = ""
    items: list[str] = field(default_factory=list)
    number: int = 0


def blocks(body: str) -> list[Block]:
    out: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(Block("p", " ".join(paragraph)))
            paragraph.clear()

    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("### "):
            flush()
            out.append(Block("h3", line[4:].strip()))
        elif line.startswith("## ") or line.startswith("# "):
            flush()
            out.append(Block("h2", line.lstrip("#").strip()))
        elif line.startswith(("- ", "• ", "+ ")):
            flush()
            if out and out[-1].kind == "ul":
                out[-1].items.append(line[2:].strip())
            else:
                out.append(Block("ul", items=[line[2:].strip()]))
        elif match := IMAGE_LINE.match(line):
            flush()
            out.append(Block("figure", number=int(match.group(1))))
        else:
            paragraph.append(line)
    flush()
    return out


def image_numbers(body: str) -> set[int]:
    return {b.number for b in blocks(body) if b.kind == "figure"}


def plain(body: str) -> str:
    """The body's words without the layout signs (for search and the feed's summary)."""
    parts: list[str] = []
    for block in blocks(body):
        if block.kind == "ul":
            parts.extend(block.items)
        elif block.kind != "figure":
            parts.append(block.text)
    return "\n".join(parts)
