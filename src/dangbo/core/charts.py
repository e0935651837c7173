"""Charts: the data (``Chart``) and its drawing, server-side, as SVG for pages and PNG for
documents — one library (matplotlib) for both, no JavaScript and nothing from a CDN.

A chart is data first: the same ``Chart`` draws the picture and the table beside it (the
accessible, printable form). Providers live in the apps that own the figures and are
registered here by name (``register``), so core draws what apps know without importing them.
matplotlib is imported on first drawing only: it costs ~0.3 s and most requests draw nothing.
Each drawing builds its own ``Figure`` (never pyplot's global state), so threads don't mix.
"""

import hashlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from .text import vn_number

BAR = "bar"  # horizontal bars: long Vietnamese labels stay readable
STACKED = "stacked"  # horizontal 100% bars, one per category, a segment per series
GROUPED = "grouped"  # vertical bars, a group per category, a bar per series
LINE = "line"  # a line per series over the categories (years); a target series is dashed
HEATMAP = "heatmap"  # a row per series (a cell), a column per category (a month)
PROGRESS = "progress"  # horizontal bars against 100%
KINDS = (BAR, STACKED, GROUPED, LINE, HEATMAP, PROGRESS)

# Colours that stay apart in greyscale (decreasing darkness) and carry a hatch each, so a
# printed stacked bar still separates its levels; text on them is white or black by lightness.
PALETTE = ("#1d3557", "#457b9d", "#a8c5da", "#e9c46a", "#6d6875", "#bbbbbb")
HATCHES = ("", "///", "", "\\\\\\", "xx", "")  # lines: dots cost ~150 KB of SVG
DARK = {"#1d3557", "#457b9d", "#6d6875"}
HEAT = ("#f4f4f4", "#a8c5da", "#457b9d", "#1d3557")
WIDTH_IN = 4.2  # ~ a 390 px phone's width at 1:1 (text ~11 px there); wider screens scale it up
FONT = "DejaVu Sans"  # Vietnamese glyphs; in Debian and shipped by matplotlib


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    target: bool = False  # a target line (dashed), not a measured one


@dataclass(frozen=True)
class Chart:
    kind: str
    title: str
    description: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""  # what the numbers count ("đảng viên"); shown on the value axis
    percent: bool = False  # the values are percentages (0–100)
    decimals: int = 0
    share: bool = False  # STACKED: show each segment's share of its bar in %
    notes: tuple[str, ...] = field(default=())  # said under the table (e.g. what is hidden)

    @property
    def empty(self) -> bool:
        return not self.categories or not any(
            v for s in self.series for v in s.values if v is not None
        )

    def number(self, value: float | None) -> str:
        return format_value(value, self.decimals, self.percent)

    def table(self) -> tuple[list[str], list[list[str]]]:
        """(header, rows) of the table the chart draws: a row per category (per series for
        a heatmap, whose rows are its cells). A shared chart adds each value's share."""
        if self.kind == HEATMAP:
            header = ["", *self.categories, _("Cộng")]
            rows = [
                [s.name, *(self.number(v) for v in s.values), self.number(_total(s.values))]
                for s in self.series
            ]
            return header, rows
        header = [""]
        for s in self.series:
            header.append(s.name)
            if self.share:
                header.append(_("Tỷ lệ"))
        if self.share and len(self.series) > 1:
            header.append(_("Cộng"))
        rows = []
        for i, category in enumerate(self.categories):
            row = [category]
            total = _total(s.values[i] for s in self.series)
            for s in self.series:
                row.append(self.number(s.values[i]))
                if self.share:
                    row.append(format_value(_pct(s.values[i], total), 1, True))
            if self.share and len(self.series) > 1:
                row.append(self.number(total))
            rows.append(row)
        return header, rows

    def key(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()[:32]


def _total(values) -> float:
    return sum(v for v in values if v is not None)


def _pct(value: float | None, total: float) -> float | None:
    return None if value is None or not total else 100 * value / total


def format_value(value: float | None, decimals: int = 0, percent: bool = False) -> str:
    """5470 -> "5.470", 12.5 % -> "12,5%", 50.0 % -> "50%"; none -> "—"."""
    if value is None:
        return "—"
    if percent:
        text = vn_number(value, 1)
        if text.endswith(",0"):
            text = text[:-2]
        return text + "%"
    text = vn_number(value, decimals)
    if decimals and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


# ---- providers ---------------------------------------------------------------------------

Provider = Callable[..., Chart | None]
# What a chart's URL may pass to its provider (anything else in the query string is ignored).
PARAMS = ("org", "year", "day", "subject", "indicator")
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """``provider(request, **params) -> Chart | None`` checks its own scope: None when the
    user may not see what it would count (the chart's URL then answers 404)."""
    _providers[name] = provider


def provider(name: str) -> Provider | None:
    return _providers.get(name)


def names() -> list[str]:
    return sorted(_providers)


# ---- drawing -----------------------------------------------------------------------------

_mpl_ready = False


def _figure(width: float, height: float):
    global _mpl_ready
    import matplotlib

    if not _mpl_ready:
        matplotlib.use("agg", force=False)  # never a GUI backend
        matplotlib.rcParams.update(
            {
                "svg.fonttype": "none",  # text stays text: searchable, scalable, Vietnamese
                "svg.hashsalt": "dangbo",  # stable ids: the same data gives the same bytes
                "font.family": "sans-serif",
                "font.sans-serif": [FONT, "sans-serif"],
                "font.size": 10,
                "axes.spines.top": False,
                "axes.spines.right": False,
                "hatch.color": "#ffffff",
                "hatch.linewidth": 0.6,
            }
        )
        _mpl_ready = True
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _formatter(chart: Chart):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: chart.number(v))


