"""The committee's document register (issue 14): register and edit a document, attach
files, search the register, and read a document with its links both ways.

A document is one ``core.LegalDocument``: identity is number + issuer + issue date, never
the number alone. Everybody with a VIEW grant reads the whole register (documents are what
the Party's work cites); changes belong to the staff of the issuing body (CHANGE on
``body``), and, for documents of outside issuers (no body), to staff with CHANGE anywhere.
The web pages and the API call the same functions here, so they give the same answers.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from dangbo.core import audit, files, scope
from dangbo.core.choices import CoreAudit, DocumentKind
from dangbo.core.dates import fmt, not_in_future
from dangbo.core.errors import Problems, forbidden, invalid
from dangbo.core.models import LegalDocument, StoredFile, key_for
from dangbo.core.text import clean_text, key_words, strip_control
from dangbo.core.types import Actor, Viewer
from dangbo.orgs.models import Organisation

from .choices import ProgramAudit
from .models import Program

MAX_CHAIN = 20  # how far "implements" is followed up (and how deep a cycle is looked for)
MAX_FILES = 20  # files attached in one operation
PAGE_SIZE = 25
FIELDS = [
    "number",
    "kind",
    "issuer",
    "issue_date",
    "title",
    "effective_from",
    "effective_to",
    "body",
    "implements",
    "replaced_by",
]
LABELS = {
    "number": "Số hiệu",
    "kind": "Loại văn bản",
    "issuer": "Cơ quan ban hành",
    "issue_date": "Ngày ban hành",
    "title": "Trích yếu",
    "effective_from": "Hiệu lực từ",
    "effective_to": "Hết hiệu lực",
    "body": "Cấp ủy ban hành",
    "implements": "Thực hiện văn bản",
    "replaced_by": "Được thay thế bởi",
    "applies_to": "Áp dụng cho",
    "files": "Tệp đính kèm",
}
_RAW_WORD = re.compile(r"[\W_]+")


# ------------------------------------------------------------------ search key


def key_of(number: str, title: str, kind: str = "") -> str:
    """The search key of a document not yet saved (``core.models.key_for``)."""
    return key_for(LegalDocument(number=number, title=title, kind=kind))


def refresh_key(doc: LegalDocument) -> None:
    doc.search_key = key_for(doc)


# ------------------------------------------------------------------ who may do what


def may_read(user: Viewer) -> bool:
    return scope.has_any(user, scope.VIEW)


def may_register(user: Viewer | None) -> bool:
    """Staff with CHANGE somewhere; None is the system (a command, the demo loader)."""
    return user is None or scope.has_any(user, scope.CHANGE)


def may_change(user: Viewer | None, doc: LegalDocument) -> bool:
    """CHANGE on the issuing body; for an outside issuer's document, CHANGE anywhere."""
    if user is None:
        return True
    if doc.body_id is None:
        return scope.has_any(user, scope.CHANGE)
    return scope.covers(user, scope.CHANGE, doc.body)


def may_audit(user: Viewer, doc: LegalDocument) -> bool:
    """Who reads a document's history: those who may change it, and auditors of its body
    (of any organisation, for an outside issuer's document)."""
    if may_change(user, doc):
        return True
    if doc.body_id is None:
        return scope.has_any(user, scope.AUDIT)
    return scope.covers(user, scope.AUDIT, doc.body)


# ------------------------------------------------------------------ reads


@dataclass
class Search:
    """What the register is searched by; every part optional."""

    text: str = ""
    kind: str = ""
    issuer: str = ""
    body: Organisation | None = None
    year: int | None = None


def search_q(text: str) -> Q:
    """Every word of ``text`` (accents, case and punctuation ignored) in the number, the
    kind or the title: "64-KL/TW", "kl 64", "ket luan 64", "hệ thống chính trị". A number is a
    whole word ("64" does not find "640"); other words match as prefixes."""
    q = Q()
    for raw in _RAW_WORD.split(strip_control(text)[:300])[:12]:
        for word in key_words(raw):
            needle = f" {word} " if word.isdigit() else f" {word}"
            q &= Q(search_key__contains=needle)
    return q


