"""The new-rural API (/api/v1/ntm): the criteria sets, the board of a year, a commune's
assessment, the province's recognitions and their revocation, the summary a program's
indicator reads. The same reads and services as the pages (``indicators.ntm``).

Reads need VIEW on the organisation (out of scope is 404); writes need CHANGE on the commune
(seen but not changeable is 403); a refused change is a 422 naming the field."""

from datetime import date
from typing import Annotated

from django.http import Http404
from ninja import Path, Query, Router

from dangbo.core import scope
from dangbo.core.api import FORBIDDEN, READ_ERRORS, WRITE_ERRORS, Code, Day, Year
from dangbo.core.dates import today
from dangbo.core.errors import forbidden, invalid
from dangbo.orgs.lookups import org_field, org_or_404
from dangbo.orgs.models import Organisation

from .. import ntm
from ..models import NtmRecognition, NtmSet
from .ntm_schemas import (
    NtmAssessIn,
    NtmAssessOut,
    NtmBoardOut,
    NtmRecogniseIn,
    NtmRecognitionOut,
    NtmRevokeIn,
    NtmSetOut,
    NtmSummaryOut,
)

router = Router(tags=["ntm"])


def _ref(org: Organisation) -> dict:
    return {"code": org.code, "name": org.name}


def _criterion(c) -> dict:
    return {"number": c.number, "name": c.name, "group_name": c.group_name, "verified": c.verified}


def _document(doc) -> dict:
    return {"number": doc.number, "issuer": doc.issuer, "issue_date": doc.issue_date}


def _recognition(rec: NtmRecognition) -> dict:
    return {
        "id": rec.pk,
        "org": _ref(rec.org),
        "set": rec.set.code,
        "recognised_on": rec.recognised_on,
        "revoked_on": rec.revoked_on,
        "document": _document(rec.document),
    }


@router.get("/sets", response={200: list[NtmSetOut], **READ_ERRORS}, summary="Các bộ tiêu chí")
def list_sets(request):
    """Every national set with its decision, interval and criteria, oldest first."""
    if not scope.has_any(request.auth, scope.VIEW):
        raise Http404
    return [
        {
            "code": s.code,
            "name": s.name,
            "document": _document(s.document),
            "valid_from": s.valid_from,
            "valid_to": s.valid_to,
            "commune_groups": s.commune_groups,
            "verified": s.verified,
            "note": s.note,
            "criteria": [_criterion(c) for c in s.criteria.all()],
        }
        for s in ntm.all_sets()
    ]


@router.get(
    "/board",
    response={200: NtmBoardOut, **READ_ERRORS},
    summary="Bảng nông thôn mới: các xã × tiêu chí trong một năm",
)
def board(
    request,
    org: Annotated[Code, Query(title="Tổ chức")],
    year: Annotated[Year | None, Query(title="Năm")] = None,
    set: Annotated[str | None, Query(title="Bộ tiêu chí", max_length=40)] = None,  # noqa: A002
):
    found = org_or_404(request.auth, org)
    year = year or today().year
    if not ntm.FIRST_YEAR <= year <= today().year:
        raise invalid("year", f"Năm: từ {ntm.FIRST_YEAR} đến {today().year}.")
    data = ntm.board(found, year, set or "")
    return {
        "org": _ref(found),
        "year": year,
        "as_of": data.day,
        "set": data.ntm_set.code if data.ntm_set else None,
        "sets": [s.code for s in data.sets],
        "criteria": [_criterion(c) for c in data.criteria],
        "rows": [
            {
                "commune": _ref(r.commune),
                "results": r.cells,
                "met": r.met,
                "recognised_on": r.recognised_on,
            }
            for r in data.rows
        ],
        "criterion_met": data.criterion_met,
        "communes": len(data.rows),
        "recognised": data.recognised,
        "totals": data.totals,
    }


@router.get(
    "/summary",
    response={200: NtmSummaryOut, **READ_ERRORS},
    summary="Số xã đạt chuẩn nông thôn mới tính đến một ngày",
)
def summary(
    request,
    org: Annotated[Code, Query(title="Tổ chức")],
    day: Annotated[Day | None, Query(title="Tính đến ngày")] = None,
):
    found = org_or_404(request.auth, org)
    on: date = day or today()
    return {"org": _ref(found), "day": on, **ntm.ntm_summary(found, on)}


@router.post(
    "/assess",
    response={200: NtmAssessOut, **WRITE_ERRORS},
    summary="Đánh giá các tiêu chí nông thôn mới của một xã trong một năm",
)
def assess(request, payload: NtmAssessIn):
    org = org_field(request.auth, payload.org, "org", "Xã")
    results: dict[int, tuple[bool | None, str]] = {}
    for item in payload.results:
        if item.number in results:
            raise invalid("results", f"Kết quả: tiêu chí số {item.number} gửi hai lần.")
        results[item.number] = (item.met, item.evidence)
    changed = ntm.assess(
        actor=request.auth,
        org=org,
        year=payload.year,
        results=results,
        set_code=payload.set or "",
    )
    ntm_set = ntm.set_for_year(payload.year, payload.set or "")
    assert ntm_set is not None  # the service refused otherwise
    found = ntm.assessment_of(org, payload.year, ntm_set)
    return {
        "org": _ref(org),
        "year": payload.year,
        "set": ntm_set.code,
        "criteria": ntm_set.criteria.count(),
        "met": sum(1 for a in found.values() if a.met),
        "changed": len(changed),
    }


@router.post(
    "/recognitions",
    response={201: NtmRecognitionOut, **WRITE_ERRORS},
    summary="Ghi quyết định công nhận xã đạt chuẩn nông thôn mới",
)
def recognise(request, payload: NtmRecogniseIn):
    org = org_field(request.auth, payload.org, "org", "Xã")
    chosen = None
    if payload.set:
        chosen = NtmSet.objects.filter(code=payload.set).first()
        if chosen is None:
            raise invalid("set", f"Bộ tiêu chí: không có bộ mã “{payload.set}”.")
    rec = ntm.recognise(
        actor=request.auth,
        org=org,
        set=chosen,
        document={
            "number": payload.document_number,
            "issuer": payload.document_issuer,
            "date": payload.document_date,
        },
        recognised_on=payload.recognised_on,
    )
    return 201, _recognition(rec)


@router.get(
    "/recognitions",
    response={200: list[NtmRecognitionOut], **READ_ERRORS},
    summary="Các quyết định công nhận của một xã",
)
def recognitions(request, org: Annotated[Code, Query(title="Xã")]):
    found = org_or_404(request.auth, org)
    return [_recognition(r) for r in ntm.recognitions_of(found)]


@router.post(
    "/recognitions/{recognition_id}/revoke",
    response={200: NtmRecognitionOut, **WRITE_ERRORS},
    summary="Thu hồi công nhận đạt chuẩn nông thôn mới",
)
def revoke(
    request,
    recognition_id: Annotated[int, Path(title="Mã quyết định công nhận", ge=1, le=2**63 - 1)],
    payload: NtmRevokeIn,
):
    rec = scope.get_or_404(
        NtmRecognition.objects.select_related("org", "set", "document"),
        request.auth,
        pk=recognition_id,
    )
    assert isinstance(rec, NtmRecognition)
    if not scope.covers(request.auth, scope.CHANGE, rec.org):
        raise forbidden(FORBIDDEN)
    done = ntm.revoke(
        actor=request.auth,
        recognition=rec,
        revoked_on=payload.revoked_on,
        reason=payload.reason,
    )
    return _recognition(done)