def _value_axis(chart: Chart, axis) -> None:
    """Vietnamese numbers on the value axis; whole counts get whole ticks only (no 0, 0, 1)."""
    from matplotlib.ticker import MaxNLocator

    if not chart.percent and not chart.decimals:
        axis.set_major_locator(MaxNLocator(integer=True, nbins="auto"))
    axis.set_major_formatter(_formatter(chart))


def _wrap(label: str, width: int = 28) -> str:
    """Long Vietnamese labels broken on spaces so the axis keeps its room."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:3])


def _short(label: str, width: int = 24) -> str:
    """One line for a heatmap's row (its full name is in the table)."""
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def _text_colour(colour: str) -> str:
    return "#ffffff" if colour in DARK else "#111111"


def _draw(chart: Chart):
    n = len(chart.categories)
    if chart.empty:
        fig = _figure(WIDTH_IN, 1.2)
        fig.text(0.5, 0.5, _("Chưa có số liệu"), ha="center", va="center", color="#444444")
        return fig
    if chart.kind in (BAR, PROGRESS, STACKED):
        legend = 0.0 if len(chart.series) < 2 else 0.22 * ((len(chart.series) + 1) // 2) + 0.1
        fig = _figure(WIDTH_IN, 0.8 + 0.36 * n + legend)
    elif chart.kind == HEATMAP:
        fig = _figure(WIDTH_IN * 1.4, 1.0 + 0.28 * len(chart.series))
    else:
        fig = _figure(WIDTH_IN, 3.0)
    ax = fig.add_subplot()
    {
        BAR: _bar,
        PROGRESS: _bar,
        STACKED: _stacked,
        GROUPED: _grouped,
        LINE: _line,
        HEATMAP: _heatmap,
    }[chart.kind](chart, ax)
    return fig


def _bar(chart: Chart, ax) -> None:
    labels = [_wrap(c) for c in chart.categories]
    positions = range(len(labels))
    count = len(chart.series)
    height = 0.8 / count
    top = max((v or 0) for s in chart.series for v in s.values)
    if chart.kind == PROGRESS:
        top = max(top, 100)
        ax.barh(positions, [100] * len(labels), height=0.6, color="#eeeeee", edgecolor="#999999")
    for k, s in enumerate(chart.series):
        colour = PALETTE[k % len(PALETTE)]
        offsets = [p - 0.4 + height * (k + 0.5) for p in positions]
        values = [v or 0 for v in s.values]
        bars = ax.barh(
            offsets,
            values,
            height=height if chart.kind == BAR else 0.6,
            color=colour,
            hatch=HATCHES[k % len(HATCHES)],
            label=s.name,
        )
        ax.bar_label(bars, labels=[chart.number(v) for v in s.values], padding=3, fontsize=9)
    ax.set_yticks(list(positions), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.15 or 1)
    _value_axis(chart, ax.xaxis)
    ax.tick_params(axis="y", length=0)
    if chart.unit:
        ax.set_xlabel(chart.unit)
    if count > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(count, 3), frameon=False)


