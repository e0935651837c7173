"""The phrase engine: the sentences of a report are data the office edits, not code.

Each sentence has a key ("annual.members") and, when its wording depends on the data, cases
("none", "one", "some", "all"; "" for any). The default wording lives in
``reports/phrases/*.toml`` (one file per group of reports), copied into ``ReportPhrase`` rows
after ``migrate`` (``sync_defaults``) so that the office can edit them; an edited row keeps
its text when the defaults change, and "reset" brings the default back.

A phrase file holds one table per key::

    ["annual.members"]
    note = "Số đảng viên của đảng bộ"          # shown to the office in the editor
    fields = { members = "số đảng viên", ... }  # the placeholders the sentence offers
    text = "Toàn {org} có {members} đảng viên." # case "" (any)
    none = ""                                   # case "none": "" drops the sentence
    one = "..."

(``fields`` may be left out: the names used by the default texts are then the ones offered.)
A placeholder is a bare name in braces; attribute or index access, conversions and format
specifications are refused, so that a template can never reach into Python objects.
"""

from __future__ import annotations

import logging
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.core import audit, scope
from dangbo.core.choices import AuditEvent
from dangbo.core.text import clean_text

from .models import ReportPhrase

log = logging.getLogger(__name__)

PHRASES_DIR = Path(__file__).resolve().parent / "phrases"
# "exact": the figure is said as it is (no "trên"), so the sentence need not give it twice.
CASES = ("none", "one", "some", "all", "exact")
_CASE_KEYS = ("text", *CASES)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MAX_LENGTH = 2000


class PhraseAudit(AuditEvent):
    PHRASE_CHANGED = "report_phrase.changed", _("Sửa mẫu câu báo cáo")
    PHRASE_RESET = "report_phrase.reset", _("Khôi phục mẫu câu báo cáo gốc")


@dataclass(frozen=True)
class Default:
    """One sentence's default wording as the phrase files give it."""

    key: str
    case: str
    text: str
    note: str = ""
    group: str = ""  # the file it comes from ("annual", "periods"): the editor's heading
    fields: Mapping[str, str] = field(default_factory=dict)  # offered placeholders → meaning


class TemplateError(ValueError):
    """A template that cannot be filled: braces that do not match, a name that is not a bare
    name, or a name the sentence does not offer."""


# ---------------------------------------------------------------- the phrase files


def _flatten(table: Mapping, prefix: str = "") -> Iterable[tuple[str, Mapping]]:
    """Tables with a case key are phrases; others are folders (``[annual.members]`` written
    with a dotted header nests in TOML)."""
    if any(isinstance(table.get(k), str) for k in _CASE_KEYS):
        yield prefix, table
        return
    for name, value in table.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}.{name}" if prefix else name)


def load_defaults(directory: Path = PHRASES_DIR) -> dict[tuple[str, str], Default]:
    """Every default phrase, by (key, case), read from the phrase files."""
    found: dict[tuple[str, str], Default] = {}
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for key, table in _flatten(data):
            note = str(table.get("note", ""))
            raw_fields = table.get("fields", {})
            if isinstance(raw_fields, Mapping):
                offered = {str(k): str(v) for k, v in raw_fields.items()}
            else:
                offered = {str(k): "" for k in raw_fields}
            for case_key in _CASE_KEYS:
                text = table.get(case_key)
                if not isinstance(text, str):
                    continue
                case = "" if case_key == "text" else case_key
                found[(key, case)] = Default(key, case, text.strip(), note, path.stem, offered)
    # The names used by the defaults are offered when a phrase does not list its fields.
    by_key: dict[str, set[str]] = {}
    for (key, _case), default in found.items():
        by_key.setdefault(key, set()).update(names(default.text))
    for (key, case), default in list(found.items()):
        offered = dict(default.fields)
        for name in sorted(by_key[key]):
            offered.setdefault(name, "")
        found[(key, case)] = Default(key, case, default.text, default.note, default.group, offered)
    return found


@cache
def defaults() -> dict[tuple[str, str], Default]:
    return load_defaults()


