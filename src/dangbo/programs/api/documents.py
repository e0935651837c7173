"""The document register's API: the same search, reads and changes as the pages
(``programs.documents``). Reading needs a VIEW grant (else 404); registering needs CHANGE
somewhere, editing and attaching CHANGE on the document's body (403 when the caller reads the
register but may not change that document)."""

from typing import Annotated

from django.http import Http404
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from dangbo.core import files, scope
from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, BoundedPagination, fields_as
from dangbo.core.choices import DocumentKind
from dangbo.core.errors import invalid
from dangbo.orgs.lookups import org_field

from .. import documents
from .documents_schemas import (
    DocId,
    FileId,
    FileOut,
    RegisterDetailOut,
    RegisterIn,
    RegisterOut,
    RegisterPatch,
    RegisterQuery,
)

router = Router(tags=["documents"])
RENAMED = {"implements": "implements_id", "replaced_by": "replaced_by_id"}


def _reader(request):
    if not documents.may_read(request.auth):
        raise Http404
    return request.auth


def _doc(request, doc_id: int):
    doc = documents.get(_reader(request), doc_id)
    if doc is None:
        raise Http404
    return doc


def _detail(user, doc):
    """The document with its links as attributes, for ``RegisterDetailOut``."""
    links = documents.links(user, doc)
    for name in (
        "chain",
        "implemented_by",
        "implementing_programs",
        "programs",
        "replaces",
        "replaced_by",
        "applies_to",
        "files",
    ):
        setattr(doc, f"_api_{name}", getattr(links, name))
    return doc


def _orgs(user, codes: list[str] | None):
    if codes is None:
        return None
    return [org_field(user, c, "applies_to", "Áp dụng cho", scope.VIEW) for c in codes]


@router.get("/", response=list[RegisterOut], summary="Sổ văn bản: tìm kiếm")
@paginate(BoundedPagination)
def document_list(request, filters: Query[RegisterQuery]):
    """Newest first; ``q``: words of the number or the title, accents optional ("kl 64",
    "ket luan 64", "64-KL/TW")."""
    user = _reader(request)
    body = None
    if filters.body:
        body = org_field(user, filters.body, "body", "Cấp ủy ban hành", scope.VIEW)
    if filters.kind and filters.kind not in DocumentKind.values:
        raise invalid("kind", "Loại văn bản: không hợp lệ.")
    return documents.search(
        user,
        documents.Search(
            text=filters.q or "",
            kind=filters.kind or "",
            issuer=filters.issuer or "",
            body=body,
            year=filters.year,
        ),
    )


@router.get("/{doc_id}", response={200: RegisterDetailOut, **READ_ERRORS}, summary="Một văn bản")
def detail(request, doc_id: DocId):
    """With its links both ways: what it implements (up the chain), the documents and
    programs that carry it out, what it replaces and what replaced it, its files."""
    doc = _doc(request, doc_id)
    return _detail(request.auth, doc)


@router.post("/", response={201: RegisterDetailOut, **WRITE_ERRORS}, summary="Ghi nhận văn bản")
def create(request, payload: RegisterIn):
    user = _reader(request)
    data = payload.dict()
    with fields_as(RENAMED):
        doc = documents.register(
            actor=user,
            number=data["number"],
            kind=data["kind"],
            issue_date=data["issue_date"],
            issuer=data["issuer"] or "",
            title=data["title"] or "",
            body=org_field(user, data["body"], "body", "Cấp ủy ban hành"),
            effective_from=data["effective_from"],
            effective_to=data["effective_to"],
            implements=data["implements_id"],
            replaced_by=data["replaced_by_id"],
            applies_to=_orgs(user, data["applies_to"]) or [],
        )
    return 201, _detail(user, doc)


@router.patch("/{doc_id}", response={200: RegisterDetailOut, **WRITE_ERRORS}, summary="Sửa văn bản")
def patch(request, doc_id: DocId, payload: RegisterPatch):
    """Only the fields sent change; ``null`` clears an optional one."""
    doc = _doc(request, doc_id)
    user = request.auth
    data = payload.dict(exclude_unset=True)
    changes = {}
    for name, value in data.items():
        if name == "body":
            changes["body"] = org_field(user, value, "body", "Cấp ủy ban hành")
        elif name == "applies_to":
            changes["applies_to"] = _orgs(user, value) or []
        elif name in ("implements_id", "replaced_by_id"):
            changes[name.removesuffix("_id")] = value
        else:
            changes[name] = value
    with fields_as(RENAMED):
        doc = documents.edit(actor=user, doc=doc, **changes)
    return _detail(user, doc)


@router.post(
    "/{doc_id}/files", response={201: list[FileOut], **WRITE_ERRORS}, summary="Đính kèm tệp"
)
def upload(
    request,
    doc_id: DocId,
    files_: Annotated[list[UploadedFile], File(alias="files", title="Tệp đính kèm")],
):
    """PDF, Word, Excel, OpenDocument, PNG or JPEG, recognised by content."""
    doc = _doc(request, doc_id)
    stored = documents.attach(
        actor=request.auth, doc=doc, uploads=[(f, f.name or "tep") for f in files_]
    )
    return 201, stored


@router.get(
    "/{doc_id}/files/{file_id}", response={200: None, **READ_ERRORS}, summary="Tải tệp đính kèm"
)
def download(request, doc_id: DocId, file_id: FileId):
    doc = _doc(request, doc_id)
    stored = documents.file_of(request.auth, doc, file_id)
    if stored is None:
        raise Http404
    return files.response(stored)
