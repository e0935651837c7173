"""The REST API under /api/v1/: token authentication, the same scoping and services as the web.

Each app contributes a router from its own ``api.py``. Every error a client can cause comes
back as JSON with a Vietnamese message naming the field; the schema is served at
``/api/v1/openapi.json`` and browsed at ``/api/v1/docs`` (Swagger UI from ninja's bundled
static files: no CDN, no inline script, so it runs under our CSP).
"""

from datetime import timedelta
from typing import Any, get_args

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from pydantic import BaseModel

from dangbo.accounts import throttle
from dangbo.core.errors import messages_of
from dangbo.core.modelfields import label_of
from dangbo.core.models import ApiToken
from dangbo.imports.api import router as imports_router
from dangbo.imports.readers import FileProblem
from dangbo.meetings.api import router as meetings_router
from dangbo.members.api import router as members_router
from dangbo.members.models import Member
from dangbo.oversight.api import router as oversight_router
from dangbo.registry.api import router as orgs_router
from dangbo.reviews.api import router as reviews_router

MAX_KEY_LENGTH = 200
NOT_FOUND = "Không tìm thấy."
UNAUTHENTICATED = "Cần đăng nhập (thiếu hoặc sai khóa API)."


LAST_USED_RESOLUTION = timedelta(minutes=5)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``; the key is looked up by its SHA-256. Wrong keys are
    counted against the client's address by the login throttle (``accounts.throttle``): past
    its limit every key from that address is refused with 429 until the lockout ends."""

    def authenticate(self, request, token):
        if not token:
            return None
        refusal = throttle.api_refusal(request)
        if refusal is not None:
            raise HttpError(429, refusal)
        if len(token) > MAX_KEY_LENGTH:
            throttle.api_failed(request)
            return None
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            throttle.api_failed(request)
            return None
        now = timezone.now()
        # At most one write per token every few minutes: a read must not take SQLite's lock.
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class Renderer(JSONRenderer):
    """UTF-8 JSON: Vietnamese messages stay readable in logs and terminals."""

    json_dumps_params = {"ensure_ascii": False}


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The schema inside ``X | None``, ``list[X]`` or ``Annotated[X, ...]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def field_title(model: type[BaseModel], loc: tuple) -> str | None:
    """The ``title`` of the request field at ``loc`` (pydantic's own location, before ninja
    flattens it): the label the field's schema gives it, so that an error reads "Ngày sinh:
    …" in the words of the app that declared the field."""
    title = None
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue  # an item of a list: its label is the list's, or its own field's
        if current is None or part not in current.model_fields:
            break
        info = current.model_fields[part]
        title = info.title or title
        current = _inner_model(info.annotation)
    return title


class DangboAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """Ninja's errors, each with the ``label`` of its field from the request schema."""
        error = super().validation_error_from_error_contexts(error_contexts)
        titles = [
            field_title(context.model, tuple(item["loc"]))
            for context in error_contexts
            for item in context.pydantic_validation_error.errors(include_url=False)
        ]
        for item, title in zip(error.errors, titles, strict=True):
            if title:
                item["label"] = title
        return error

    def get_openapi_operation_id(self, operation) -> str:
        """``dangbo_<router tag>_api_<handler>``: clients keep their operation ids when a
        router moves between modules (the organisation router lives in ``registry``)."""
        tags = getattr(operation, "tags", None)
        if tags and operation.view_func.__module__ != __name__:
            return f"dangbo_{tags[0]}_api_{operation.view_func.__name__}"
        return super().get_openapi_operation_id(operation)


api = DangboAPI(
    title="dangbo API",
    version="1",
    description=(
        "Tổ chức đảng và đảng viên — API phiên bản 1. Xác thực: `Authorization: Bearer <khóa>` "
        "(cấp khóa bằng `dangbo token create USERNAME`). Ngày theo dạng YYYY-MM-DD. "
        "Lỗi dữ liệu: 422 với `detail` là danh sách `{field, message}`."
    ),
    auth=TokenAuth(),
    renderer=Renderer(),
    urls_namespace="api",
    docs_url="/docs",
)


@api.get("/health", auth=None, tags=["system"])
def health(request):
    return {"status": "ok"}


# ---------------------------------------------------------------- errors