def search(user: Viewer, criteria: Search) -> QuerySet[LegalDocument]:
    """The register filtered by ``criteria``, newest first (one query; page it)."""
    if not may_read(user):
        return LegalDocument.objects.none()
    qs = LegalDocument.objects.select_related("body")
    if criteria.text.strip():
        qs = qs.filter(search_q(criteria.text))
    if criteria.kind:
        qs = qs.filter(kind=criteria.kind)
    if criteria.issuer.strip():
        issuer = " ".join(strip_control(criteria.issuer).split())[:200]
        qs = qs.filter(Q(issuer__icontains=issuer) | Q(body__name__icontains=issuer))
    if criteria.body is not None:
        qs = qs.filter(body=criteria.body)
    if criteria.year:
        qs = qs.filter(issue_date__year=criteria.year)
    return qs.order_by("-issue_date", "number", "-id")


def get(user: Viewer, pk: Any) -> LegalDocument | None:
    """One document if ``user`` may read the register, else None (a 404)."""
    if not may_read(user):
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        LegalDocument.objects.select_related("body", "implements", "replaced_by")
        .filter(pk=pk)
        .first()
    )


@dataclass
class Links:
    """A document with its links both ways, as its page and the API show it."""

    doc: LegalDocument
    chain: list[LegalDocument] = field(default_factory=list)  # what it implements, upwards
    implemented_by: list[LegalDocument] = field(default_factory=list)
    implementing_programs: list[Program] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)  # issued by this document
    replaces: list[LegalDocument] = field(default_factory=list)
    replaced_by: LegalDocument | None = None
    applies_to: list[Organisation] = field(default_factory=list)
    files: list[StoredFile] = field(default_factory=list)


def chain_of(doc: LegalDocument) -> list[LegalDocument]:
    """What ``doc`` implements, then what that implements, … (at most MAX_CHAIN)."""
    chain: list[LegalDocument] = []
    seen = {doc.pk}
    current = doc.implements_id
    while current and current not in seen and len(chain) < MAX_CHAIN:
        seen.add(current)
        parent = LegalDocument.objects.select_related("body").filter(pk=current).first()
        if parent is None:
            break
        chain.append(parent)
        current = parent.implements_id
    return chain


def links(user: Viewer, doc: LegalDocument) -> Links:
    """Both ways: up the "implements" chain, and down to the documents and programs that
    carry it out (programs only as far as ``user`` may see them)."""
    programs = scope.restrict(Program.objects.select_related("org"), user, scope.VIEW)
    return Links(
        doc=doc,
        chain=chain_of(doc),
        implemented_by=list(
            doc.implemented_by.select_related("body").order_by("-issue_date", "number")[:200]
        ),
        implementing_programs=list(
            programs.filter(document__implements=doc).order_by("-start", "title")[:200]
        ),
        programs=list(programs.filter(document=doc).order_by("-start", "title")[:200]),
        replaces=list(doc.replaces.order_by("-issue_date", "number")[:200]),
        replaced_by=doc.replaced_by,
        applies_to=list(doc.applies_to.order_by("path")[:500]),
        files=list(doc.files.order_by("uploaded_at", "id")),
    )


def file_of(user: Viewer, doc: LegalDocument, file_pk: Any) -> StoredFile | None:
    """One of ``doc``'s files (None: not one of them)."""
    if not may_read(user):
        return None
    try:
        return doc.files.filter(pk=int(file_pk)).first()
    except (TypeError, ValueError):
        return None


def find(user: Viewer | None, text: str, *, exclude: int | None = None) -> list[LegalDocument]:
    """Documents a picker's text names: "64-KL/TW (01/01/2020)" or words of number/title."""
    text = " ".join(strip_control(text or "").split())[:300]
    if not text or (user is not None and not may_read(user)):
        return []
    number, on = text, None
    if text.endswith(")") and " (" in text:
        head, tail = text[:-1].rsplit(" (", 1)
        try:
            day, month, year = (int(p) for p in tail.split("/"))
            number, on = head.strip(), date(year, month, day)
        except ValueError:
            pass
    exact = LegalDocument.objects.filter(number__iexact=number)
    if on is not None:
        exact = exact.filter(issue_date=on)
    if exclude:
        exact = exact.exclude(pk=exclude)
    found = list(exact.order_by("-issue_date")[:10])
    if found:
        return found
    qs = LegalDocument.objects.filter(search_q(text))
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs.order_by("-issue_date", "number")[:10])


