"""The import router: the same jobs, preview and all-or-nothing commit as the web pages."""

from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
from django.http import Http404
from ninja import File, Form, Path, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from dangbo.core.api import MAX_ID, READ_ERRORS, WRITE_ERRORS, BoundedPagination

from . import services
from .models import ImportJob, ImportRow, RowState
from .views import job_for, may_import, template_response

router = Router(tags=["imports"])
JobId = Annotated[int, Path(ge=1, le=MAX_ID)]


class JobOut(Schema):
    id: int
    kind: str
    state: str
    state_label: str
    original_name: str
    size: int
    sha256: str
    encoding: str
    notes: list[str]
    problem: str
    counts: dict[str, int]
    rows_done: int
    rows_total: int | None
    can_commit: bool
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()


class RowOut(Schema):
    row_no: int
    state: str
    action: str
    label: str
    messages: list[str]


class RowFilter(Schema):
    state: Literal["new", "update", "unchanged", "warning", "error"] | None = None


def _job(request, job_id: int) -> ImportJob:
    return job_for(request.auth, job_id)


@router.post("/", response={201: JobOut, **WRITE_ERRORS}, summary="Tải tệp lên và kiểm tra")
def create(request, kind: Form[Literal["members", "orgs"]], file: File[UploadedFile]):
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
def template(request, kind: Literal["members", "orgs"]):
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