def offered(key: str) -> dict[str, str]:
    """The placeholders a sentence offers (name → meaning), for the editor and validation."""
    for (k, _case), default in defaults().items():
        if k == key:
            return dict(default.fields)
    return {}


def sync_defaults(*, using: str = "default") -> int:
    """Copy the phrase files into ``ReportPhrase``: missing rows are created, the default of
    every row is refreshed, and a row nobody edited follows its new default. Connected to
    ``post_migrate``; safe to call again. Returns the number of rows created or changed."""
    changed = 0
    wanted = defaults()
    phrases = ReportPhrase.objects.using(using)
    with transaction.atomic(using=using):
        rows = {(r.key, r.case): r for r in phrases.all()}
        for (key, case), default in wanted.items():
            row = rows.get((key, case))
            if row is None:
                phrases.create(
                    key=key,
                    case=case,
                    text=default.text,
                    default_text=default.text,
                    note=default.note[:300],
                )
                changed += 1
                continue
            if row.default_text == default.text and row.note == default.note[:300]:
                continue
            if row.text == row.default_text:
                row.text = default.text
            row.default_text = default.text
            row.note = default.note[:300]
            row.save(using=using, update_fields=["text", "default_text", "note"])
            changed += 1
    return changed


# ---------------------------------------------------------------- templates