def label(doc: LegalDocument) -> str:
    """How a document is named in a picker and in messages: "64-KL/TW (28/02/2023)"."""
    return f"{doc.number} ({fmt(doc.issue_date)})"


def resolve(user: Viewer | None, value: Any, field_name: str) -> LegalDocument | None:
    """A document given as itself, an id, or a picker's text; ``invalid(field)`` when the
    text names none or several."""
    if value in (None, ""):
        return None
    if isinstance(value, LegalDocument):
        return value
    name = LABELS[field_name]
    if isinstance(value, int) and not isinstance(value, bool):
        doc = LegalDocument.objects.filter(pk=value).first()
        if doc is None:
            raise invalid(field_name, f"{name}: không tìm thấy văn bản #{value}.")
        return doc
    found = find(user, str(value))
    if not found:
        raise invalid(field_name, f"{name}: không tìm thấy văn bản “{value}”.")
    if len(found) > 1:
        shown = "; ".join(label(d) for d in found[:5])
        raise invalid(
            field_name,
            f"{name}: có {len(found)} văn bản khớp “{value}”: {shown}. "
            "Hãy ghi số hiệu và ngày ban hành, ví dụ “64-KL/TW (28/02/2023)”.",
        )
    return found[0]


# ------------------------------------------------------------------ rules


def _would_cycle(doc_pk: int | None, target: LegalDocument | None, attr: str) -> bool:
    """Whether pointing ``doc``'s ``attr`` at ``target`` closes a loop (target is doc, or
    doc is up target's chain)."""
    if target is None or doc_pk is None:
        return False
    seen: set[int] = set()
    current: int | None = target.pk
    for _ in range(MAX_CHAIN * 5):
        if current is None or current in seen:
            return False
        if current == doc_pk:
            return True
        seen.add(current)
        current = (
            LegalDocument.objects.filter(pk=current).values_list(f"{attr}_id", flat=True).first()
        )
    return True  # deeper than any real chain: refuse rather than loop


def _check(
    problems: Problems, doc_pk: int | None, data: dict[str, Any], user: Viewer | None
) -> dict[str, Any]:
    """Cleaned values of ``data`` (the fields the caller gave); every problem at once."""
    out: dict[str, Any] = {}
    errors = problems.errors
    for name, limit, required in (
        ("number", 64, True),
        ("issuer", 200, False),
        ("title", 500, False),
    ):
        if name in data:
            with problems.check():
                out[name] = " ".join(
                    clean_text(
                        " ".join(str(data[name] or "").split()),
                        LABELS[name],
                        max_length=limit,
                        required=required,
                        field=name,
                    ).split()
                )
    if "kind" in data:
        if data["kind"] not in DocumentKind.values:
            errors["kind"] = f"{LABELS['kind']}: chọn một loại trong danh sách."
        else:
            out["kind"] = data["kind"]
    for name in ("issue_date", "effective_from", "effective_to"):
        if name in data:
            value = data[name]
            if value is not None and not isinstance(value, date):
                errors[name] = f"{LABELS[name]}: ngày không hợp lệ."
            else:
                out[name] = value
    if "issue_date" in out:
        if out["issue_date"] is None:
            errors["issue_date"] = f"{LABELS['issue_date']}: bắt buộc."
        else:
            with problems.check():
                not_in_future(out["issue_date"], "issue_date", LABELS["issue_date"])
    if "body" in data:
        body = data["body"]
        if body is not None and not isinstance(body, Organisation):
            errors["body"] = f"{LABELS['body']}: không hợp lệ."
        elif body is not None and user is not None and not scope.covers(user, scope.CHANGE, body):
            errors["body"] = f"{LABELS['body']}: bạn không có quyền ghi văn bản của {body.name}."
        else:
            out["body"] = body
    for name in ("implements", "replaced_by"):
        if name in data:
            with problems.check():
                target = resolve(user, data[name], name)
                if target is not None and doc_pk is not None and target.pk == doc_pk:
                    verb = "thực hiện" if name == "implements" else "được thay thế bởi"
                    raise invalid(name, f"{LABELS[name]}: một văn bản không thể {verb} chính nó.")
                if target is not None and _would_cycle(doc_pk, target, name):
                    raise invalid(
                        name,
                        f"{LABELS[name]}: {label(target)} đã (gián tiếp) dựa trên văn bản này; "
                        "không thể tạo vòng.",
                    )
                out[name] = target
    if "applies_to" in data:
        orgs = list(data["applies_to"] or [])
        if any(not isinstance(o, Organisation) for o in orgs):
            errors["applies_to"] = f"{LABELS['applies_to']}: không hợp lệ."
        elif len(orgs) > 500:
            errors["applies_to"] = f"{LABELS['applies_to']}: tối đa 500 tổ chức."
        else:
            out["applies_to"] = list(dict.fromkeys(orgs))
    return out


