"""The import router: the same jobs, preview and all-or-nothing commit as the web pages."""

from typing import Annotated, Literal

from django.conf import settings
from django.http import Http404
from ninja import File, Form, Path, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, BoundedPagination

from .. import services
from ..models import ImportJob, ImportRow, RowState
from ..options import in_file_order
from ..queries import job_for, may_import, template_response
from .schemas import HeadQuery, ImportKind, JobId, JobOut, OptionsIn, RowFilter, RowOut

router = Router(tags=["imports"])


def _job(request, job_id: int) -> ImportJob:
    return job_for(request.auth, job_id)


@router.post("/", response={201: JobOut, **WRITE_ERRORS}, summary="Tải tệp lên và kiểm tra")
def create(
    request,
    kind: Annotated[ImportKind, Form(title="Loại dữ liệu")],
    file: Annotated[UploadedFile, File(title="Tệp")],
    unknown_recognition: Annotated[
        Literal["official", "probationary"] | None,
        Form(title="Cách đọc đảng viên không có ngày chính thức (official hoặc probationary)"),
    ] = None,
    sheets: Annotated[
        list[str] | None, Form(title="Các trang cần đọc (lặp lại, hoặc tên cách nhau bởi dấu phẩy)")
    ] = None,
    header_row: Annotated[
        str | None, Form(title="Dòng tiêu đề: số dòng hoặc “Trang:số dòng”", max_length=200)
    ] = None,
    last_row: Annotated[
        str | None, Form(title="Dòng cuối: số dòng hoặc “Trang:số dòng”", max_length=200)
    ] = None,
    parent: Annotated[
        str | None, Form(title="Tổ chức cấp trên của danh sách (tên hoặc mã)", max_length=300)
    ] = None,
    valid_from: Annotated[
        str | None,
        Form(
            title="Ngày thành lập của các tổ chức trong danh sách (ngày/tháng/năm)", max_length=30
        ),
    ] = None,
    year: Annotated[
        str | None, Form(title="Năm của số liệu chỉ tiêu (khi tệp không ghi năm)", max_length=4)
    ] = None,
):
    """Previews at once for small files; bigger ones are queued (poll ``GET /imports/{id}``).
    The optional fields are the corrections ``POST /{id}/options`` takes, given up front."""
    if not may_import(request.auth):
        raise Http404
    job = services.create_job(
        actor=request.auth,
        kind=kind,
        source=file,
        original_name=file.name or "tep",
        max_bytes=settings.DANGBO["IMPORT_MAX_BYTES"],
    )
    given = {
        "unknown_recognition": unknown_recognition,
        "sheets": ",".join(sheets) if sheets else None,
        "header_row": header_row,
        "last_row": last_row,
        "parent": parent,
        "valid_from": valid_from,
        "year": year,
    }
    changes = {k: v for k, v in given.items() if v not in (None, "")}
    if changes:
        # Checked against the file's own sheets before the first run; a bad value leaves
        # no upload behind.
        job = services.configure(job, actor=request.auth, changes=changes)
    return 201, services.start(job, commit=False, actor=request.auth)


@router.get("/templates/{kind}", summary="Tệp mẫu .xlsx", response={200: None, **READ_ERRORS})
def template(request, kind: Annotated[ImportKind, Path(title="Loại dữ liệu")]):
    return template_response(request.auth, kind)


@router.get("/{job_id}", response={200: JobOut, **READ_ERRORS}, summary="Một lần nhập")
def detail(request, job_id: JobId):
    return _job(request, job_id)


@router.get("/{job_id}/rows", response=list[RowOut], summary="Kết quả từng dòng")
@paginate(BoundedPagination)
def rows(request, job_id: JobId, filters: Query[RowFilter]):
    job = _job(request, job_id)
    rows = ImportRow.objects.filter(job=job)
    if filters.state in RowState.values:
        rows = rows.filter(state=filters.state)
    if filters.action:
        rows = rows.filter(action="" if filters.action == "error" else filters.action)
    return in_file_order(job, rows)


@router.post(
    "/{job_id}/commit", response={200: JobOut, **WRITE_ERRORS}, summary="Ghi tất cả hoặc không"
)
def commit(request, job_id: JobId):
    job = _job(request, job_id)
    return services.start(job, commit=True, actor=request.auth)


@router.get(
    "/{job_id}/head",
    response={200: list[list[str]], **READ_ERRORS},
    summary="Các dòng đầu của một trang (để chọn dòng tiêu đề)",
)
def head(request, job_id: JobId, query: Query[HeadQuery]):
    """The sheet's first rows as shown (text, 40 characters a cell, 15 columns): item i is
    row i + 1, the number to send as ``header_row``."""
    job = _job(request, job_id)
    return services.sheet_head(job, query.sheet or "", rows=query.rows)


@router.post(
    "/{job_id}/options",
    response={200: JobOut, **WRITE_ERRORS},
    summary="Sửa tùy chọn và kiểm tra lại",
)
def options(request, job_id: JobId, payload: OptionsIn):
    """The sheets to read, the header row and last row of a sheet, the answers to the
    preview's questions, the parent of a list of organisations, an organisation's kind,
    sector or code: stored on the job, and the file previewed again (nothing written)."""
    job = _job(request, job_id)
    changes = payload.dict(exclude_unset=True)
    return services.reconfigure(job, actor=request.auth, changes=changes)


@router.post("/{job_id}/cancel", response={200: JobOut, **WRITE_ERRORS}, summary="Hủy")
def cancel(request, job_id: JobId):
    return services.cancel(_job(request, job_id), actor=request.auth)
