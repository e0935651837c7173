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
from dangbo.core.api import Error, ValidationErrors
from dangbo.core.errors import messages_of
from dangbo.core.models import ApiToken
from dangbo.imports.api import router as imports_router
from dangbo.imports.readers import FileProblem
from dangbo.indicators.api import indicators_router, ntm_router
from dangbo.meetings.api import router as meetings_router
from dangbo.members.api import router as members_router
from dangbo.oversight.api import router as oversight_router
from dangbo.programs.api import documents_router, partners_router, programs_router
from dangbo.registry.api import router as orgs_router
from dangbo.reports.api import reports_router
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


_ERROR_ANSWERS = {
    401: ("Error", UNAUTHENTICATED),
    404: ("Error", NOT_FOUND),
    429: ("Error", "Quá nhiều lần thử khóa API sai: thử lại sau (xem Retry-After)."),
    422: ("ValidationErrors", "Dữ liệu gửi lên không hợp lệ: danh sách {field, message}."),
}


def _document_errors(operation: dict) -> None:
    parameters = operation.get("parameters", [])
    needs = set()
    if operation.get("security"):
        needs |= {401, 429}
    if any(p.get("in") in ("path", "query") for p in parameters):
        needs.add(404)  # an object named in the path, or an organisation in the query
    if parameters or "requestBody" in operation:
        needs.add(422)
    responses = operation.setdefault("responses", {})
    for status in sorted(needs):
        if str(status) not in responses and status not in responses:
            name, description = _ERROR_ANSWERS[status]
            responses[status] = {
                "description": description,
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                },
            }


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

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema, with the error answers every operation can give written down:
        401 and 429 where a key is needed, 404 where the path or query names an object, 422
        wherever the client sends something. Routers declare the rest (403 on writes)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Error, ValidationErrors):
            components.setdefault(model.__name__, model.model_json_schema())
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                _document_errors(operation)
        return schema

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


def _field_of(loc) -> str:
    """('body', 'payload', 'full_name') -> 'full_name'; ('query', 'as_of') -> 'as_of'."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else ["body"]
    elif parts and parts[0] in ("query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: dict, field: str) -> str:
    # Every request field carries its own title (tests/api/test_labels.py); only the body
    # as a whole has none.
    label = error.get("label") or ("Nội dung yêu cầu" if field == "body" else field)
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
    api.add_router("/documents", documents_router)
    api.add_router("/programs", programs_router)
    api.add_router("/partners", partners_router)
    api.add_router("/indicators", indicators_router)
    api.add_router("/ntm", ntm_router)
    api.add_router("/reports", reports_router)
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
