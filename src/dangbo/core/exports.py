"""Writing a list out as CSV or .xlsx: streamed, formula-safe, the same for every list.

An .xlsx is a printable sheet (``core.office.sheet``): the columns are typed ``Col`` (dates
as dates, counts as numbers) and the same columns give the CSV (``csv_columns``); the sheet's
as-of line, scope and user come from ``as_of_line``, ``scope_label`` and ``user_label``.

Spreadsheet programs run a cell that starts like a formula (``=``, ``+``, ``-``, ``@``):
CSV cells get a leading quote, .xlsx cells are typed as text, so nothing a record holds can
run on the reader's machine. Every cell is also cut down to what the format can carry
(``core.text.writable``): the database may hold rows written before input was normalised, or
by raw SQL, and a download must open whatever it holds.
"""

import csv
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from . import scope
from .dates import fmt
from .office.sheet import Col
from .text import writable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Column = tuple[object, Callable]  # (label, getter)


def safe_cell(value) -> str:
    """Spreadsheet programs run cells that start like a formula; a leading quote disarms them."""
    text = "" if value is None else writable(str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value):
        return value


def csv_response(objects: Iterable, columns: list[Column], filename: str) -> StreamingHttpResponse:
    """UTF-8 with a BOM so that Excel opens Vietnamese correctly; streamed row by row."""

    def rows():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([str(label) for label, _get in columns])
        for obj in objects:
            yield writer.writerow([safe_cell(get(obj)) for _label, get in columns])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_columns(columns: Sequence[Col]) -> list[Column]:
    """The CSV's columns from the sheet's: dates written 31/12/2016, the rest as text."""

    def text(get: Callable) -> Callable:
        def cell(obj):
            value = get(obj)
            return fmt(value) if isinstance(value, date) else value

        return cell

    return [(c.label, text(c.get)) for c in columns]


def as_of_line(day: date) -> str:
    return _("tính đến ngày %(day)s") % {"day": fmt(day)}


def scope_label(user, perm: scope.Permission = scope.EXPORT, org: str = "") -> str:
    """Whose data a file holds: the organisation it is for, else the highest organisations
    the user may ``perm``."""
    if org:
        return org
    roots = scope.roots(user, perm)
    if roots is None:
        return _("Tất cả tổ chức đảng")
    return ", ".join(o.name for o in roots)


def user_label(user) -> str:
    """Who made the file, as the footer prints it: the full name, else the user name."""
    return (user.get_full_name() or "").strip() or user.get_username()