def _stacked(chart: Chart, ax) -> None:
    labels = [_wrap(c) for c in chart.categories]
    positions = list(range(len(labels)))
    totals = [_total(s.values[i] for s in chart.series) for i in positions]
    left = [0.0] * len(positions)
    for k, s in enumerate(chart.series):
        colour = PALETTE[k % len(PALETTE)]
        widths = [
            (100 * (v or 0) / t if t else 0) if chart.share else (v or 0)
            for v, t in zip(s.values, totals, strict=True)
        ]
        bars = ax.barh(
            positions,
            widths,
            left=left,
            height=0.6,
            color=colour,
            hatch=HATCHES[k % len(HATCHES)],
            label=s.name,
            edgecolor="#ffffff",
            linewidth=0.5,
        )
        texts = [
            (format_value(w, 1, True) if chart.share else chart.number(v)) if w >= 14 else ""
            for v, w in zip(s.values, widths, strict=True)
        ]
        ax.bar_label(
            bars, labels=texts, label_type="center", fontsize=9, color=_text_colour(colour)
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    if chart.share:
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(_formatter(Chart(BAR, "", "", (), (), percent=True)))
    else:
        _value_axis(chart, ax.xaxis)
    ax.tick_params(axis="y", length=0)
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=2,
        frameon=False,
        fontsize=8,
        columnspacing=0.8,
        handlelength=1.2,
    )


def _grouped(chart: Chart, ax) -> None:
    count = len(chart.series)
    width = 0.8 / count
    for k, s in enumerate(chart.series):
        colour = PALETTE[k % len(PALETTE)]
        xs = [i - 0.4 + width * (k + 0.5) for i in range(len(chart.categories))]
        bars = ax.bar(
            xs,
            [v or 0 for v in s.values],
            width=width,
            color=colour,
            hatch=HATCHES[k % len(HATCHES)],
            label=s.name,
        )
        ax.bar_label(bars, labels=[chart.number(v) for v in s.values], padding=2, fontsize=8)
    ax.set_xticks(range(len(chart.categories)), [_wrap(c, 14) for c in chart.categories])
    _value_axis(chart, ax.yaxis)
    if chart.unit:
        ax.set_ylabel(chart.unit)
    if count > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(count, 3), frameon=False)


def _line(chart: Chart, ax) -> None:
    xs = list(range(len(chart.categories)))
    markers = ("o", "s", "^", "D")
    for k, s in enumerate(chart.series):
        points = [(x, v) for x, v in zip(xs, s.values, strict=True) if v is not None]
        if not points:
            continue
        colour = "#555555" if s.target else PALETTE[k % len(PALETTE)]
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            linestyle="--" if s.target else "-",
            marker=markers[k % len(markers)],
            color=colour,
            label=s.name,
            linewidth=1.6,
        )
        if not s.target:
            for x, v in points:
                ax.annotate(
                    chart.number(v),
                    (x, v),
                    textcoords="offset points",
                    xytext=(0, 6),
                    ha="center",
                    fontsize=9,
                )
    ax.set_xticks(xs, list(chart.categories))
    _value_axis(chart, ax.yaxis)
    ax.margins(x=0.08, y=0.2)
    if chart.unit:
        ax.set_ylabel(chart.unit)
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=min(len(chart.series), 3),
        frameon=False,
    )


