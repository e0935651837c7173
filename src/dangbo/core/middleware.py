import uuid

from . import context


class RequestContextMiddleware:
    """Gives every request an id that the audit log and the response header share."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = str(uuid.uuid4())
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.bind(
            context.ActContext(
                request_id=request_id, ip=request.META.get("REMOTE_ADDR", ""), channel=channel
            )
        )
        request.request_id = request_id
        try:
            response = self.get_response(request)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request_id
        return response
