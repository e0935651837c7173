"""The reports API: the kinds, a report (the same figures and text as the web page), issuing
one, the issued reports and what changed since. Reading needs VIEW on the organisation (an
organisation out of sight is the same 422 as an unknown code); issuing CHANGE (403 when the
caller sees it but may not change it)."""

from django.http import Http404
from ninja import Query, Router
from ninja.pagination import paginate

from dangbo.core import files, scope
from dangbo.core.api import READ_ERRORS, WRITE_ERRORS, BoundedPagination
from dangbo.orgs.lookups import org_field

from .. import kinds, queries, services
from ..models import IssuedReport
from .schemas import (
    IssuedId,
    ReportBuiltOut,
    ReportChangesOut,
    ReportFileId,
    ReportIssuedDetailOut,
    ReportIssuedOut,
    ReportIssuedQuery,
    ReportIssueIn,
    ReportKindKey,
    ReportKindOut,
    ReportQuery,
)

router = Router(tags=["Báo cáo"])


def _reader(request):
    if not scope.has_any(request.auth, scope.VIEW):
        raise Http404
    return request.auth


def _issued_out(report: IssuedReport) -> dict:
    return {
        "id": report.pk,
        "kind": report.kind,
        "org": report.org.code,
        "org_name": report.org.name,
        "year": report.year,
        "quarter": report.quarter,
        "number": report.number,
        "title": report.title,
        "issued_on": report.issued_on,
        "issued_at": report.issued_at,
        "issued_by": report.issued_by.get_username(),
        "sha256": report.sha256,
    }


@router.get("/kinds", response=list[ReportKindOut], summary="Các loại báo cáo")
def kind_list(request):
    _reader(request)
    return [
        {
            "key": k.key,
            "label": k.label,
            "description": k.description,
            "quarterly": k.quarterly,
            "background": k.background,
            "formats": list(k.formats),
        }
        for k in kinds.all_kinds()
    ]


@router.get(
    "/issued", response=list[ReportIssuedOut], summary="Báo cáo đã ban hành (trong phạm vi)"
)
@paginate(BoundedPagination)
def issued_list(request, filters: Query[ReportIssuedQuery]):
    user = _reader(request)
    org = org_field(user, filters.org, "org", "Tổ chức", scope.VIEW) if filters.org else None
    found = queries.issued(user, org=org, kind=filters.kind or "", year=filters.year)
    return [_issued_out(r) for r in found]


@router.get(
    "/issued/{report_id}",
    response={200: ReportIssuedDetailOut, **READ_ERRORS},
    summary="Một báo cáo đã ban hành: số liệu, nội dung, tệp, mã băm",
)
def issued_detail(request, report_id: IssuedId):
    report = queries.issued_report(_reader(request), report_id)
    stored = sorted(report.files.all(), key=lambda f: f.pk)
    return {
        **_issued_out(report),
        "figures": report.figures,
        "text": report.text,
        "files": [
            {
                "id": f.pk,
                "name": f.original_name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
            }
            for f in stored
        ],
        "intact": services.verify(report),
    }


@router.get(
    "/issued/{report_id}/changes",
    response={200: ReportChangesOut, **READ_ERRORS},
    summary="Thay đổi từ khi ban hành (lập lại từ dữ liệu hôm nay)",
)
def issued_changes(request, report_id: IssuedId):
    user = _reader(request)
    report = queries.issued_report(user, report_id)
    changes = services.changes_since(report, viewer=user)
    return {
        "unchanged": changes.none,
        "figures": [c.__dict__ for c in changes.figures],
        "diff": changes.diff,
    }


@router.get(
    "/issued/{report_id}/files/{file_id}",
    response={200: None, **READ_ERRORS},
    summary="Tải một tệp của báo cáo đã ban hành",
)
def issued_file(request, report_id: IssuedId, file_id: ReportFileId):
    report = queries.issued_report(_reader(request), report_id)
    stored = next((f for f in report.files.all() if f.pk == file_id), None)
    if stored is None:
        raise Http404
    return files.response(stored)


def _report_out(built) -> dict:
    return {
        "kind": built.kind,
        "org": built.org.code,
        "org_name": built.org.name,
        "year": built.period.year,
        "quarter": built.period.quarter,
        "period": built.period.label,
        "title": services.report_title(built),
        "figures": services.canonical(built.figures),
        "text": built.text,
    }


@router.get(
    "/{kind}",
    response={200: ReportBuiltOut, **READ_ERRORS},
    summary="Lập một báo cáo: số liệu và nội dung (như trang Báo cáo)",
)
def report(request, kind: ReportKindKey, params: Query[ReportQuery]):
    user = _reader(request)
    found = services.kind_of(kind)
    org = org_field(user, params.org, "org", "Tổ chức", scope.VIEW)
    period = services.period_of(found, params.year, params.quarter)
    return _report_out(services.build(found.key, org, period, viewer=user))


@router.post(
    "/{kind}/issue",
    response={201: ReportIssuedOut, **WRITE_ERRORS},
    summary="Ban hành một báo cáo (lưu số liệu, nội dung và các tệp, kèm mã băm)",
)
def issue(request, kind: ReportKindKey, payload: ReportIssueIn):
    user = _reader(request)
    found = services.kind_of(kind)
    org = org_field(user, payload.org, "org", "Tổ chức", scope.CHANGE)
    period = services.period_of(found, payload.year, payload.quarter)
    built = services.build(found.key, org, period, viewer=user)
    issued = services.issue(built, actor=user, number=payload.number, issued_on=payload.issued_on)
    return 201, _issued_out(issued)
