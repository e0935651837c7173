"""The import router: the same jobs, preview and all-or-nothing commit as the web pages."""

from typing import Annotated

from django.conf import settings
from django.http import Http404
from ninja import File, Form, Path, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, BoundedPagination

from .. import services
from ..models import ImportJob, ImportRow, RowState
from ..queries import job_for, may_import, template_response
from .schemas import ImportKind, JobId, JobOut, RowFilter, RowOut

router = Router(tags=["imports"])


def _job(request, job_id: int) -> ImportJob:
    return job_for(request.auth, job_id)


@router.post("/", response={201: JobOut, **WRITE_ERRORS}, summary="Tải tệp lên và kiểm tra")
def create(
    request,
    kind: Annotated[ImportKind, Form(title="Loại dữ liệu")],
    file: Annotated[UploadedFile, File(title="Tệp")],
):
    """Previews at once for small files; bigger ones are queued (poll ``GET /imports/{id}``)."""
    if not may_import(request.auth):
        raise Http404
    job = services.create_job(
        actor=request.auth,
        kind=kind,
        source=file,
        original_name=file.name or "tep",
        max_bytes=settings.DANGBO["IMPORT_MAX_BYTES"],
    )
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
    return rows.order_by("row_no")


@router.post(
    "/{job_id}/commit", response={200: JobOut, **WRITE_ERRORS}, summary="Ghi tất cả hoặc không"
)
def commit(request, job_id: JobId):
    job = _job(request, job_id)
    return services.start(job, commit=True, actor=request.auth)


@router.post("/{job_id}/cancel", response={200: JobOut, **WRITE_ERRORS}, summary="Hủy")
def cancel(request, job_id: JobId):
    return services.cancel(_job(request, job_id), actor=request.auth)