def _check_whole(problems: Problems, doc: LegalDocument) -> None:
    """Rules on the document as it will be: dates in order, identity not taken."""
    errors = problems.errors
    if (
        doc.effective_from
        and doc.effective_to
        and doc.effective_to < doc.effective_from
        and "effective_to" not in errors
    ):
        errors["effective_to"] = (
            f"{LABELS['effective_to']}: không được trước ngày hiệu lực ({fmt(doc.effective_from)})."
        )
    if not doc.issuer and "issuer" not in errors:
        errors["issuer"] = f"{LABELS['issuer']}: bắt buộc (hoặc chọn cấp ủy ban hành)."
    if (
        doc.number
        and doc.issuer
        and doc.issue_date
        and not problems.errors.keys()
        & {
            "number",
            "issuer",
            "issue_date",
        }
    ):
        twin = (
            LegalDocument.objects.filter(
                number=doc.number, issuer=doc.issuer, issue_date=doc.issue_date
            )
            .exclude(pk=doc.pk)
            .first()
        )
        if twin is not None:
            errors["number"] = (
                f"{LABELS['number']}: đã có văn bản {label(twin)} của {twin.issuer} "
                "(cùng số hiệu, cơ quan ban hành và ngày ban hành)."
            )


# ------------------------------------------------------------------ changes


def _attach(actor: Actor, doc: LegalDocument, uploads: Iterable[Any]) -> list[StoredFile]:
    """Store every upload (``(file, name)`` pairs or uploaded files); refused as a whole."""
    stored: list[StoredFile] = []
    items = list(uploads)
    if len(items) > MAX_FILES:
        raise invalid("files", f"{LABELS['files']}: tối đa {MAX_FILES} tệp một lần.")
    try:
        for item in items:
            source, name = item if isinstance(item, tuple) else (item, getattr(item, "name", ""))
            stored.append(files.store(source, name, actor=actor, field="files"))
    except BaseException:
        # The rows roll back with the caller's transaction; the copies already made must go too.
        for done in stored:
            files.path_of(done).unlink(missing_ok=True)
        raise
    if stored:
        doc.files.add(*stored)
    return stored