def _heat_level(chart: Chart, value: float) -> int:
    """The colour step of a cell: counts 0, 1, 2, 3+; percentages <50, <90, <100, 100."""
    if chart.percent:
        return 0 if value < 50 else 1 if value < 90 else 2 if value < 100 else 3
    return min(max(int(value), 0), 3)


def _heatmap(chart: Chart, ax) -> None:
    from matplotlib.colors import ListedColormap

    grid = [[v if v is not None else 0 for v in s.values] for s in chart.series]
    levels = [[_heat_level(chart, v) for v in row] for row in grid]
    # Vector squares (not imshow's embedded bitmap): crisp in print, nothing but SVG paths.
    ax.pcolormesh(
        [[c - 0.5 for c in range(len(chart.categories) + 1)] for _r in range(len(grid) + 1)],
        [[r - 0.5 for _c in range(len(chart.categories) + 1)] for r in range(len(grid) + 1)],
        levels,
        cmap=ListedColormap(list(HEAT)),
        vmin=-0.5,
        vmax=3.5,
        edgecolors="#ffffff",
        linewidth=0.6,
    )
    ax.set_xlim(-0.5, len(chart.categories) - 0.5)
    ax.set_ylim(len(grid) - 0.5, -0.5)
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            colour = _text_colour(HEAT[levels[r][c]])
            text = format_value(v) if chart.percent else chart.number(v)  # "%" said once above
            ax.text(c, r, text, ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(range(len(chart.categories)), list(chart.categories), fontsize=8)
    ax.set_yticks(range(len(chart.series)), [_short(s.name) for s in chart.series])
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    if chart.unit:
        ax.set_title(chart.unit, fontsize=9, loc="left", color="#444444")
    for spine in ax.spines.values():
        spine.set_visible(False)


# ---- output ------------------------------------------------------------------------------

_ROOT = re.compile(r"<svg\b[^>]*>")
_SIZE = re.compile(r'\s(width|height)="[^"]*"')
# Geometry attributes only (never text: "1.234" there is a Vietnamese thousand).
_GEOMETRY = re.compile(r'(\s(?:d|x|y|x1|x2|y1|y2|transform|points)=")([^"]*)"')
_LONG = re.compile(r"(-?\d+\.\d{2})\d+")


def _compact(match: re.Match) -> str:
    """Coordinates to 1/100 pt and one line: a heatmap's SVG shrinks by about half."""
    value = _LONG.sub(r"\1", match.group(2))
    return match.group(1) + " ".join(value.split()) + '"'


def svg(chart: Chart) -> str:
    """The chart as an SVG document that scales (viewBox, no width/height), with its title
    and description first (role="img", aria-labelledby), its text as text, no script, and
    the same bytes for the same data."""
    cache_key = f"dangbo:chart:svg:{chart.key()}"
    hit = cache.get(cache_key)
    if hit is not None:
        return hit
    fig = _draw(chart)
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": "dangbo"})
    text = out.getvalue()
    text = text[text.index("<svg") :]  # no XML declaration or DOCTYPE: plain SVG
    root = _ROOT.search(text)
    assert root is not None
    tag = _SIZE.sub("", root.group(0))
    tag = tag[:-1] + ' role="img" aria-labelledby="chart-title chart-desc">'
    head = (
        f'<title id="chart-title">{escape(chart.title)}</title>'
        f'<desc id="chart-desc">{escape(chart.description)}</desc>'
    )
    text = text[: root.start()] + tag + head + text[root.end() :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = _GEOMETRY.sub(_compact, text)
    cache.set(cache_key, text, 3600)
    return text


def png(chart: Chart, dpi: int = 200) -> bytes:
    """The chart as a PNG for a document (a .docx or a PDF page)."""
    fig = _draw(chart)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, metadata={"Software": "dangbo"})
    return out.getvalue()


def chart_for(request, name: str, params: dict[str, Any]) -> Chart | None:
    found = provider(name)
    return None if found is None else found(request, **params)


def series(name: str, values: Sequence[float | None], *, target: bool = False) -> Series:
    return Series(name, tuple(values), target)