# Vietnamese labels for request fields that are not model fields of the same name.
FIELD_LABELS = {
    "as_of": "Ngày tính",
    "body": "Nội dung yêu cầu",
    "code": "Mã",
    "name": "Tên",
    "kind": "Loại",
    "sector": "Loại hình",
    "parent": "Tổ chức cấp trên",
    "new_parent": "Tổ chức cấp trên mới",
    "valid_from": "Ngày thành lập",
    "has_seal": "Có con dấu",
    "effective_date": "Ngày hiệu lực",
    "org": "Chi bộ",
    "to_org": "Chi bộ chuyển đến",
    "q": "Từ khóa tìm kiếm",
    "status": "Tình trạng",
    "id": "Mã đảng viên",
    "limit": "Số dòng mỗi trang",
    "offset": "Vị trí bắt đầu",
    "recognition_date": "Ngày công nhận chính thức",
    "decision_ref": "Số quyết định",
    "letter_no": "Số giấy giới thiệu",
    "note": "Ghi chú",
    "start": "Ngày bắt đầu",
    "planned_end": "Ngày kết thúc dự kiến",
    "reason": "Lý do",
    "extended": "Được gia hạn",
    "end_date": "Ngày kết thúc",
    "category": "Lý do miễn",
    "resolution_ref": "Nghị quyết chi bộ",
    "milestone": "Mốc huy hiệu",
    "award_date": "Đợt trao",
    "badge_number": "Số huy hiệu",
    "sources": "Tổ chức được hợp nhất",
    "target": "Tổ chức được phụ trách",
    "new_orgs": "Tổ chức mới",
    "allocation": "Phân bổ đảng viên",
    "end_source": "Kết thúc tổ chức cũ",
    "document": "Văn bản quyết định",
    "number": "Số văn bản",
    "issuer": "Cơ quan ban hành",
    "issue_date": "Ngày ban hành",
    "body_type": "Loại cơ quan",
    "body_id": "Cơ quan",
    "term_start_year": "Nhiệm kỳ từ năm",
    "term_end_year": "Nhiệm kỳ đến năm",
    "formed_by": "Hình thức",
    "member_id": "Mã đảng viên",
    "title": "Chức vụ",
    "method": "Hình thức",
    "valid_to": "Đến ngày",
    "end": "Đến ngày",
    "fee_backpaid": "Đã truy nộp đảng phí",
    # meetings
    "date": "Ngày",
    "year": "Năm",
    "start_time": "Giờ bắt đầu",
    "end_time": "Giờ kết thúc",
    "topic": "Chủ đề, lĩnh vực",
    "chair_id": "Chủ trì",
    "secretary_id": "Thư ký",
    "mode": "Hình thức",
    "minutes": "Biên bản",
    "resolution": "Nghị quyết, kết luận",
    "quality": "Tự đánh giá chất lượng",
    "attendance": "Điểm danh",
    "motion": "Nội dung biểu quyết",
    "yes": "Tán thành",
    "no": "Không tán thành",
    "abstain": "Không biểu quyết",
    "meeting_id": "Mã buổi sinh hoạt",
    # oversight
    "level": "Mức",
    "committee": "Cấp ủy",
    "role": "Nhiệm vụ",
    "target_count": "Số lần dự sinh hoạt tối thiểu",
    "target_period": "Chu kỳ chỉ tiêu",
    "to_member_id": "Người nhận bàn giao",
    "on": "Ngày",
    "period_start": "Từ ngày",
    "period_end": "Đến ngày",
    "leader_id": "Tổ trưởng",
    "member_ids": "Thành viên",
    "planned_date": "Ngày dự kiến",
    "group_ids": "Tổ công tác",
    "selection": "Chi bộ cần dự",
    "cell": "Chi bộ được dự",
    "meeting_topic": "Chủ đề sinh hoạt chuyên đề",
    "attendee_ids": "Người dự",
    "group_id": "Tổ công tác",
    "notes": "Nội dung nắm được",
    "opinions": "Ý kiến",
    "received_by": "Cấp ủy tiếp nhận",
    "received_on": "Ngày tiếp nhận",
    "source": "Người nêu",
    "text": "Nội dung ý kiến",
    "place": "Địa điểm",
    "submitter_name": "Họ tên người nêu",
    "submitter_contact": "Liên hệ",
    "consent": "Đồng ý cho lưu thông tin liên hệ",
    "state": "Trạng thái",
    "overdue": "Quá hạn",
    "deadline": "Hạn xử lý",
    "answer": "Nội dung trả lời",
    "approved_by": "Người duyệt trả lời",
    "include_retired": "Gồm lĩnh vực thôi dùng",
    "assignment_id": "Mã phân công",
    "visit_id": "Mã lần dự sinh hoạt",
    "opinion_id": "Mã ý kiến",
    # reviews
    "cycle": "Đợt kiểm điểm",
    "cycle_id": "Mã đợt kiểm điểm",
    "evaluation_id": "Mã kết quả đánh giá",
    "remedy_id": "Mã giải pháp",
    "member": "Đảng viên",
    "subject": "Đối tượng",
    "opens_on": "Ngày bắt đầu kiểm điểm",
    "closes_on": "Hạn tự đánh giá và đề xuất",
    "score_general": "Điểm tiêu chí chung",
    "score_tasks": "Điểm kết quả thực hiện nhiệm vụ",
    "comment": "Tự nhận xét",
    "residence_comment": "Nhận xét của chi bộ nơi cư trú",
    "shortcomings": "Hạn chế, khuyết điểm",
    "remedies": "Giải pháp",
    "evidence": "Kết quả, minh chứng",
    "years": "Số năm liền",
    "rank": "Bậc xếp loại",
    "until": "Tính đến năm",
}