def _parse(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    try:
        return list(string.Formatter().parse(text))
    except ValueError as exc:
        raise TemplateError(
            str(
                _(
                    "Dấu ngoặc nhọn không khớp: mỗi chỗ trống viết {ten}; muốn in dấu { hay } "
                    "thì viết {{ hoặc }}."
                )
            )
        ) from exc


def names(text: str) -> list[str]:
    """The placeholder names of a template, in order of first use. Raises TemplateError."""
    found: list[str] = []
    for _literal, name, spec, conversion in _parse(text):
        if name is None:
            continue
        if not name:
            raise TemplateError(str(_("Có chỗ trống {} không có tên.")))
        if not _NAME.match(name) or spec or conversion:
            raise TemplateError(
                str(_("Chỗ trống {%(name)s} không hợp lệ: chỉ được viết tên, ví dụ {%(example)s}."))
                % {
                    "name": name
                    + (f"!{conversion}" if conversion else "")
                    + (f":{spec}" if spec else ""),
                    "example": re.split(r"[.\[!:]", name)[0] or "ten",
                }
            )
        if name not in found:
            found.append(name)
    return found


def fill(text: str, values: Mapping[str, object]) -> str:
    """Fill a template's bare names; a name without a value raises TemplateError."""
    out: list[str] = []
    for literal, name, _spec, _conversion in _parse(text):
        out.append(literal)
        if name is None:
            continue
        if not _NAME.match(name):
            raise TemplateError(name)
        if name not in values:
            raise TemplateError(name)
        out.append(str(values[name]))
    return "".join(out)


def _braced(name: str) -> str:
    return "{" + name + "}"


def check(key: str, text: str) -> str:
    """The office's template, cleaned, or a ValidationError on ``text`` in Vietnamese naming
    the field and the placeholders the sentence offers."""
    label = str(_("Mẫu câu"))
    text = clean_text(text, label, max_length=MAX_LENGTH, required=False, field="text")
    allowed = offered(key)
    try:
        used = names(text)
    except TemplateError as exc:
        raise ValidationError({"text": [f"{label}: {exc}"]}) from None
    unknown = [n for n in used if n not in allowed]
    if unknown:
        raise ValidationError(
            {
                "text": [
                    str(
                        _(
                            "%(field)s: câu này không có chỗ trống %(unknown)s. Dùng được: "
                            "%(allowed)s."
                        )
                    )
                    % {
                        "field": label,
                        "unknown": ", ".join(_braced(n) for n in unknown),
                        "allowed": ", ".join(_braced(n) for n in allowed) or "—",
                    }
                ]
            }
        )
    return text


# ---------------------------------------------------------------- saying


class Phrasebook:
    """The office's phrases read once (one query) for a whole report."""

    def __init__(self, rows: Iterable[ReportPhrase] | None = None):
        if rows is None:
            rows = ReportPhrase.objects.only("key", "case", "text")
        self._texts = {(r.key, r.case): r.text for r in rows}

    def template(self, key: str, case: str = "") -> tuple[str, str]:
        """(text, default text) for key/case, falling back to the phrase's case ""."""
        table = defaults()
        for c in (case, "") if case else ("",):
            default = table.get((key, c))
            text = self._texts.get((key, c))
            fallback = default.text if default is not None else ""
            if text is not None:
                return text, fallback
            if default is not None:
                return fallback, fallback
        raise KeyError(f"no report phrase {key!r} (case {case!r})")

    def say(self, key: str, case: str = "", /, **values: object) -> str:
        """The sentence for key/case filled with values. A stored template that cannot be
        filled (edited outside the editor) falls back to the default, never an error page."""
        text, default = self.template(key, case)
        try:
            return fill(text, values)
        except TemplateError:
            log.warning("report phrase %s/%s cannot be filled; default used", key, case)
        try:
            return fill(default, values)
        except TemplateError:
            log.warning("default report phrase %s/%s cannot be filled", key, case)
            return default


def say(key: str, case: str = "", /, **values: object) -> str:
    """One sentence from the office's phrases (two rows read); a report saying many builds one
    ``Phrasebook`` instead."""
    wanted = [case, ""] if case else [""]
    return Phrasebook(ReportPhrase.objects.filter(key=key, case__in=wanted)).say(
        key, case, **values
    )


def case_of(count: int, total: int | None = None) -> str:
    """The data case of a count: "none", "one", "all" (of total, when given) or "some"."""
    if count <= 0:
        return "none"
    if total is not None and count >= total:
        return "all"
    if count == 1:
        return "one"
    return "some"


# ---------------------------------------------------------------- the office's edits


def can_edit(user) -> bool:
    """Phrases are the same for every organisation, so only those who run the top of the
    tree edit them: a superuser, or a CHANGE grant not tied to a subtree or over an
    organisation whose subtree holds every other one (as for the audit entries of no
    organisation, ``scope.sees_orgless``). A district office on an install of one district
    edits them; a commune's office, whose words would change every other report, does not."""
    if not getattr(user, "is_authenticated", False):
        return False
    tops = scope.roots(user, scope.Permission.CHANGE)
    if tops is None:
        return True
    return any(scope._tops_the_tree(org) for org in tops)


def _snapshot(row: ReportPhrase) -> dict:
    return {"text": row.text}


def update_phrase(row: ReportPhrase, text: str, *, actor) -> ReportPhrase:
    """The office's wording of one sentence, checked against the placeholders it offers."""
    text = check(row.key, text)
    with transaction.atomic():
        row = ReportPhrase.objects.select_for_update().get(pk=row.pk)
        before = _snapshot(row)
        if row.text == text:
            return row
        row.text = text
        row.updated_at = timezone.now()
        row.updated_by = actor
        row.save(update_fields=["text", "updated_at", "updated_by"])
        audit.record(
            actor=actor,
            action=PhraseAudit.PHRASE_CHANGED,
            obj=row,
            summary=str(row),
            before=before,
            after=_snapshot(row),
        )
    return row


def reset_phrase(row: ReportPhrase, *, actor) -> ReportPhrase:
    """Back to the default wording of the phrase files."""
    with transaction.atomic():
        row = ReportPhrase.objects.select_for_update().get(pk=row.pk)
        default = defaults().get((row.key, row.case))
        target = default.text if default else row.default_text
        if row.text == target:
            return row
        before = _snapshot(row)
        row.text = target
        row.default_text = target
        row.updated_at = timezone.now()
        row.updated_by = actor
        row.save(update_fields=["text", "default_text", "updated_at", "updated_by"])
        audit.record(
            actor=actor,
            action=PhraseAudit.PHRASE_RESET,
            obj=row,
            summary=str(row),
            before=before,
            after=_snapshot(row),
        )
    return row