@transaction.atomic
def register(
    *,
    actor: Actor,
    number: str,
    kind: str,
    issue_date: date | None,
    issuer: str = "",
    title: str = "",
    body: Organisation | None = None,
    effective_from: date | None = None,
    effective_to: date | None = None,
    implements: Any = None,
    replaced_by: Any = None,
    applies_to: Sequence[Organisation] = (),
    uploads: Iterable[Any] = (),
) -> LegalDocument:
    """Enter a document in the register; its files too. Refused as a whole, every problem
    named at once."""
    if not may_register(actor):
        raise forbidden("Bạn không có quyền ghi văn bản.")
    problems = Problems()
    data = {
        "number": number,
        "kind": kind,
        "issue_date": issue_date,
        "issuer": issuer,
        "title": title,
        "body": body,
        "effective_from": effective_from,
        "effective_to": effective_to,
        "implements": implements,
        "replaced_by": replaced_by,
        "applies_to": applies_to,
    }
    out = _check(problems, None, data, actor)
    orgs = out.pop("applies_to", [])
    doc = LegalDocument(**{k: v for k, v in out.items()})
    if not doc.issuer and doc.body is not None:
        doc.issuer = doc.body.name[:200]
    _check_whole(problems, doc)
    problems.raise_all()
    refresh_key(doc)
    doc.recorded_at = timezone.now()
    doc.save()
    if orgs:
        doc.applies_to.set(orgs)
    stored = _attach(actor, doc, uploads)
    audit.record(
        actor=actor,
        action=CoreAudit.DOCUMENT_REGISTERED,
        obj=doc,
        summary=f"Ghi nhận văn bản {label(doc)}: {doc.title[:200]}",
        after={
            **audit.snapshot(doc, FIELDS),
            "applies_to": [o.pk for o in orgs],
            "files": [f.original_name for f in stored],
        },
        scope_org=doc.body,
    )
    return doc


@transaction.atomic
def edit(*, actor: Actor, doc: LegalDocument, **changes: Any) -> LegalDocument:
    """Change the fields given (those of ``register`` except files); who may: see
    ``may_change`` — a new body must be one the actor may change too."""
    doc = LegalDocument.objects.select_for_update().get(pk=doc.pk)
    if not may_change(actor, doc):
        raise forbidden("Bạn không có quyền sửa văn bản này.")
    unknown = set(changes) - set(FIELDS) - {"applies_to"}
    if unknown:
        raise invalid(sorted(unknown)[0], "Trường không sửa được.")
    problems = Problems()
    if (
        "body" in changes
        and changes["body"] is not None
        and doc.body_id == getattr(changes["body"], "pk", None)
    ):
        changes = {k: v for k, v in changes.items() if k != "body"}  # unchanged: no check
    out = _check(problems, doc.pk, changes, actor)
    before = {
        **audit.snapshot(doc, FIELDS),
        "applies_to": sorted(doc.applies_to.values_list("pk", flat=True)),
    }
    orgs = out.pop("applies_to", None)
    for name, value in out.items():
        setattr(doc, name, value)
    if "issuer" in out and not doc.issuer and doc.body is not None:
        doc.issuer = doc.body.name[:200]
    _check_whole(problems, doc)
    problems.raise_all()
    refresh_key(doc)
    doc.save()
    if orgs is not None:
        doc.applies_to.set(orgs)
    after = {
        **audit.snapshot(doc, FIELDS),
        "applies_to": sorted(o.pk for o in orgs) if orgs is not None else before["applies_to"],
    }
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        audit.record(
            actor=actor,
            action=ProgramAudit.DOCUMENT_CHANGED,
            obj=doc,
            summary=f"Sửa văn bản {label(doc)}: " + ", ".join(LABELS[k] for k in sorted(changed)),
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            scope_org=doc.body,
        )
    return doc


@transaction.atomic
def attach(*, actor: Actor, doc: LegalDocument, uploads: Iterable[Any]) -> list[StoredFile]:
    """Attach files (their type known from the content) to a document."""
    doc = LegalDocument.objects.select_for_update().get(pk=doc.pk)
    if not may_change(actor, doc):
        raise forbidden("Bạn không có quyền đính kèm tệp vào văn bản này.")
    items = list(uploads)
    if not items:
        raise invalid("files", f"{LABELS['files']}: chọn ít nhất một tệp.")
    stored = _attach(actor, doc, items)
    audit.record(
        actor=actor,
        action=ProgramAudit.DOCUMENT_FILE_ADDED,
        obj=doc,
        summary=f"Đính kèm vào văn bản {label(doc)}: "
        + ", ".join(f.original_name for f in stored)[:300],
        after={"files": [[f.pk, f.original_name, f.sha256] for f in stored]},
        scope_org=doc.body,
    )
    return stored