def _label(field: str) -> str:
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    try:
        return label_of(Member, field)  # "Số CCCD", as the model writes it
    except Exception:  # noqa: BLE001 - any unknown name falls back to itself
        return field


def _field_of(loc) -> str:
    """('body', 'payload', 'full_name') -> 'full_name'; ('query', 'as_of') -> 'as_of'."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else ["body"]
    elif parts and parts[0] in ("query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: dict, field: str) -> str:
    label = error.get("label") or _label(field.split(".")[0])
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"{label}: bắt buộc."
    if kind in ("json_invalid", "body_unreadable"):
        return "Nội dung yêu cầu: không phải JSON hợp lệ."
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"{label}: ngày không hợp lệ (dạng YYYY-MM-DD, ví dụ 2016-02-29)."
    if kind.startswith("int"):
        return f"{label}: phải là số nguyên."
    if kind in ("float_parsing", "float_type") or kind.startswith("decimal"):
        return f"{label}: phải là một số."
    if kind.startswith("bool"):
        return f"{label}: phải là true hoặc false."
    if kind == "string_type":
        return f"{label}: phải là chuỗi ký tự."
    if kind == "string_too_long":
        return f"{label}: dài quá {ctx.get('max_length')} ký tự."
    if kind == "string_too_short":
        return f"{label}: không được để trống."
    if kind == "control_chars":
        return f"{label}: có ký tự điều khiển không hợp lệ."
    if kind in ("greater_than_equal", "greater_than"):
        return f"{label}: phải từ {ctx.get('ge', ctx.get('gt'))} trở lên."
    if kind in ("less_than_equal", "less_than"):
        return f"{label}: không được quá {ctx.get('le', ctx.get('lt'))}."
    if kind in ("enum", "literal_error"):
        return f"{label}: chỉ nhận một trong các giá trị {ctx.get('expected', '')}."
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return f"{label}: phải là một đối tượng JSON."
    if kind == "list_type":
        return f"{label}: phải là một danh sách."
    if kind == "extra_forbidden":
        return f"{label}: trường này không được hỗ trợ."
    return f"{label}: giá trị không hợp lệ."


def _errors(request, items: list[dict]):
    return api.create_response(request, {"detail": items}, status=422)


@api.exception_handler(NinjaValidationError)
def request_invalid(request, exc: NinjaValidationError):
    """Pydantic's English messages become Vietnamese ones naming the field."""
    items = []
    for error in exc.errors:
        field = _field_of(error.get("loc", ()))
        items.append({"field": field, "message": _message(error, field)})
    return _errors(request, items)


@api.exception_handler(DjangoValidationError)
def service_invalid(request, exc: DjangoValidationError):
    """A service refused the change: its Vietnamese messages, field by field."""
    return _errors(
        request,
        [
            {"field": field, "message": message}
            for field, messages in messages_of(exc).items()
            for message in messages
        ],
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    response = api.create_response(request, {"detail": UNAUTHENTICATED}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="dangbo"'
    return response


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Ninja raises 400 for a body that is not JSON: we answer 422 like any bad input."""
    if exc.status_code == 400:
        return _errors(
            request, [{"field": "body", "message": "Nội dung yêu cầu: không phải JSON hợp lệ."}]
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(FileProblem)
def file_problem(request, exc: FileProblem):
    return api.create_response(
        request, {"detail": [{"field": "file", "message": str(exc)}]}, status=422
    )


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


def _register_routers() -> None:
    api.add_router("/orgs", orgs_router)
    api.add_router("/members", members_router)
    api.add_router("/imports", imports_router)
    api.add_router("/meetings", meetings_router)
    api.add_router("/oversight", oversight_router)
    api.add_router("/reviews", reviews_router)
    api.add_router("", _fallback)


# Registered last, so that it only catches what no endpoint matched: unknown URLs under
# /api/v1/ answer in JSON like every other error instead of Django's HTML page.
_fallback = Router(auth=None)


@_fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def unknown_url(request, rest: str):
    raise Http404


_register_routers()
